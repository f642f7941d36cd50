/**
 * The call record's timestamps on the hot path: isoTimestamp writes exactly what Date#toISOString writes, so
 * call_records.jsonl stays byte-for-byte what it was.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isoTimestamp } from "../../../src/engine/outputs/call-record-builder.js";

describe("isoTimestamp", () => {
  it("gives Date#toISOString's text for times in the same second, across seconds, and fractional milliseconds", () => {
    const base = Date.UTC(2026, 11, 3, 7, 59, 59, 990);
    for (let i = 0; i < 5000; i++) {
      const t = base + i * 0.37;
      assert.equal(isoTimestamp(t), new Date(t).toISOString());
    }
  });

  it("gives Date#toISOString's text at the edges of its fast range", () => {
    for (const t of [0, 0.5, -0.5, 999.9, 1000, -1, -86_400_001, 253_402_300_799_999, 253_402_300_800_000]) {
      assert.equal(isoTimestamp(t), new Date(t).toISOString(), `t = ${t}`);
    }
  });
});
