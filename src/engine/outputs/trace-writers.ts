/**
 * SIPp-compatible trace files: `-trace_msg` (messages.log), `-trace_shortmsg` (shortmessages.log), `-trace_err`
 * (errors.log) and `-trace_logs` (logs.log). Formats checked against real sipp 3.6.1 output.
 * The RTT and per-step count files live in rtt-trace-writer.ts and counts-trace-writer.ts; file names in
 * trace-paths.ts.
 */
import { TraceFile } from "./trace-file.js";
import { formatSippDate, formatSippDateSpaced } from "./trace-format.js";

/** Transport name as SIPp prints it (TRANSPORT_TO_STRING): UDP, TCP, TLS; ours add WS, WSS. */
export type TraceTransport = "UDP" | "TCP" | "TLS" | "WS" | "WSS";

const SEPARATOR = "-----------------------------------------------";

function byteLength(message: string | Uint8Array): number {
  return typeof message === "string" ? Buffer.byteLength(message) : message.byteLength;
}

/** `-trace_msg`: every message sent and received, in full. */
export class MessageTraceWriter {
  readonly #file: TraceFile;
  constructor(path: string) {
    this.#file = new TraceFile(path);
  }

  get path(): string {
    return this.#file.path;
  }

  // SIPp behaviour: "----------------------------------------------- %s\n%s message sent (%d bytes):\n\n%s\n".
  sent(transport: TraceTransport, message: string | Uint8Array, wallMs: number): void {
    this.#write(`${transport} message sent (${byteLength(message)} bytes):`, message, wallMs);
  }

  // SIPp behaviour: "----------------------------------------------- %s\n%s message received [%d] bytes :\n\n%s\n".
  received(transport: TraceTransport, message: string | Uint8Array, wallMs: number): void {
    this.#write(`${transport} message received [${byteLength(message)}] bytes :`, message, wallMs);
  }

  #write(title: string, message: string | Uint8Array, wallMs: number): void {
    if (this.#file.closed) return;
    this.#file.write(`${SEPARATOR} ${formatSippDateSpaced(wallMs)}\n${title}\n\n`);
    this.#file.write(message);
    this.#file.write("\n");
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

/** The three fields a short-message line needs, read from a raw SIP message. */
export interface ShortMessageFields {
  callId: string;
  cseq: string;
  firstLine: string;
}

const CALL_ID_NAMES = new Set(["call-id", "i"]);

/** Reads Call-ID (or compact `i`), CSeq and the first line of a raw SIP message without a full parse. */
export function shortMessageFields(message: string): ShortMessageFields {
  const end = message.indexOf("\r\n\r\n");
  const head = end >= 0 ? message.slice(0, end) : message;
  const lines = head.split(/\r?\n/);
  let callId = "";
  let cseq = "";
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!callId && CALL_ID_NAMES.has(name)) callId = line.slice(colon + 1).trim();
    else if (!cseq && name === "cseq") cseq = line.slice(colon + 1).trim();
  }
  return { callId, cseq, firstLine: lines[0] ?? "" };
}

/** `-trace_shortmsg`: one TSV line per message. */
export class ShortMessageTraceWriter {
  readonly #file: TraceFile;
  constructor(path: string) {
    this.#file = new TraceFile(path);
  }

  get path(): string {
    return this.#file.path;
  }

  // SIPp behaviour: "%s\t%c\t%s\tCSeq:%s\t%s\n" = date, S|R, Call-ID, CSeq value, first line.
  record(direction: "S" | "R", fields: ShortMessageFields, wallMs: number): void {
    if (this.#file.closed) return;
    this.#file.write(
      `${formatSippDate(wallMs)}\t${direction}\t${fields.callId}\tCSeq:${fields.cseq}\t${fields.firstLine}\n`,
    );
  }

  /** Convenience: extracts the fields from the raw message text. */
  recordMessage(direction: "S" | "R", message: string, wallMs: number): void {
    this.record(direction, shortMessageFields(message), wallMs);
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

/**
 * `-trace_err`: warnings and errors, each prefixed with the date. SIPp behaviour: the file starts with
 * "The following events occurred:". Unlike SIPp 3.6.1 (which runs entries together), each entry ends a line.
 */
export class ErrorTraceWriter {
  readonly #file: TraceFile;
  #started = false;
  constructor(path: string) {
    this.#file = new TraceFile(path);
  }

  get path(): string {
    return this.#file.path;
  }

  error(message: string, wallMs: number): void {
    if (this.#file.closed) return;
    if (!this.#started) {
      this.#started = true;
      this.#file.write("The following events occurred:\n");
    }
    this.#file.write(`${formatSippDate(wallMs)}: ${message.replace(/\n+$/, "")}\n`);
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}

/** `-trace_logs`: the rendered message of each `<log>` action, one per line (SIPp behaviour: no prefix). */
export class LogTraceWriter {
  readonly #file: TraceFile;
  constructor(path: string) {
    this.#file = new TraceFile(path);
  }

  get path(): string {
    return this.#file.path;
  }

  log(message: string): void {
    if (this.#file.closed) return;
    this.#file.write(`${message}\n`);
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}
