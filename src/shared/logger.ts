/**
 * Namespaced logging. Modules create a logger with {@link createLogger}; where the lines go is decided once by the
 * CLI with {@link setLogSink}. Nothing outside cli/ writes to the console.
 */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogRecord {
  readonly level: LogLevel;
  readonly namespace: string;
  readonly context: string;
  readonly message: string;
  readonly time: number;
}

export type LogSink = (record: LogRecord) => void;

let sink: LogSink = () => undefined;
let threshold = LOG_LEVELS.indexOf("warn");

export function setLogSink(next: LogSink): void {
  sink = next;
}

export function setLogLevel(level: LogLevel): void {
  threshold = LOG_LEVELS.indexOf(level);
}

export interface Logger {
  readonly namespace: string;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger with extra context, e.g. `log.child("call:12")` prints `[call:12]`. */
  child(context: string): Logger;
}

function emit(level: LogLevel, namespace: string, context: string, message: string): void {
  if (LOG_LEVELS.indexOf(level) < threshold) return;
  try {
    sink({ level, namespace, context, message, time: Date.now() });
  } catch {
    // A broken sink must never break the SIP or media path; there is nowhere left to report it.
  }
}

export function createLogger(namespace: string, context = ""): Logger {
  return {
    namespace,
    debug: (m) => emit("debug", namespace, context, m),
    info: (m) => emit("info", namespace, context, m),
    warn: (m) => emit("warn", namespace, context, m),
    error: (m) => emit("error", namespace, context, m),
    child: (c) => createLogger(namespace, context ? `${context} ${c}` : c),
  };
}
