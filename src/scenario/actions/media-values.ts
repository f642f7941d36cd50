/**
 * Parsers for the numbers in media action values (`rtp_stream="file,-1,8"`, `check_audio tolerance="2%"`). Each
 * returns undefined for a value that is not of its kind; the caller reports the problem with the allowed values.
 */
import { parseNumberAttribute } from "../c-double.js";

/** A decimal integer (sign allowed, white space around it ignored). */
export function parseIntegerValue(text: string): number | undefined {
  const trimmed = text.trim();
  return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** A finite number, strtod-style (`440`, `-10.5`, `1e3`). */
export function parseFiniteValue(text: string): number | undefined {
  const value = parseNumberAttribute(text);
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** A share in [0, 1], written as a percentage (`80%`) or a fraction (`0.8`). */
export function parseShareValue(text: string): number | undefined {
  const trimmed = text.trim();
  const percent = trimmed.endsWith("%");
  const value = parseFiniteValue(percent ? trimmed.slice(0, -1) : trimmed);
  if (value === undefined) return undefined;
  const share = percent ? value / 100 : value;
  return share >= 0 && share <= 1 ? share : undefined;
}
