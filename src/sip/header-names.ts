/**
 * Header names: the compact forms of RFC 3261 7.3.3 (plus the later RFCs' ones) and helpers to compare names.
 * Header field names are case-insensitive (RFC 3261 7.3.1); a compact form is the same header as its long form.
 */

/** Compact form -> long form (lower case). */
const COMPACT_TO_LONG: ReadonlyMap<string, string> = new Map([
  ["i", "call-id"],
  ["m", "contact"],
  ["e", "content-encoding"],
  ["l", "content-length"],
  ["c", "content-type"],
  ["f", "from"],
  ["t", "to"],
  ["v", "via"],
  ["k", "supported"],
  ["s", "subject"],
  ["o", "event"], // RFC 6665
  ["u", "allow-events"], // RFC 6665
  ["r", "refer-to"], // RFC 3515
  ["b", "referred-by"], // RFC 3892
  ["x", "session-expires"], // RFC 4028
]);

/** Long form (lower case) -> compact form. */
const LONG_TO_COMPACT: ReadonlyMap<string, string> = new Map([...COMPACT_TO_LONG].map(([c, l]) => [l, c]));

/** The spelling used when sipwright writes a header itself. */
const CANONICAL_SPELLING: ReadonlyMap<string, string> = new Map([
  ["call-id", "Call-ID"],
  ["cseq", "CSeq"],
  ["www-authenticate", "WWW-Authenticate"],
  ["mime-version", "MIME-Version"],
  ["rack", "RAck"],
  ["rseq", "RSeq"],
]);

/**
 * The key two names share when they denote the same header: lower case, compact forms expanded
 * (`I`, `call-id` and `Call-ID` all give `call-id`).
 */
export function canonicalHeaderKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT_TO_LONG.get(lower) ?? lower) : lower;
}

/** The long form in its usual spelling: `i` -> `Call-ID`, `content-length` -> `Content-Length`. */
export function canonicalHeaderName(name: string): string {
  const key = canonicalHeaderKey(name);
  const special = CANONICAL_SPELLING.get(key);
  if (special !== undefined) return special;
  return key.replace(/(^|-)([a-z])/g, (_m, sep: string, letter: string) => sep + letter.toUpperCase());
}

/** The compact form of a header, if it has one (`Via` -> `v`). */
export function compactHeaderName(name: string): string | undefined {
  return LONG_TO_COMPACT.get(canonicalHeaderKey(name));
}
