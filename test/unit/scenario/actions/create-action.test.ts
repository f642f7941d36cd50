import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { build } from "./fake-host.js";

void describe("createAction", () => {
  void it("rejects an unknown action element, listing the known ones", () => {
    const { action, problems } = build("frobnicate", {});
    assert.equal(action, undefined);
    assert.match(problems.join(), /unknown action <frobnicate> \(known: ereg, assign, /);
  });

  void it("rejects an unknown attribute, naming the allowed ones", () => {
    const { action, problems } = build("assign", { assign_to: "x", value: "1", colour: "red" });
    assert.equal(action, undefined);
    assert.deepEqual(problems, ["<assign>: unknown attribute 'colour' (allowed: assign_to, value, variable)"]);
  });

  void it("rejects a bad boolean", () => {
    assert.match(
      build("ereg", { regexp: "a", assign_to: "v", check_it: "yes" }).problems.join(),
      /not a valid boolean/,
    );
  });

  void it("no longer knows rtp_stats and rtp_dtmf, which are not SIPp actions", () => {
    for (const tag of ["rtp_stats", "rtp_dtmf"]) {
      const { action, problems } = build(tag, {});
      assert.equal(action, undefined);
      assert.match(problems.join(), new RegExp(`unknown action <${tag}> \\(known: `));
    }
  });

  void it("builds every documented action with minimal valid attributes", () => {
    const minimal: [string, Record<string, string>][] = [
      ["ereg", { regexp: "a", assign_to: "v" }],
      ["assignstr", { assign_to: "v", value: "x" }],
      ["index", { assign_to: "v" }],
      ["lookup", { assign_to: "v", file: "f", key: "k" }],
      ["insert", { file: "f", value: "x" }],
      ["replace", { file: "f", line: "0", value: "x" }],
      ["verifyauth", { assign_to: "v", username: "u", password: "p" }],
      ["closecon", {}],
    ];
    for (const [tag, attrs] of minimal) {
      const { action, problems } = build(tag, attrs);
      assert.deepEqual(problems, [], tag);
      assert.equal(action?.name, tag);
      assert.deepEqual(action.loc, { file: "test.xml", line: 1, column: 1 });
    }
  });
});
