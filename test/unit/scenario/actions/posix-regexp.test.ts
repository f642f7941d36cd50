import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { compilePosixRegexp, translatePosixPattern } from "../../../../src/scenario/actions/posix-regexp.js";
import type { PosixRegexp } from "../../../../src/scenario/actions/posix-regexp.js";

function compile(pattern: string): PosixRegexp {
  const result = compilePosixRegexp(pattern);
  if (!result.ok) throw new Error(result.error);
  return result.regexp;
}

void describe("POSIX ERE translation", () => {
  void it("turns POSIX character classes inside brackets into ranges", () => {
    assert.equal(translatePosixPattern("[[:digit:]]+"), "[0-9]+");
    assert.equal(translatePosixPattern("[[:alpha:]_][[:alnum:]_]*"), "[a-zA-Z_][a-zA-Z0-9_]*");
    assert.equal(translatePosixPattern("[^[:space:];]+"), "[^ \\t\\n\\r\\f\\v;]+");
    assert.equal(translatePosixPattern("[[:xdigit:]]"), "[0-9A-Fa-f]");
  });

  void it("matches with the translated classes", () => {
    assert.deepEqual(compile("tag=([[:alnum:]-]+)").exec("To: <sip:b@x>;tag=ab-12;x")?.[1], "ab-12");
    assert.deepEqual(compile("[[:upper:]]+").exec("abcDEFghi")?.[0], "DEF");
    assert.deepEqual(compile("[[:punct:]]").exec("abc;d")?.[0], ";");
    assert.equal(compile("^[[:blank:]]+$").test(" \t "), true);
  });

  void it("treats a ']' first in a bracket expression as a literal member", () => {
    assert.equal(translatePosixPattern("[]a]"), "[\\]a]");
    assert.equal(translatePosixPattern("[^]a]"), "[^\\]a]");
    assert.equal(compile("[]x]+").exec("ab]x]c")?.[0], "]x]");
  });

  void it("lets '.' match a line end and anchors ^ and $ to the whole text, as regcomp without REG_NEWLINE", () => {
    assert.equal(compile("a.b").test("a\nb"), true);
    assert.equal(compile("^b").test("a\nb"), false);
  });

  void it("reports unknown classes, collating elements and unterminated brackets", () => {
    for (const pattern of ["[[:word:]]", "[[.a.]]", "[[=a=]]", "[abc", "[[:digit:"]) {
      const result = compilePosixRegexp(pattern);
      assert.equal(result.ok, false, pattern);
    }
  });

  void it("picks the leftmost-longest match among alternatives, as regexec does", () => {
    assert.deepEqual(compile("a|ab").exec("xabc"), ["ab"]);
    assert.deepEqual(compile("(a|ab)(c|bcd)").exec("abcd"), ["abcd", "a", "bcd"]);
    assert.deepEqual(compile("tag=(1|12|123)").exec("tag=1234"), ["tag=123", "123"]);
    // Leftmost first, then longest: the earlier start wins over a longer match further on.
    assert.deepEqual(compile("b|abcd").exec("xbabcd"), ["b"]);
  });

  void it("captures groups, leaving a group that took no part undefined", () => {
    assert.deepEqual(compile("(x)?([[:digit:]]+)").exec("ab12"), ["12", undefined, "12"]);
    assert.deepEqual(compile("(?:sip|tel):([^@;]+)").exec("<tel:+123;x>"), ["tel:+123", "+123"]);
    assert.equal(compile("^[[:digit:]]{3}$").test("123"), true);
    assert.equal(compile("^[[:digit:]]{3}$").test("1234"), false);
  });

  void it("matches in time linear in the input: (a+)+$ against 5,000 a's and a '!' returns at once", () => {
    const text = "a".repeat(5000) + "!";
    const started = performance.now();
    assert.equal(compile("(a+)+$").exec(text), null);
    assert.deepEqual(compile("^(a+)+").exec(text)?.[1]?.length, 5000);
    // A backtracking engine takes hours here (about 2^5000 paths); RE2 takes a few milliseconds.
    assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
  });

  void it("refuses what ERE lacks and linear-time matching cannot do: backreferences, lookaround, lazy quantifiers", () => {
    const refused: [string, RegExp][] = [
      ["(a)\\1", /backreference/],
      ["a(?=b)", /lookaround/],
      ["(?<!a)b", /lookaround/],
      ["(?<name>a)", /named groups/],
      ["a.*?b", /lazy quantifier/],
      ["a+?", /lazy quantifier/],
      ["a{2,3}?", /lazy quantifier/],
      ["a{1001}", /repeat count/],
    ];
    for (const [pattern, reason] of refused) {
      const result = compilePosixRegexp(pattern);
      assert.match(result.ok ? "(compiled)" : result.error, reason, pattern);
    }
    // Still fine: an escaped '?' after a quantifier, an optional group, a literal brace.
    for (const pattern of ["a*\\?", "(ab)?c", "a{x", "x{2}y"])
      assert.equal(compilePosixRegexp(pattern).ok, true, pattern);
  });
});
