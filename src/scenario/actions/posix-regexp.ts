/**
 * Scenario regular expressions: SIPp compiles `ereg` patterns with regcomp(REG_EXTENDED) and `<recv regexp_match>`
 * with regcomp(REG_EXTENDED|REG_NOSUB): POSIX extended regular expressions, no REG_NEWLINE. A peer chooses the text
 * they run on, so they run on RE2 (re2js), whose matching time is linear in the input, never on a backtracking
 * engine: `(a+)+$` against 5,000 a's and a `!` is a millisecond, not an event loop stalled for hours.
 * The POSIX semantics kept:
 * - leftmost-longest: among the matches starting leftmost the longest wins, so `a|ab` matches "ab" in "abc";
 * - POSIX character classes inside brackets (`[[:digit:]]`, `[^[:space:];]`) become explicit ranges (C locale);
 * - a `]` first in a bracket expression is a literal, as in POSIX (`[]a]`, `[^]a]`);
 * - without REG_NEWLINE `.` matches a newline too, and `^`/`$` anchor the whole text.
 * Backslash escapes keep their earlier (Perl/JavaScript) meaning where RE2 has it (`\d`, `\s`, `\w`, `\b`, `\.`).
 * Refused when the scenario loads, as ERE has no such thing and linear-time matching cannot do it: backreferences
 * (`\1`), lookaround and other `(?` groups except the non-capturing `(?:`, lazy quantifiers (`*?`, `+?`, `??`,
 * `{n,m}?`), and repetition counts over 1000.
 * Among several longest matches, submatches are those a backtracking search would find first (RE2's rule), not
 * POSIX's subexpression-by-subexpression rule.
 */
import { RE2JS } from "re2js";

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

/** A compiled scenario regexp: compile once at load, then match many messages. */
export interface PosixRegexp {
  /** The whole leftmost-longest match then each group; `undefined` for a group that took no part. */
  exec(text: string): readonly (string | undefined)[] | null;
  test(text: string): boolean;
}

export type PosixCompileResult =
  { readonly ok: true; readonly regexp: PosixRegexp } | { readonly ok: false; readonly error: string };

// An interval `{n}`, `{n,}` or `{n,m}` (anything else after `{` is a literal brace, as before).
const INTERVAL = /^\{\d+(?:,\d*)?\}/;

/** Translate a POSIX ERE to RE2 source; throws an Error on a construct that is refused. */
export function translatePosixPattern(pattern: string): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    let quantifier = false;
    if (c === "\\") {
      const next = pattern.charAt(i + 1);
      if (next >= "1" && next <= "9") {
        throw new Error(`backreference \\${next} at offset ${i} is not supported (matching stays linear in time)`);
      }
      out += pattern.slice(i, i + 2);
      i += 2;
    } else if (c === "[") {
      const bracket = translateBracket(pattern, i);
      out += bracket.source;
      i = bracket.end;
    } else if (c === "(" && pattern.charAt(i + 1) === "?" && pattern.charAt(i + 2) !== ":") {
      throw new Error(
        `"${pattern.slice(i, i + 3)}" at offset ${i}: lookaround, named groups and inline flags are not POSIX ERE`,
      );
    } else if (c === "{" && INTERVAL.test(pattern.slice(i))) {
      const interval = INTERVAL.exec(pattern.slice(i))?.[0] ?? "";
      out += interval;
      i += interval.length;
      quantifier = true;
    } else {
      out += c;
      i++;
      quantifier = c === "*" || c === "+" || c === "?";
    }
    if (quantifier && pattern.charAt(i) === "?") {
      throw new Error(`lazy quantifier "${pattern.charAt(i - 1)}?" at offset ${i - 1} is not POSIX ERE`);
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
  let re: RE2JS;
  try {
    // DOTALL and no MULTILINE: regcomp without REG_NEWLINE. LONGEST_MATCH: POSIX leftmost-longest.
    re = RE2JS.compile(translatePosixPattern(pattern), RE2JS.DOTALL | RE2JS.LONGEST_MATCH);
  } catch (err) {
    // A bad pattern is a scenario problem, reported by the caller with the action's location.
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  return {
    ok: true,
    regexp: {
      exec(text) {
        const match: readonly unknown[] | null = re.exec(text);
        return match === null ? null : match.map((group) => (typeof group === "string" ? group : undefined));
      },
      test: (text) => re.test(text),
    },
  };
}
