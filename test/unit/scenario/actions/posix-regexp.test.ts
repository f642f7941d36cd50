import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { compilePosixRegexp, translatePosixPattern } from "../../../../src/scenario/actions/posix-regexp.js";

function compile(pattern: string): RegExp {
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
});
