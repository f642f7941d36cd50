import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { FakeHost, build, mustBuild } from "./fake-host.js";

void describe("assign and arithmetic", () => {
  void it("runs a chain assign, add, subtract, multiply, divide on doubles", () => {
    const host = new FakeHost().with("step", 4);
    const chain = [
      mustBuild("assign", { assign_to: "x", value: "10" }),
      mustBuild("add", { assign_to: "x", value: "5" }),
      mustBuild("subtract", { assign_to: "x", variable: "step" }),
      mustBuild("multiply", { assign_to: "x", value: "3" }),
      mustBuild("divide", { assign_to: "x", value: "2" }),
    ];
    for (const action of chain) assert.deepEqual(action.execute(host), { ok: true });
    assert.deepEqual(host.variables.get("x"), { type: "double", value: 16.5 });
  });

  void it("assign copies another variable's double", () => {
    const host = new FakeHost().with("src", 2.5);
    mustBuild("assign", { assign_to: "dst", variable: "src" }).execute(host);
    assert.deepEqual(host.variables.get("dst"), { type: "double", value: 2.5 });
  });

  void it("reads a variable that does not hold a double as 0, as SIPp's getDouble does", () => {
    const host = new FakeHost().with("s", "7").with("x", "text");
    mustBuild("add", { assign_to: "x", variable: "s" }).execute(host);
    assert.deepEqual(host.variables.get("x"), { type: "double", value: 0 });
  });

  void it("leaves the variable unchanged and warns on a run-time division by zero", () => {
    const host = new FakeHost().with("x", 9).with("zero", 0);
    assert.deepEqual(mustBuild("divide", { assign_to: "x", variable: "zero" }).execute(host), { ok: true });
    assert.deepEqual(host.variables.get("x"), { type: "double", value: 9 });
    assert.equal(host.calls[0]?.kind, "warning");
  });

  void it("rejects a literal zero divisor, value with variable, neither, and a value that is not a number", () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ["divide", { assign_to: "x", value: "0" }, /divide by a value of zero/],
      ["add", { assign_to: "x", value: "1", variable: "y" }, /mutually exclusive/],
      ["assign", { assign_to: "x" }, /needs a 'value' or a 'variable'/],
      ["multiply", { assign_to: "x", value: "two" }, /"two" is not a number/],
      ["assign", { value: "1" }, /missing required attribute 'assign_to'/],
    ];
    for (const [tag, attrs, expected] of cases) {
      const { action, problems } = build(tag, attrs);
      assert.equal(action, undefined, `${tag} ${JSON.stringify(attrs)}`);
      assert.match(problems.join("\n"), expected);
    }
  });

  void it("todouble converts a string or regexp match through strtod and warns when it is not a number", () => {
    const host = new FakeHost().with("s", " 42.5");
    host.variables.set("m", { type: "regexp", value: "1e3" });
    mustBuild("todouble", { assign_to: "a", variable: "s" }).execute(host);
    mustBuild("todouble", { assign_to: "b", variable: "m" }).execute(host);
    assert.deepEqual(host.variables.get("a"), { type: "double", value: 42.5 });
    assert.deepEqual(host.variables.get("b"), { type: "double", value: 1000 });
    host.with("bad", "12abc");
    mustBuild("todouble", { assign_to: "c", variable: "bad" }).execute(host);
    assert.equal(host.variables.get("c"), undefined);
    assert.equal(host.calls.at(-1)?.kind, "warning");
  });

  void it("sample draws a double from the distribution (fixed gives its value)", () => {
    const host = new FakeHost();
    mustBuild("sample", { assign_to: "v", distribution: "fixed", value: "12.5" }).execute(host);
    assert.deepEqual(host.variables.get("v"), { type: "double", value: 12.5 });
    mustBuild("sample", { assign_to: "u", distribution: "uniform", min: "3", max: "4" }).execute(host);
    const u = host.variables.get("u");
    assert.ok(u?.type === "double" && u.value >= 3 && u.value <= 4);
  });

  void it("sample rejects an unknown distribution and missing parameters", () => {
    assert.match(build("sample", { assign_to: "v", distribution: "zipf" }).problems.join(), /unknown distribution/);
    assert.match(build("sample", { assign_to: "v", distribution: "normal", mean: "1" }).problems.join(), /stdev/);
  });
});
