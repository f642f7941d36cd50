import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  formatG,
  formatHhMmSs,
  formatHhMmSsUs,
  formatSippDate,
  formatSippDateSpaced,
} from "../../../src/engine/outputs/trace-format.js";

process.env.TZ = "UTC";

describe("SIPp trace formats", () => {
  it("formats dates as YYYY-MM-DD<TAB>HH:MM:SS.uuuuuu<TAB>epoch.uuuuuu", () => {
    assert.equal(formatSippDate(1795238195619.603), "2026-11-21\t05:16:35.619603\t1795238195.619603");
    assert.equal(formatSippDateSpaced(1795238195824.946), "2026-11-21 05:16:35.824946");
  });

  it("formats elapsed times as HH:MM:SS and durations as HH:MM:SS:uuuuuu", () => {
    assert.equal(formatHhMmSs(1013), "00:00:01");
    assert.equal(formatHhMmSs(100 * 3600 * 1000 + 61_000), "100:01:01");
    assert.equal(formatHhMmSsUs(7), "00:00:00:007000");
    assert.equal(formatHhMmSsUs(1004.5), "00:00:01:004500");
    assert.equal(formatHhMmSsUs(3_723_000), "01:02:03:000000");
  });

  it("formats numbers like C++ ostream's default (%g, 6 digits)", () => {
    assert.equal(formatG(0), "0");
    assert.equal(formatG(5), "5");
    assert.equal(formatG(3.988044), "3.98804");
    assert.equal(formatG(111.1111), "111.111");
    assert.equal(formatG(204.001), "204.001");
    assert.equal(formatG(1004), "1004");
    assert.equal(formatG(1234567), "1.23457e+06");
    assert.equal(formatG(0.00001234), "1.234e-05");
    assert.equal(formatG(0.5), "0.5");
    assert.equal(formatG(999999.5), "1e+06");
  });
});
