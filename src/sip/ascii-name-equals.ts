/**
 * Case-insensitive comparison of the bytes buf[start..end) with a lower-case name, without decoding them.
 * RFC 3261 7.3.1: header field names are case-insensitive. Only ASCII letters are folded; other characters,
 * including `-`, must match exactly.
 */
export function asciiNameEquals(buf: Buffer, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const want = lower.charCodeAt(i);
    const got = buf[start + i] ?? 0;
    if (want >= 0x61 && want <= 0x7a ? (got | 0x20) !== want : got !== want) return false;
  }
  return true;
}
