/**
 * Cuts a byte stream (TCP, TLS) into SIP messages.
 * RFC 3261 18.3: on a stream transport the message length is given by Content-Length, which MUST be present; a
 * missing one is taken as 0 here. RFC 5626 3.5.1: a double CRLF between messages is a keep-alive ping (reported);
 * a single CRLF is its pong (skipped). Garbage is reported once per push and skipped up to the next line that
 * looks like a SIP start line.
 */
import type { SipMessage } from "./message.js";
import { asciiNameEquals } from "./ascii-name-equals.js";
import { parseSipMessage } from "./parse-sip-message.js";
import { parseStartLine } from "./start-line.js";
import { isOnlyLineEnds } from "./transport.js";

export type FrameEvent =
  { kind: "message"; message: SipMessage } | { kind: "error"; error: string; raw: Buffer } | { kind: "keepalive" };

export interface StreamFramerOptions {
  /** Largest message (header section plus body) accepted; default 64 KiB. */
  maxMessageBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;
const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** Where the framer stands in the stream: between messages, inside a header section, or waiting for a body. */
type FramerState =
  | { readonly name: "boundary" }
  | {
      readonly name: "headers";
      readonly scanFrom: number;
      readonly contentLength: string | undefined;
      readonly inCl: boolean;
    }
  | { readonly name: "body"; readonly total: number }
  | { readonly name: "resync" }
  | { readonly name: "discard"; readonly remaining: number };

const BOUNDARY: FramerState = { name: "boundary" };

export class StreamFramer {
  readonly #max: number;
  #state: FramerState = BOUNDARY;
  /** Unconsumed bytes; the current message (if any) starts at offset 0. */
  #chunks: Buffer[] = [];
  #length = 0;
  /** Bytes that must be buffered before it is worth scanning again. */
  #need = 0;

  constructor(opts: StreamFramerOptions = {}) {
    this.#max = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** Bytes held while waiting for the rest of a message. */
  get buffered(): number {
    return this.#length;
  }

  /**
   * What is left when the stream ends: the bytes of an unfinished message (a truncated message, to be reported),
   * or undefined when nothing is pending (between messages, only line ends, or the rest of a body already reported
   * as too large).
   */
  unfinished(): Buffer | undefined {
    if (this.#length === 0 || this.#state.name === "discard") return undefined;
    const data = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#length);
    if (data === undefined || isOnlyLineEnds(data)) return undefined;
    return data;
  }

  push(chunk: Buffer): FrameEvent[] {
    if (chunk.length === 0) return [];
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    if (this.#length < this.#need) return [];
    const data = this.#chunks.length === 1 ? chunk : Buffer.concat(this.#chunks, this.#length);
    const events: FrameEvent[] = [];
    const rest = this.#process(data, events);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#length = rest.length;
    return events;
  }

  /** Consumes what it can of `data`; returns the bytes to keep for the next push. */
  #process(data: Buffer, events: FrameEvent[]): Buffer {
    let pos = 0;
    const len = data.length;
    this.#need = 0;
    while (pos < len) {
      const state = this.#state;
      switch (state.name) {
        case "discard": {
          const n = Math.min(state.remaining, len - pos);
          pos += n;
          this.#state = n === state.remaining ? BOUNDARY : { name: "discard", remaining: state.remaining - n };
          break;
        }
        case "resync": {
          const next = this.#resync(data, pos, events);
          if (next < 0) return EMPTY;
          if (this.#state.name === "resync") return data.subarray(next);
          pos = next;
          break;
        }
        case "boundary": {
          const c = data[pos];
          if (c !== CR && c !== LF) {
            this.#state = { name: "headers", scanFrom: 0, contentLength: undefined, inCl: false };
            break;
          }
          if (isDoubleCrlf(data, pos)) {
            events.push({ kind: "keepalive" });
            pos += 4;
          } else if (len - pos < 4 && isCrlfPrefix(data, pos)) {
            return data.subarray(pos); // may still become a double CRLF
          } else {
            pos++;
          }
          break;
        }
        case "headers": {
          const next = this.#scanHeaders(data, pos, state, events);
          if (next < 0) return data.subarray(pos);
          pos = next;
          break;
        }
        case "body": {
          if (len - pos < state.total) {
            this.#need = state.total;
            return data.subarray(pos);
          }
          const raw = data.subarray(pos, pos + state.total);
          const result = parseSipMessage(raw);
          events.push(
            result.ok ? { kind: "message", message: result.message } : { kind: "error", error: result.error, raw },
          );
          pos += state.total;
          this.#state = BOUNDARY;
          break;
        }
        default: {
          const unreachable: never = state;
          return unreachable;
        }
      }
    }
    return EMPTY;
  }

  /**
   * Scans header lines of the message starting at `start`. Returns the position to continue from, or -1 when more
   * bytes are needed (the state then records how far the scan got).
   */
  #scanHeaders(
    data: Buffer,
    start: number,
    state: Extract<FramerState, { name: "headers" }>,
    events: FrameEvent[],
  ): number {
    let lineStart = start + state.scanFrom;
    let contentLength = state.contentLength;
    let inCl = state.inCl;
    for (;;) {
      const lf = data.indexOf(LF, lineStart);
      const limit = start + this.#max;
      if (lf < 0 || lf >= limit) {
        if (lf < 0 && data.length <= limit) {
          this.#state = { name: "headers", scanFrom: lineStart - start, contentLength, inCl };
          return -1;
        }
        const raw = data.subarray(start, Math.min(data.length, limit));
        events.push({ kind: "error", error: `header section longer than ${this.#max} bytes`, raw });
        this.#state = { name: "resync" };
        return start + raw.length;
      }
      const lineEnd = lf > lineStart && data[lf - 1] === CR ? lf - 1 : lf;
      if (lineStart === start) {
        if (typeof parseStartLine(data, lineStart, lineEnd) === "string") {
          this.#state = { name: "resync" };
          return start;
        }
      } else if (lineEnd === lineStart) {
        const bodyStart = lf + 1;
        const headerBytes = bodyStart - start;
        const cl = contentLength === undefined ? 0 : parseClText(contentLength);
        if (cl < 0) {
          events.push({
            kind: "error",
            error: `bad Content-Length: ${JSON.stringify(contentLength)}`,
            raw: data.subarray(start, bodyStart),
          });
          this.#state = { name: "resync" };
          return bodyStart;
        }
        if (headerBytes + cl > this.#max) {
          const error = `message of ${headerBytes + cl} bytes is larger than ${this.#max} bytes`;
          events.push({ kind: "error", error, raw: data.subarray(start, bodyStart) });
          this.#state = cl > 0 ? { name: "discard", remaining: cl } : BOUNDARY;
          return bodyStart;
        }
        this.#state = { name: "body", total: headerBytes + cl };
        return start;
      } else if (data[lineStart] === SP || data[lineStart] === HT) {
        // RFC 3261 7.3.1: a folded line continues the previous header.
        if (inCl) contentLength = `${contentLength ?? ""} ${data.toString("latin1", lineStart, lineEnd)}`;
      } else {
        inCl = false;
        if (contentLength === undefined) {
          let colon = lineStart;
          while (colon < lineEnd && data[colon] !== COLON) colon++;
          let nameEnd = colon;
          while (nameEnd > lineStart && (data[nameEnd - 1] === SP || data[nameEnd - 1] === HT)) nameEnd--;
          if (
            colon < lineEnd &&
            (asciiNameEquals(data, lineStart, nameEnd, "content-length") ||
              asciiNameEquals(data, lineStart, nameEnd, "l"))
          ) {
            contentLength = data.toString("latin1", colon + 1, lineEnd);
            inCl = true;
          }
        }
      }
      lineStart = lf + 1;
    }
  }

  /**
   * Skips lines until one that parses as a SIP start line; reports what it skipped as one error.
   * Returns the position of that start line, the position of an incomplete last line (state still "resync"),
   * or -1 when everything was discarded.
   */
  #resync(data: Buffer, from: number, events: FrameEvent[]): number {
    let pos = from;
    let result = -1;
    for (;;) {
      if (pos >= data.length) break;
      const lf = data.indexOf(LF, pos);
      if (lf < 0) {
        // An incomplete line: keep it unless it is already too long to be a start line worth waiting for.
        if (data.length - pos <= this.#max) result = pos;
        break;
      }
      const lineEnd = lf > pos && data[lf - 1] === CR ? lf - 1 : lf;
      if (lineEnd > pos && typeof parseStartLine(data, pos, lineEnd) !== "string") {
        this.#state = BOUNDARY;
        result = pos;
        break;
      }
      pos = lf + 1;
    }
    const skippedEnd = result < 0 ? data.length : result;
    if (skippedEnd > from) {
      const raw = data.subarray(from, skippedEnd);
      events.push({ kind: "error", error: `skipped ${raw.length} bytes that are not a SIP message`, raw });
    }
    return result;
  }
}

function isDoubleCrlf(data: Buffer, pos: number): boolean {
  return data[pos] === CR && data[pos + 1] === LF && data[pos + 2] === CR && data[pos + 3] === LF;
}

/** True when data[pos..] (shorter than 4 bytes) is a prefix of CRLFCRLF. */
function isCrlfPrefix(data: Buffer, pos: number): boolean {
  for (let i = pos; i < data.length; i++) if (data[i] !== ((i - pos) % 2 === 0 ? CR : LF)) return false;
  return true;
}

/** Content-Length text (folded lines already joined) -> byte count, or -1 when it is not a decimal number. */
function parseClText(text: string): number {
  const match = /^\s*(\d{1,10})\s*$/.exec(text);
  const n = match?.[1] === undefined ? -1 : Number(match[1]);
  return n > 0x7fffffff ? -1 : n;
}
