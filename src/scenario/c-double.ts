/** C's `strtod` over a whole string, as SIPp reads numbers in attributes and variables. */
// C strtod over the whole string: leading isspace() allowed, nothing may follow the number.
const C_DOUBLE = /^[ \t\n\v\f\r]*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan|0x[0-9a-f]+)$/i;

/**
 * SIPp behaviour: `strtod(text, &end)` and fail when `*end` is not NUL. An empty string converts to 0 (strtod
 * consumes nothing and `end` already points at the NUL), a string of only spaces does not.
 */
export function parseCDouble(text: string): number | undefined {
  if (text === "") return 0;
  if (!C_DOUBLE.test(text)) return undefined;
  const body = text.replace(/^[ \t\n\v\f\r]+/, "");
  const negative = body.startsWith("-");
  const unsigned = body.replace(/^[+-]/, "").toLowerCase();
  let magnitude: number;
  if (unsigned.startsWith("inf")) magnitude = Infinity;
  else if (unsigned === "nan") magnitude = NaN;
  else if (unsigned.startsWith("0x")) magnitude = parseInt(unsigned.slice(2), 16);
  else magnitude = Number(unsigned);
  return negative ? -magnitude : magnitude;
}

/**
 * A numeric attribute value: strtod over the value with surrounding white space ignored; an empty value is not a
 * number (a clearer load error than SIPp's silent 0).
 */
export function parseNumberAttribute(raw: string): number | undefined {
  const trimmed = raw.trim();
  return trimmed === "" ? undefined : parseCDouble(trimmed);
}
