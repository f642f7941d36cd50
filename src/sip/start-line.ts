/**
 * The first line of a SIP message, parsed from bytes.
 * RFC 3261 7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF
 * RFC 3261 7.2: Status-Line  = SIP-Version SP Status-Code SP Reason-Phrase CRLF
 */

export interface StartLine {
  readonly kind: "request" | "response";
  readonly method: string;
  readonly requestUri: string;
  readonly status: number;
  readonly reason: string;
}

const SP = 0x20;

/** RFC 3261 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN_CHARS: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  for (const ch of "-.!%*_+`'~") table[ch.charCodeAt(0)] = 1;
  return table;
})();

/** True when buf[at..at+7) is `SIP/2.0` (RFC 3261 7.1: the version string is case-insensitive). */
function isSipVersion(buf: Buffer, at: number): boolean {
  return (
    ((buf[at] ?? 0) | 0x20) === 0x73 && // s
    ((buf[at + 1] ?? 0) | 0x20) === 0x69 && // i
    ((buf[at + 2] ?? 0) | 0x20) === 0x70 && // p
    buf[at + 3] === 0x2f && // /
    buf[at + 4] === 0x32 && // 2
    buf[at + 5] === 0x2e && // .
    buf[at + 6] === 0x30 // 0
  );
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** Parses buf[start..end) (the line without its line end). Returns the start line or an error text. */
export function parseStartLine(buf: Buffer, start: number, end: number): StartLine | string {
  if (end - start >= 8 && isSipVersion(buf, start) && buf[start + 7] === SP) return parseStatusLine(buf, start, end);
  return parseRequestLine(buf, start, end);
}

function parseStatusLine(buf: Buffer, start: number, end: number): StartLine | string {
  const code = start + 8;
  if (end - code < 3 || !isDigit(buf[code]) || !isDigit(buf[code + 1]) || !isDigit(buf[code + 2])) {
    return "bad status line: status code must be 3 digits";
  }
  const status = ((buf[code] ?? 0) - 0x30) * 100 + ((buf[code + 1] ?? 0) - 0x30) * 10 + ((buf[code + 2] ?? 0) - 0x30);
  if (status < 100) return "bad status line: status code below 100";
  let reason = "";
  if (end > code + 3) {
    if (buf[code + 3] !== SP) return "bad status line: status code must be 3 digits followed by SP";
    reason = buf.toString("utf8", code + 4, end);
  }
  // An empty Reason-Phrase is allowed (RFC 3261 25.1: Reason-Phrase = *(...)); a missing SP before it is tolerated.
  return { kind: "response", method: "", requestUri: "", status, reason };
}

function parseRequestLine(buf: Buffer, start: number, end: number): StartLine | string {
  let i = start;
  while (i < end && TOKEN_CHARS[buf[i] ?? 0] === 1) i++;
  if (i === start) return "bad start line: expected a method or SIP/2.0";
  if (i >= end || buf[i] !== SP) return "bad request line: method must be followed by SP";
  const methodEnd = i;
  const uriStart = i + 1;
  let j = uriStart;
  while (j < end && buf[j] !== SP) j++;
  if (j === uriStart) return "bad request line: empty Request-URI";
  if (j >= end) return "bad request line: missing SIP version";
  if (end - (j + 1) !== 7 || !isSipVersion(buf, j + 1)) return "bad request line: version must be SIP/2.0";
  for (let k = uriStart; k < j; k++) {
    const c = buf[k] ?? 0;
    if (c < 0x21 || c === 0x7f) return "bad request line: control character in Request-URI";
  }
  return {
    kind: "request",
    method: buf.toString("latin1", start, methodEnd),
    requestUri: buf.toString("utf8", uriStart, j),
    status: 0,
    reason: "",
  };
}
