/**
 * The SIP message parser for the hot path: one byte scan over the header section, then lazy decoding.
 * Never throws, on any input: every problem is an `{ ok: false, error }` result.
 */
import type { SipMessage } from "./message.js";
import { HEADER_STRIDE, ParsedSipMessage } from "./parsed-sip-message.js";
import { parseStartLine } from "./start-line.js";
import { asciiNameEquals } from "./ascii-name-equals.js";

export type ParseResult = { ok: true; message: SipMessage } | { ok: false; error: string };

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/** Largest Content-Length accepted (a datagram or framed message can never be larger). */
const MAX_CONTENT_LENGTH = 0x7fffffff;

/** See parseSipMessage: HEADER_STRIDE numbers per header line of the message being parsed. */
const scratchOffsets: number[] = [];

function fail(error: string): ParseResult {
  return { ok: false, error };
}

/** Parses a decimal Content-Length value in buf[start..end); -1 when it is not 1*DIGIT or is too large. */
export function parseContentLength(buf: Buffer, start: number, end: number): number {
  if (start >= end) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i] ?? 0;
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
    if (n > MAX_CONTENT_LENGTH) return -1;
  }
  return n;
}

/**
 * Parses one SIP message from `buf` (a datagram, or one message cut out by the stream framer).
 * - CRLF and bare LF line ends; leading CRLFs before the start line are skipped (RFC 3261 7.5).
 * - Folded header lines are joined with one SP (RFC 3261 7.3.1).
 * - The body is Content-Length bytes (RFC 3261 20.14); without Content-Length it is the rest of the datagram
 *   (RFC 3261 18.3). Bytes beyond Content-Length are ignored (RFC 3261 18.3: "MUST be discarded").
 * - A missing Call-ID or CSeq is not an error here: callId is "" and cseq undefined.
 */
export function parseSipMessage(buf: Buffer): ParseResult {
  const len = buf.length;
  let pos = 0;
  while (pos < len && (buf[pos] === CR || buf[pos] === LF)) pos++;
  if (pos >= len) return fail("empty message");
  const start = pos;

  let lf = buf.indexOf(LF, pos);
  if (lf < 0) return fail("no start line: the first line has no line end");
  const startLine = parseStartLine(buf, pos, lf > pos && buf[lf - 1] === CR ? lf - 1 : lf);
  if (typeof startLine === "string") return fail(startLine);
  pos = lf + 1;

  // The header offsets are collected in a scratch array and copied out once, at their final size (no growing array
  // per message). parseSipMessage never re-enters itself, so one scratch array serves every call.
  const offsets = scratchOffsets;
  let count = 0;
  let callIdHeader = -1;
  let cseqHeader = -1;
  let contentLengthHeader = -1;
  let headerEnd = -1;
  let bodyStart = -1;

  while (pos < len) {
    lf = buf.indexOf(LF, pos);
    if (lf < 0) break;
    let lineEnd = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
    if (lineEnd === pos) {
      headerEnd = pos;
      bodyStart = lf + 1;
      break;
    }
    const first = buf[pos];
    if (first === SP || first === HT) {
      // RFC 3261 7.3.1: a line starting with whitespace continues the previous header's value.
      if (count === 0) return fail("folded line before any header");
      while (lineEnd > pos && (buf[lineEnd - 1] === SP || buf[lineEnd - 1] === HT)) lineEnd--;
      const base = count - HEADER_STRIDE;
      if (lineEnd > pos) {
        offsets[base + 3] = lineEnd;
        offsets[base + 4] = 1;
      }
      pos = lf + 1;
      continue;
    }
    let colon = pos;
    while (colon < lineEnd && buf[colon] !== COLON) colon++;
    if (colon >= lineEnd) return fail(`header line without a colon: ${JSON.stringify(excerpt(buf, pos, lineEnd))}`);
    // RFC 3261 25.1: HCOLON = *( SP / HTAB ) ":" SWS
    let nameEnd = colon;
    while (nameEnd > pos && (buf[nameEnd - 1] === SP || buf[nameEnd - 1] === HT)) nameEnd--;
    if (nameEnd === pos) return fail("header line with an empty name");
    for (let i = pos; i < nameEnd; i++) {
      if (buf[i] === SP || buf[i] === HT) return fail(`bad header name: ${JSON.stringify(excerpt(buf, pos, nameEnd))}`);
    }
    let valueStart = colon + 1;
    while (valueStart < lineEnd && (buf[valueStart] === SP || buf[valueStart] === HT)) valueStart++;
    let valueEnd = lineEnd;
    while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HT)) valueEnd--;

    const headerNumber = count / HEADER_STRIDE;
    offsets[count] = pos;
    offsets[count + 1] = nameEnd;
    offsets[count + 2] = valueStart;
    offsets[count + 3] = valueEnd;
    offsets[count + 4] = 0;
    count += HEADER_STRIDE;
    const nameLen = nameEnd - pos;
    if (nameLen === 1) {
      const c = (buf[pos] ?? 0) | 0x20;
      if (c === 0x69 /* i */ && callIdHeader < 0) callIdHeader = headerNumber;
      else if (c === 0x6c /* l */ && contentLengthHeader < 0) contentLengthHeader = headerNumber;
    } else if (nameLen === 7) {
      if (callIdHeader < 0 && asciiNameEquals(buf, pos, nameEnd, "call-id")) callIdHeader = headerNumber;
    } else if (nameLen === 4) {
      if (cseqHeader < 0 && asciiNameEquals(buf, pos, nameEnd, "cseq")) cseqHeader = headerNumber;
    } else if (nameLen === 14) {
      if (contentLengthHeader < 0 && asciiNameEquals(buf, pos, nameEnd, "content-length")) {
        contentLengthHeader = headerNumber;
      }
    }
    pos = lf + 1;
  }
  if (headerEnd < 0) return fail("missing blank line after the headers");

  let end = len;
  if (contentLengthHeader >= 0) {
    // Read after the scan: a folded continuation may still have extended the value.
    const base = contentLengthHeader * HEADER_STRIDE;
    const value =
      offsets[base + 4] === 1
        ? parseFoldedContentLength(buf.toString("latin1", offsets[base + 2] ?? 0, offsets[base + 3] ?? 0))
        : parseContentLength(buf, offsets[base + 2] ?? 0, offsets[base + 3] ?? 0);
    if (value < 0) {
      return fail(
        `bad Content-Length: ${JSON.stringify(excerpt(buf, offsets[base + 2] ?? 0, offsets[base + 3] ?? 0))}`,
      );
    }
    if (bodyStart + value > len) {
      return fail(`truncated body: Content-Length ${value} but ${len - bodyStart} bytes follow the headers`);
    }
    end = bodyStart + value;
  }
  const message = new ParsedSipMessage(
    buf,
    { offsets: offsets.slice(0, count), start, headerEnd, bodyStart, end },
    startLine,
    callIdHeader,
    cseqHeader,
  );
  return { ok: true, message };
}

function parseFoldedContentLength(text: string): number {
  const match = /^\s*(\d{1,10})\s*$/.exec(text);
  const n = match?.[1] === undefined ? -1 : Number(match[1]);
  return n > MAX_CONTENT_LENGTH ? -1 : n;
}

function excerpt(buf: Buffer, start: number, end: number): string {
  return buf.toString("utf8", start, Math.min(end, start + 60));
}
