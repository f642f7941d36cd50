import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  formatLf,
  isVariableSet,
  VariableTable,
  variableToDouble,
  variableToNumber,
  variableToString,
} from "../../../src/scenario/variables.js";
import type { VariableValue } from "../../../src/scenario/runtime.js";

describe("VariableTable", () => {
  it("keeps call variables per call, and Global / User names in the shared maps", () => {
    const globals = new Map<string, VariableValue>();
    const user = new Map<string, VariableValue>();
    const names = { globalNames: new Set(["g"]), userNames: new Set(["u"]) };
    const a = new VariableTable({ globals, user, ...names });
    const b = new VariableTable({ globals, user, ...names });
    a.set("g", { type: "double", value: 1 });
    a.set("u", { type: "string", value: "x" });
    a.set("c", { type: "bool", value: true });
    assert.deepEqual(b.get("g"), { type: "double", value: 1 });
    assert.deepEqual(b.get("u"), { type: "string", value: "x" });
    assert.equal(b.get("c"), undefined);
    assert.deepEqual(a.get("c"), { type: "bool", value: true });
    assert.equal(globals.size, 1);
    assert.equal(user.size, 1);
  });

  it("keeps User variables in the call when there is no -users map", () => {
    const globals = new Map<string, VariableValue>();
    const t = new VariableTable({ globals, user: undefined, globalNames: new Set(), userNames: new Set(["u"]) });
    t.set("u", { type: "double", value: 2 });
    assert.deepEqual(t.get("u"), { type: "double", value: 2 });
    assert.equal(globals.size, 0);
  });
});

describe("isVariableSet (SIPp CCallVariable::isSet)", () => {
  it("is true for a regexp match, a true bool, a non-zero double and any string, even empty", () => {
    assert.equal(isVariableSet({ type: "regexp", value: "" }), true);
    assert.equal(isVariableSet({ type: "bool", value: true }), true);
    assert.equal(isVariableSet({ type: "double", value: -0.5 }), true);
    assert.equal(isVariableSet({ type: "string", value: "" }), true);
  });

  it("is false for unset, false and 0", () => {
    assert.equal(isVariableSet(undefined), false);
    assert.equal(isVariableSet({ type: "bool", value: false }), false);
    assert.equal(isVariableSet({ type: "double", value: 0 }), false);
  });
});

describe("variable conversions", () => {
  it("prints doubles as C %lf", () => {
    assert.equal(formatLf(1), "1.000000");
    assert.equal(formatLf(0.1234567), "0.123457");
    assert.equal(formatLf(1e22), "10000000000000000000000.000000");
    assert.equal(formatLf(-Infinity), "-inf");
    assert.equal(variableToString({ type: "double", value: 3 }), "3.000000");
    assert.equal(variableToString({ type: "bool", value: true }), "true");
    assert.equal(variableToString(undefined), "");
  });

  it("reads numbers as strtod reads a whole string, else undefined (or 0 for variableToNumber)", () => {
    assert.equal(variableToDouble({ type: "string", value: " 12.5" }), 12.5);
    assert.equal(variableToDouble({ type: "string", value: "0x10" }), 16);
    assert.equal(variableToDouble({ type: "string", value: "12abc" }), undefined);
    assert.equal(variableToDouble({ type: "bool", value: true }), 1);
    assert.equal(variableToNumber({ type: "string", value: "oops" }), 0);
    assert.equal(variableToNumber({ type: "double", value: 250 }), 250);
    assert.equal(variableToNumber(undefined), 0);
  });
});
