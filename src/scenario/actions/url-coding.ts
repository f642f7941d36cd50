/**
 * `<urlencode variable="v"/>` and `<urldecode variable="v"/>`: percent-encode or decode a variable in place (SIPp
 * urlcoder.cpp). Encoding keeps ASCII letters, digits and `-_.~`, every other UTF-8 byte becomes `%XX` (upper-case
 * hex). Decoding turns `+` into a space and `%XX` into that byte; a `%` not followed by two hex digits is kept.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { sippString } from "./sipp-values.js";

export const URL_CODING_ATTRIBUTES = ["variable"] as const;

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2d ||
    byte === 0x5f ||
    byte === 0x2e ||
    byte === 0x7e
  );
}

export function urlEncode(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

export function urlDecode(text: string): string {
  const input = Buffer.from(text, "utf8");
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] ?? 0;
    if (byte === 0x2b) {
      out.push(0x20);
    } else if (byte === 0x25 && /^[0-9a-fA-F]{2}$/.test(input.subarray(i + 1, i + 3).toString("latin1"))) {
      out.push(parseInt(input.subarray(i + 1, i + 3).toString("latin1"), 16));
      i += 2;
    } else {
      out.push(byte);
    }
  }
  return Buffer.from(out).toString("utf8");
}

export function buildUrlCoding(direction: "urlencode" | "urldecode", a: ActionAttributes): Action | undefined {
  const variable = a.variable("variable");
  if (a.failed || variable === undefined) return undefined;
  const code = direction === "urlencode" ? urlEncode : urlDecode;
  return {
    name: direction,
    loc: a.loc,
    execute: (host) => {
      const value = code(sippString(host.state.variables.get(variable)));
      host.state.variables.set(variable, { type: "string", value });
      return ACTION_OK;
    },
  };
}
