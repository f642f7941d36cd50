import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { FakeHost, build, failureOf, mustBuild } from "./fake-host.js";

void describe("test", () => {
  void it("stores the comparison of two doubles as a bool, against a value or variable2", () => {
    const host = new FakeHost().with("x", 5).with("y", 7);
    const comparisons: [string, Record<string, string>, boolean][] = [
      ["equal", { value: "5" }, true],
      ["not_equal", { value: "5" }, false],
      ["greater_than", { value: "4" }, true],
      ["less_than", { variable2: "y" }, true],
      ["greater_than_equal", { value: "5" }, true],
      ["less_than_equal", { value: "4.5" }, false],
    ];
    for (const [compare, rhs, expected] of comparisons) {
      mustBuild("test", { assign_to: "r", variable: "x", compare, ...rhs }).execute(host);
      assert.deepEqual(host.variables.get("r"), { type: "bool", value: expected }, compare);
    }
  });

  void it("fails the call with test_doesnt_match when check_it is set and the comparison is false", () => {
    const host = new FakeHost().with("x", 1);
    const result = mustBuild("test", { variable: "x", compare: "equal", value: "2", check_it: "true" }).execute(host);
    assert.equal(failureOf(result), "test_doesnt_match");
  });

  void it("fails the call with test_shouldnt_match when check_it_inverse is set and the comparison is true", () => {
    const host = new FakeHost().with("x", 2);
    const attrs = { variable: "x", compare: "equal", value: "2", check_it_inverse: "true" };
    const result = mustBuild("test", attrs).execute(host);
    assert.equal(failureOf(result), "test_shouldnt_match");
    assert.deepEqual(mustBuild("test", { ...attrs, value: "3" }).execute(host), { ok: true });
  });

  void it("rejects a bad compare, a value with variable2, and a missing assign_to without check_it", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ assign_to: "r", variable: "x", compare: "equals", value: "1" }, /"equals" is not one of equal, not_equal/],
      [{ assign_to: "r", variable: "x", compare: "equal", value: "1", variable2: "y" }, /both a value and a variable2/],
      [{ variable: "x", compare: "equal", value: "1" }, /missing required attribute 'assign_to'/],
    ];
    for (const [attrs, expected] of cases) {
      const { action, problems } = build("test", attrs);
      assert.equal(action, undefined);
      assert.match(problems.join("\n"), expected);
    }
  });
});

void describe("strcmp", () => {
  void it("stores C strcmp as a double: 0 when equal, the byte difference otherwise", () => {
    const host = new FakeHost().with("a", "abc").with("b", "abd");
    mustBuild("strcmp", { assign_to: "r", variable: "a", value: "abc" }).execute(host);
    assert.deepEqual(host.variables.get("r"), { type: "double", value: 0 });
    mustBuild("strcmp", { assign_to: "r", variable: "a", variable2: "b" }).execute(host);
    assert.deepEqual(host.variables.get("r"), { type: "double", value: -1 });
  });

  void it("fails the call with strcmp_doesnt_match under check_it and strcmp_shouldnt_match under check_it_inverse", () => {
    const host = new FakeHost().with("a", "abc");
    const differ = mustBuild("strcmp", { variable: "a", value: "xyz", check_it: "true" }).execute(host);
    assert.equal(failureOf(differ), "strcmp_doesnt_match");
    const same = mustBuild("strcmp", { variable: "a", value: "abc", check_it_inverse: "true" }).execute(host);
    assert.equal(failureOf(same), "strcmp_shouldnt_match");
    assert.deepEqual(mustBuild("strcmp", { variable: "a", value: "abc", check_it: "true" }).execute(host), {
      ok: true,
    });
  });

  void it("rejects a value together with variable2", () => {
    const { action, problems } = build("strcmp", { assign_to: "r", variable: "a", value: "x", variable2: "b" });
    assert.equal(action, undefined);
    assert.match(problems.join(), /both a value and a variable2/);
  });
});
