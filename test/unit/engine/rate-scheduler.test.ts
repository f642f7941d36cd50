import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RateScheduler } from "../../../src/engine/run/rate-scheduler.js";

describe("RateScheduler", () => {
  it("owes the first call at once, then rate calls per period", () => {
    const r = new RateScheduler(
      { rate: 10, periodMs: 1000, increase: undefined, intervalMs: undefined, max: undefined },
      0,
    );
    assert.equal(r.due(0), 1);
    r.consume(1);
    assert.equal(r.due(99), 0);
    assert.equal(r.due(100), 1);
    r.consume(1);
    assert.equal(r.due(1000), 9);
  });

  it("keeps owing calls that could not be opened (SIPp's calls_to_open)", () => {
    const r = new RateScheduler(
      { rate: 100, periodMs: 1000, increase: undefined, intervalMs: undefined, max: undefined },
      0,
    );
    r.consume(r.due(0));
    assert.equal(r.due(500), 50);
    assert.equal(r.due(1000), 100);
  });

  it("ramps by -rate_increase every -rate_interval up to -rate_max", () => {
    const r = new RateScheduler({ rate: 10, periodMs: 1000, increase: 10, intervalMs: 1000, max: 30 }, 0);
    r.consume(r.due(0));
    assert.equal(r.rate, 10);
    r.consume(r.due(1000));
    assert.equal(r.rate, 20);
    assert.equal(r.reachedMax, false);
    r.consume(r.due(2000));
    assert.equal(r.rate, 30);
    assert.equal(r.reachedMax, true);
    r.consume(r.due(5000));
    assert.equal(r.rate, 30);
  });

  it("reports the wait until the next whole call", () => {
    const r = new RateScheduler(
      { rate: 4, periodMs: 1000, increase: undefined, intervalMs: undefined, max: undefined },
      0,
    );
    r.consume(r.due(0));
    assert.equal(Math.round(r.msUntilNext()), 250);
  });
});
