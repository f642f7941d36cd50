/**
 * Reporting of malformed messages under attack: every one is counted (Statistics.parseError, by the caller), but
 * the lines are rate-limited. Per kind of error (its text up to the first ":" with digits folded, e.g. "bad
 * Content-Length" or "skipped N bytes that are not a SIP message") at most {@link PARSE_ERROR_LINES_PER_SECOND}
 * lines per second go to stderr and the error log; the rest are counted and, when the second is over (or at the end
 * of the run), one line says how many were suppressed. Each error-log line carries at most
 * {@link PARSE_ERROR_EXCERPT_BYTES} bytes of the message, escaped, so the log grows by a bounded amount per second
 * whatever a peer sends.
 */
import type { Clock, TimerHandle } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { Peer } from "../../sip/transport.js";

export const PARSE_ERROR_LINES_PER_SECOND = 10;
/** Bytes of a malformed message copied (escaped) into the error log. */
export const PARSE_ERROR_EXCERPT_BYTES = 256;
/** The error text shown is cut to this many characters (it may quote the peer's bytes). */
const MAX_ERROR_TEXT = 200;
const WINDOW_MS = 1000;
/** Kinds tracked separately; beyond that, every new kind shares one window. */
const MAX_KINDS = 32;
const OTHER = "other malformed messages";

interface Window {
  readonly kind: string;
  start: number;
  shown: number;
  suppressed: number;
  timer: TimerHandle | undefined;
}

export interface ParseErrorLogOptions {
  readonly clock: Clock;
  readonly log: Logger;
  /** Appends one entry to the error log (-trace_err). */
  readonly traceError: (text: string) => void;
}

export class ParseErrorLog {
  readonly #opts: ParseErrorLogOptions;
  readonly #windows = new Map<string, Window>();

  constructor(opts: ParseErrorLogOptions) {
    this.#opts = opts;
  }

  /** A malformed message: one stderr warning and one error-log entry with an excerpt, within the rate. */
  report(error: string, raw: Buffer, from: Peer): void {
    if (!this.#admit(`malformed message: ${errorKind(error)}`)) return;
    const where = `${from.host}:${from.port}`;
    const text = error.length > MAX_ERROR_TEXT ? `${error.slice(0, MAX_ERROR_TEXT)}...` : error;
    this.#opts.log.warn(`malformed message from ${where}: ${text}`);
    const shown = Math.min(raw.length, PARSE_ERROR_EXCERPT_BYTES);
    const cut = shown < raw.length ? `\n[${raw.length - shown} more bytes not shown]` : "";
    this.#opts.traceError(
      `malformed message from ${where} (${raw.length} bytes): ${text}\n${escapeExcerpt(raw.subarray(0, shown))}${cut}`,
    );
  }

  /** A message that belongs to no call: one error-log entry, within the rate (a flood of them is as cheap). */
  discarded(text: string): void {
    if (this.#admit("message that belongs to no call")) this.#opts.traceError(text);
  }

  /** True when a line of `kind` may be written now; otherwise counts it as suppressed. */
  #admit(kind: string): boolean {
    const window = this.#window(kind);
    const now = this.#opts.clock.now();
    if (now - window.start >= WINDOW_MS) this.#endWindow(window, now);
    if (window.shown >= PARSE_ERROR_LINES_PER_SECOND) {
      window.suppressed++;
      window.timer ??= this.#opts.clock.setTimer(window.start + WINDOW_MS - now, () => {
        this.#endWindow(window, this.#opts.clock.now());
      });
      return false;
    }
    window.shown++;
    return true;
  }

  /** Writes the pending "suppressed" lines (end of run). */
  flush(): void {
    const now = this.#opts.clock.now();
    for (const window of this.#windows.values()) this.#endWindow(window, now);
  }

  #window(kind: string): Window {
    const key = this.#windows.has(kind) || this.#windows.size < MAX_KINDS ? kind : OTHER;
    let window = this.#windows.get(key);
    if (window === undefined) {
      window = { kind: key, start: this.#opts.clock.now(), shown: 0, suppressed: 0, timer: undefined };
      this.#windows.set(key, window);
    }
    return window;
  }

  #endWindow(window: Window, now: number): void {
    window.timer?.cancel();
    window.timer = undefined;
    if (window.suppressed > 0) {
      const line = `suppressed ${window.suppressed} similar messages (${window.kind}) in the last second`;
      this.#opts.log.warn(line);
      this.#opts.traceError(line);
    }
    window.start = now;
    window.shown = 0;
    window.suppressed = 0;
  }
}

/** The kind of a parse error: its text up to the first ":" with every number shown as N. */
export function errorKind(error: string): string {
  const colon = error.indexOf(":");
  return (colon < 0 ? error : error.slice(0, colon)).replace(/\d+/g, "N").slice(0, 80);
}

/** Printable ASCII, CR/LF and tab as they are; every other byte (and the backslash) as \xNN. */
export function escapeExcerpt(bytes: Buffer): string {
  let out = "";
  for (const byte of bytes) {
    const printable = (byte >= 0x20 && byte < 0x7f && byte !== 0x5c) || byte === 0x0a || byte === 0x0d || byte === 0x09;
    out += printable ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}
