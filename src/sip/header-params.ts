/**
 * Parameters of a header value (`;tag=`, `;branch=`). RFC 3261 20.10/25.1: in a name-addr the URI is inside
 * `<...>` and its own `;` parameters are not header parameters; a display name may be a quoted string holding `;`,
 * `,` or `<`. Only the first element of a comma-separated list is considered.
 */

const SEMI = 0x3b;
const COMMA = 0x2c;
const LT = 0x3c;
const GT = 0x3e;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const EQUALS = 0x3d;

/**
 * Value of parameter `name` (case-insensitive) of the first element of a header value; "" for a parameter without a
 * value (`;lr`), undefined when absent. A quoted value is returned without its quotes.
 */
export function headerParam(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const wanted = name.toLowerCase();
  const len = value.length;
  let i = 0;
  let inQuotes = false;
  let inAngle = false;
  // Find the first ';' outside quotes and angle brackets.
  for (; i < len; i++) {
    const c = value.charCodeAt(i);
    if (inQuotes) {
      if (c === BACKSLASH) i++;
      else if (c === DQUOTE) inQuotes = false;
    } else if (inAngle) {
      if (c === GT) inAngle = false;
    } else if (c === DQUOTE) inQuotes = true;
    else if (c === LT) inAngle = true;
    else if (c === SEMI) break;
    else if (c === COMMA) return undefined;
  }
  // Now at a ';' (or the end): walk `;name[=value]` pairs until ',' or the end.
  while (i < len && value.charCodeAt(i) === SEMI) {
    const nameStart = i + 1;
    let j = nameStart;
    while (j < len) {
      const c = value.charCodeAt(j);
      if (c === EQUALS || c === SEMI || c === COMMA) break;
      j++;
    }
    const matches = paramNameIs(value, nameStart, j, wanted);
    let paramValue = "";
    if (j < len && value.charCodeAt(j) === EQUALS) {
      let k = j + 1;
      while (k < len && (value.charCodeAt(k) === 0x20 || value.charCodeAt(k) === 0x09)) k++;
      if (k < len && value.charCodeAt(k) === DQUOTE) {
        const quoted = readQuoted(value, k);
        paramValue = quoted.text;
        j = quoted.end;
        while (j < len && value.charCodeAt(j) !== SEMI && value.charCodeAt(j) !== COMMA) j++;
      } else {
        j = k;
        while (j < len && value.charCodeAt(j) !== SEMI && value.charCodeAt(j) !== COMMA) j++;
        paramValue = value.slice(k, j).trim();
      }
    }
    if (matches) return paramValue;
    i = j;
  }
  return undefined;
}

/** The ASCII white space of C isspace(), String#trim and `\s`: SP, HT, LF, VT, FF, CR. */
export function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * `value.slice(start, end).trim().toLowerCase() === wanted`, without building the strings for the usual ASCII name
 * (the hot path asks for `tag` and `branch` on every message); any other code unit takes the exact string route.
 */
function paramNameIs(value: string, start: number, end: number, wanted: string): boolean {
  let a = start;
  let b = end;
  while (a < b && isAsciiSpace(value.charCodeAt(a))) a++;
  while (b > a && isAsciiSpace(value.charCodeAt(b - 1))) b--;
  for (let k = start; k < end; k++) {
    if (value.charCodeAt(k) >= 0x80) return value.slice(start, end).trim().toLowerCase() === wanted;
  }
  if (b - a !== wanted.length) return false;
  for (let k = 0; k < wanted.length; k++) {
    const c = value.charCodeAt(a + k);
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== wanted.charCodeAt(k)) return false;
  }
  return true;
}

/** Reads the quoted-string starting at `start` (a `"`); returns its unescaped text and the index after it. */
export function readQuoted(value: string, start: number): { text: string; end: number } {
  let text = "";
  let i = start + 1;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < value.length) {
      text += value[i + 1] ?? "";
      i += 2;
    } else if (c === DQUOTE) {
      return { text, end: i + 1 };
    } else {
      text += value[i] ?? "";
      i++;
    }
  }
  return { text, end: i };
}
