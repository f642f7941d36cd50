/**
 * SIPp compiles `ereg` patterns with regcomp(REG_EXTENDED): POSIX extended regular expressions, no REG_NEWLINE. This
 * turns such a pattern into a JavaScript RegExp:
 * - POSIX character classes inside brackets (`[[:digit:]]`, `[^[:space:];]`) become explicit ranges;
 * - a `]` first in a bracket expression is a literal, as in POSIX (`[]a]`, `[^]a]`);
 * - without REG_NEWLINE `.` matches a newline too, and `^`/`$` anchor the whole text: the `s` flag, no `m` flag.
 * Backslash escapes keep their JavaScript meaning. POSIX picks the leftmost-longest match where JavaScript picks the
 * first alternative that matches; patterns whose alternatives overlap may capture differently.
 */

// POSIX.1-2017 9.3.5 bracket expression character classes (C locale).
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: " \\t\\n\\r\\f\\v",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  xdigit: "0-9A-Fa-f",
  cntrl: "\\x00-\\x1f\\x7f",
  print: "\\x20-\\x7e",
  graph: "\\x21-\\x7e",
};

export type PosixCompileResult =
  { readonly ok: true; readonly regexp: RegExp } | { readonly ok: false; readonly error: string };

/** Translate a POSIX ERE to JavaScript source; throws a message string on a construct we cannot translate. */
export function translatePosixPattern(pattern: string): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === "\\") {
      out += pattern.slice(i, i + 2);
      i += 2;
    } else if (c === "[") {
      const bracket = translateBracket(pattern, i);
      out += bracket.source;
      i = bracket.end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function translateBracket(pattern: string, start: number): { source: string; end: number } {
  let out = "[";
  let i = start + 1;
  if (pattern.charAt(i) === "^") {
    out += "^";
    i++;
  }
  // POSIX: a `]` right after `[` or `[^` is a literal member.
  if (pattern.charAt(i) === "]") {
    out += "\\]";
    i++;
  }
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === "]") return { source: out + "]", end: i + 1 };
    if (c === "[" && pattern.charAt(i + 1) === ":") {
      const close = pattern.indexOf(":]", i + 2);
      if (close < 0) throw new Error(`unterminated character class at offset ${i}`);
      const name = pattern.slice(i + 2, close);
      const ranges = POSIX_CLASSES[name];
      if (ranges === undefined) throw new Error(`unknown character class [:${name}:]`);
      out += ranges;
      i = close + 2;
    } else if (c === "[" && (pattern.charAt(i + 1) === "." || pattern.charAt(i + 1) === "=")) {
      throw new Error(`collating elements and equivalence classes ([${pattern.charAt(i + 1)} ...) are not supported`);
    } else if (c === "\\") {
      out += pattern.slice(i, i + 2);
      i += 2;
    } else {
      out += c === "[" ? "\\[" : c;
      i++;
    }
  }
  throw new Error(`unterminated bracket expression at offset ${start}`);
}

/** Compile once at load time; the error text is meant for a scenario problem. */
export function compilePosixRegexp(pattern: string): PosixCompileResult {
  try {
    return { ok: true, regexp: new RegExp(translatePosixPattern(pattern), "s") };
  } catch (err) {
    // A bad pattern is a scenario problem, reported by the caller with the action's location.
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
