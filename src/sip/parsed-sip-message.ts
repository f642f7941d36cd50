/**
 * The {@link SipMessage} produced by {@link parseSipMessage}: the start line, Call-ID and CSeq are decoded eagerly;
 * every other header is held as byte offsets into the received buffer and decoded on first access (then cached).
 */
import type { CSeq, HeaderField, SipMessage } from "./message.js";
import type { StartLine } from "./start-line.js";
import { canonicalHeaderKey, compactHeaderName } from "./header-names.js";
import { asciiNameEquals } from "./ascii-name-equals.js";
import { headerParam, isAsciiSpace } from "./header-params.js";

/** Offsets kept per header line, in {@link HeaderIndex.offsets}, stride {@link HEADER_STRIDE}. */
export const HEADER_STRIDE = 5;
// [nameStart, nameEnd, valueStart, valueEnd, folded (0|1)]

export interface HeaderIndex {
  /** Flat array: HEADER_STRIDE numbers per header line, in wire order. */
  readonly offsets: readonly number[];
  /** Start of the start line. */
  readonly start: number;
  /** First byte of the blank line that ends the header section. */
  readonly headerEnd: number;
  readonly bodyStart: number;
  readonly end: number;
}

/** RFC 3261 7.3.1: a folded value is one value; each line break with its surrounding whitespace becomes one SP. */
const FOLD = /[ \t]*\r?\n[ \t]*/g;

export class ParsedSipMessage implements SipMessage {
  readonly raw: Buffer;
  readonly kind: "request" | "response";
  readonly method: string;
  readonly requestUri: string;
  readonly status: number;
  readonly reason: string;
  readonly callId: string;
  readonly cseq: CSeq | undefined;

  readonly #buf: Buffer;
  readonly #index: HeaderIndex;
  #startLine: string | undefined;
  #values: (string | undefined)[] | undefined;
  #fields: HeaderField[] | undefined;
  #text: string | undefined;
  #body: Buffer | undefined;

  constructor(buf: Buffer, index: HeaderIndex, startLine: StartLine, callIdHeader: number, cseqHeader: number) {
    this.#buf = buf;
    this.#index = index;
    this.raw = buf.subarray(index.start, index.end);
    this.kind = startLine.kind;
    this.requestUri = startLine.requestUri;
    this.status = startLine.status;
    this.reason = startLine.reason;
    this.callId = callIdHeader >= 0 ? this.#value(callIdHeader) : "";
    this.cseq = cseqHeader >= 0 ? parseCSeq(this.#value(cseqHeader)) : undefined;
    this.method = startLine.kind === "request" ? startLine.method : (this.cseq?.method ?? "");
  }

  /** Cut out on first use: most messages on the hot path are never asked for their body. */
  get body(): Buffer {
    this.#body ??= this.#buf.subarray(this.#index.bodyStart, this.#index.end);
    return this.#body;
  }

  get startLine(): string {
    if (this.#startLine === undefined) {
      const { start } = this.#index;
      let end = this.#buf.indexOf(0x0a, start);
      if (end < 0) end = this.#index.headerEnd;
      if (end > start && this.#buf[end - 1] === 0x0d) end--;
      this.#startLine = this.#buf.toString("utf8", start, end);
    }
    return this.#startLine;
  }

  header(name: string): string | undefined {
    const i = this.#find(name, 0);
    return i < 0 ? undefined : this.#value(i);
  }

  headerAll(name: string): string[] {
    const out: string[] = [];
    for (let i = this.#find(name, 0); i >= 0; i = this.#find(name, i + 1)) out.push(this.#value(i));
    return out;
  }

  headerFields(): readonly HeaderField[] {
    if (this.#fields === undefined) {
      const fields: HeaderField[] = [];
      const count = this.#index.offsets.length / HEADER_STRIDE;
      for (let i = 0; i < count; i++) fields.push({ name: this.#name(i), value: this.#value(i) });
      this.#fields = fields;
    }
    return this.#fields;
  }

  headerLines(lower: string): { readonly name: string; readonly values: readonly string[] } | undefined {
    const o = this.#index.offsets;
    const buf = this.#buf;
    let first = -1;
    let values: string[] | undefined;
    for (let base = 0; base < o.length; base += HEADER_STRIDE) {
      if (!asciiNameEquals(buf, o[base] ?? 0, o[base + 1] ?? 0, lower)) continue;
      const i = base / HEADER_STRIDE;
      if (first < 0) first = i;
      (values ??= []).push(this.#value(i));
    }
    return values === undefined ? undefined : { name: this.#name(first), values };
  }

  headerText(): string {
    return this.#buf.toString("utf8", this.#index.start, this.#index.headerEnd);
  }

  text(): string {
    this.#text ??= this.raw.toString("utf8");
    return this.#text;
  }

  bodyText(): string {
    return this.body.toString("utf8");
  }

  topViaBranch(): string | undefined {
    return headerParam(this.header("via"), "branch");
  }

  toTag(): string | undefined {
    return headerParam(this.header("to"), "tag");
  }

  fromTag(): string | undefined {
    return headerParam(this.header("from"), "tag");
  }

  /** Index of the first header at or after `from` whose name is `name` (case-insensitive, compact forms too). */
  #find(name: string, from: number): number {
    const key = canonicalHeaderKey(name);
    const compact = compactHeaderName(key);
    const o = this.#index.offsets;
    const buf = this.#buf;
    for (let base = from * HEADER_STRIDE; base < o.length; base += HEADER_STRIDE) {
      const start = o[base] ?? 0;
      const end = o[base + 1] ?? 0;
      if (
        asciiNameEquals(buf, start, end, key) ||
        (compact !== undefined && asciiNameEquals(buf, start, end, compact))
      ) {
        return base / HEADER_STRIDE;
      }
    }
    return -1;
  }

  #name(i: number): string {
    const o = this.#index.offsets;
    const base = i * HEADER_STRIDE;
    return this.#buf.toString("latin1", o[base] ?? 0, o[base + 1] ?? 0);
  }

  #value(i: number): string {
    this.#values ??= new Array<string | undefined>(this.#index.offsets.length / HEADER_STRIDE);
    const cached = this.#values[i];
    if (cached !== undefined) return cached;
    const o = this.#index.offsets;
    const base = i * HEADER_STRIDE;
    let value = this.#buf.toString("utf8", o[base + 2] ?? 0, o[base + 3] ?? 0);
    if (o[base + 4] === 1) value = value.replace(FOLD, " ");
    this.#values[i] = value;
    return value;
  }
}

/** RFC 3261 20.16: CSeq = 1*DIGIT LWS Method. Undefined when the value does not have that shape. */
export function parseCSeq(value: string): CSeq | undefined {
  const len = value.length;
  let i = 0;
  let seq = 0;
  while (i < len) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    seq = seq * 10 + (c - 0x30);
    i++;
  }
  // RFC 3261 8.1.1.5: the sequence number MUST be expressible as a 32-bit unsigned integer.
  if (i === 0 || seq > 0xffffffff) return undefined;
  const digitsEnd = i;
  while (i < len && (value.charCodeAt(i) === 0x20 || value.charCodeAt(i) === 0x09)) i++;
  if (i === digitsEnd || i >= len) return undefined;
  // The method runs to the end, trailing white space aside, and holds none itself (checked on the code units for
  // the usual ASCII value; anything else takes the exact string route).
  let end = len;
  let ascii = true;
  for (let k = i; k < len; k++) if (value.charCodeAt(k) >= 0x80) ascii = false;
  if (!ascii) {
    const method = value.slice(i).trimEnd();
    if (method.length === 0 || /\s/.test(method)) return undefined;
    return { seq, method };
  }
  while (end > i && isAsciiSpace(value.charCodeAt(end - 1))) end--;
  if (end === i) return undefined;
  for (let k = i; k < end; k++) if (isAsciiSpace(value.charCodeAt(k))) return undefined;
  return { seq, method: value.slice(i, end) };
}
