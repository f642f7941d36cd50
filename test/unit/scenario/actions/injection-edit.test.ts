import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { FakeHost, failureOf, mustBuild } from "./fake-host.js";

void describe("lookup, insert, replace", () => {
  void it("lookup stores the line number of a key as a double (-1 when absent)", () => {
    const host = new FakeHost().with("who", "bob");
    mustBuild("lookup", { assign_to: "line", file: "users.csv", key: "[$who]" }).execute(host);
    assert.deepEqual(host.variables.get("line"), { type: "double", value: 1 });
    mustBuild("lookup", { assign_to: "none", file: "users.csv", key: "zed" }).execute(host);
    assert.deepEqual(host.variables.get("none"), { type: "double", value: -1 });
  });

  void it("insert appends and replace overwrites a line", () => {
    const host = new FakeHost();
    mustBuild("insert", { file: "users.csv", value: "carol;c3" }).execute(host);
    mustBuild("replace", { file: "users.csv", line: "0", value: "alice;new" }).execute(host);
    assert.deepEqual(host.injection.lines, ["alice;new", "bob;b2", "carol;c3"]);
  });

  void it("a file that is not loaded, or a line that is not a number, is fatal", () => {
    const host = new FakeHost();
    const r1 = mustBuild("insert", { file: "other.csv", value: "x" }).execute(host);
    assert.equal(failureOf(r1), "scenario_error");
    const r2 = mustBuild("replace", { file: "users.csv", line: "first", value: "x" }).execute(host);
    assert.equal(failureOf(r2), "scenario_error");
    assert.deepEqual(
      host.calls.map((c) => c.kind),
      ["fatal", "fatal"],
    );
  });
});
