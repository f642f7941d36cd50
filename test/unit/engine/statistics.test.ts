import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../src/shared/clock.js";
import { Statistics } from "../../../src/engine/outputs/statistics.js";

function makeStats(clock = new FakeClock()): { stats: Statistics; clock: FakeClock } {
  const stats = new Statistics({
    clock,
    rtdNames: ["1", "setup"],
    counterNames: ["answered"],
    responseTimeRepartition: { edges: [10, 20, 30, 40, 50, 100, 150, 200] },
    callLengthRepartition: { edges: [10, 50, 100, 500, 1000, 5000, 10000] },
    stepCount: 3,
  });
  return { stats, clock };
}

describe("Statistics: call counts", () => {
  it("counts created, successful and failed calls by direction and class", () => {
    const { stats } = makeStats();
    stats.callCreated("outgoing");
    stats.callCreated("outgoing");
    stats.callCreated("incoming");
    assert.equal(stats.current, 3);
    stats.callSucceeded(5);
    stats.callFailed("max_udp_retrans", 32_000);
    const s = stats.snapshot();
    assert.equal(s.created.cumulative, 3);
    assert.equal(s.outgoing.cumulative, 2);
    assert.equal(s.incoming.cumulative, 1);
    assert.equal(s.succeeded.cumulative, 1);
    assert.equal(s.failed.cumulative, 1);
    assert.equal(s.failures.max_udp_retrans.cumulative, 1);
    assert.equal(s.failures.unexpected_message.cumulative, 0);
    assert.equal(s.current, 1);
    assert.equal(s.peakCurrent, 3);
    assert.equal(s.callLength.count, 2);
  });

  it("counts a call aborted at shutdown as aborted, as its record says: not active, not a FailedCall", () => {
    const { stats } = makeStats();
    stats.callCreated("outgoing");
    stats.callCreated("outgoing");
    stats.callAborted();
    const s = stats.snapshot();
    assert.equal(s.current, 1);
    assert.equal(s.aborted.cumulative, 1);
    assert.equal(s.failures.aborted.cumulative, 1);
    assert.equal(s.failed.cumulative, 0);
    assert.equal(s.callLength.count, 0, "an aborted call has no complete length");
  });

  it("counts message events per step and globally", () => {
    const { stats } = makeStats();
    stats.messageSent(0);
    stats.messageRetransmitted(0);
    stats.messageRetransmitted(0);
    stats.messageReceived(1);
    stats.retransmissionReceived(1);
    stats.messageTimeout(1);
    stats.messageUnexpected(2);
    stats.pauseStarted(2);
    stats.pauseStarted(2);
    stats.pauseEnded(2);
    stats.messageSent(99); // out of range: ignored, never throws
    stats.outOfCallMessage();
    stats.deadCallMessage();
    stats.autoAnswered();
    stats.warning();
    stats.fatalError();
    stats.parseError();
    stats.counter("answered");
    stats.counter("answered");
    stats.counter("late");
    const s = stats.snapshot();
    assert.deepEqual(s.steps[0], {
      sent: 1,
      retransmitted: 2,
      received: 0,
      retransReceived: 0,
      timeouts: 0,
      unexpected: 0,
      pauseSessions: 0,
    });
    assert.deepEqual(s.steps[1], {
      sent: 0,
      retransmitted: 0,
      received: 1,
      retransReceived: 1,
      timeouts: 1,
      unexpected: 0,
      pauseSessions: 0,
    });
    assert.deepEqual(s.steps[2], {
      sent: 0,
      retransmitted: 0,
      received: 0,
      retransReceived: 0,
      timeouts: 0,
      unexpected: 1,
      pauseSessions: 1,
    });
    assert.equal(s.retransmissions.cumulative, 2);
    assert.equal(s.timeouts.cumulative, 1);
    assert.equal(s.unexpected.cumulative, 1);
    for (const p of [s.outOfCall, s.deadCall, s.autoAnswered, s.warnings, s.fatalErrors, s.parseErrors])
      assert.equal(p.cumulative, 1);
    assert.deepEqual(
      s.counters.map((c) => [c.name, c.value.cumulative]),
      [
        ["answered", 2],
        ["late", 1],
      ],
    );
  });
});

describe("Statistics: durations", () => {
  it("computes mean, sample standard deviation, min and max of an RTD", () => {
    const { stats } = makeStats();
    for (const v of [2, 4, 4, 4, 5, 5, 7, 9]) stats.rtd("1", v);
    const r = stats.snapshot().rtds[0];
    assert.equal(r?.name, "1");
    assert.equal(r.stats.count, 8);
    assert.equal(r.stats.mean, 5);
    assert.ok(Math.abs(r.stats.stdev - Math.sqrt(32 / 7)) < 1e-9);
    assert.equal(r.stats.min, 2);
    assert.equal(r.stats.max, 9);
  });

  it("assigns a value to the first bucket whose edge is greater, like SIPp (edge values go up a bucket)", () => {
    const { stats } = makeStats();
    for (const v of [0, 9.9, 10, 19, 150, 199, 200, 5000]) stats.rtd("setup", v);
    const setup = stats.snapshot().rtds.find((r) => r.name === "setup");
    // buckets: <10 <20 <30 <40 <50 <100 <150 <200 >=200
    assert.deepEqual(setup?.stats.repartition.counts, [2, 2, 0, 0, 0, 0, 0, 2, 2]);
    assert.deepEqual(setup.stats.repartition.edges, [10, 20, 30, 40, 50, 100, 150, 200]);
  });

  it("puts call lengths in the call-length repartition", () => {
    const { stats } = makeStats();
    stats.callCreated("outgoing");
    stats.callCreated("outgoing");
    stats.callSucceeded(7);
    stats.callFailed("call_rejected", 20_000);
    assert.deepEqual(stats.snapshot().callLength.repartition.counts, [1, 0, 0, 0, 0, 0, 0, 1]);
  });

  it("estimates percentiles within 1 % from a bounded histogram", () => {
    const { stats } = makeStats();
    for (let v = 1; v <= 1000; v++) stats.rtd("1", v);
    const r = stats.snapshot().rtds[0]?.stats;
    assert.ok(r);
    assert.ok(Math.abs(r.p50 - 500) / 500 < 0.01, `p50 ${r.p50}`);
    assert.ok(Math.abs(r.p95 - 950) / 950 < 0.01, `p95 ${r.p95}`);
    assert.ok(Math.abs(r.p99 - 990) / 990 < 0.01, `p99 ${r.p99}`);
  });

  it("adds an RTD the scenario did not declare after the declared ones", () => {
    const { stats } = makeStats();
    stats.rtd("extra", 3);
    assert.deepEqual(
      stats.snapshot().rtds.map((r) => r.name),
      ["1", "setup", "extra"],
    );
  });
});

describe("Statistics: periods and rates", () => {
  it("resets periodic values and keeps cumulative ones", () => {
    const { stats, clock } = makeStats();
    stats.callCreated("outgoing");
    stats.rtd("1", 10);
    stats.counter("answered");
    clock.advance(1000);
    stats.resetPeriodic();
    stats.callCreated("outgoing");
    stats.rtd("1", 30);
    clock.advance(500);
    const s = stats.snapshot();
    assert.deepEqual(s.outgoing, { periodic: 1, cumulative: 2 });
    assert.deepEqual(s.counters[0]?.value, { periodic: 0, cumulative: 1 });
    const r = s.rtds[0]?.stats;
    assert.equal(r?.count, 2);
    assert.equal(r.mean, 20);
    assert.deepEqual(r.periodic, { count: 1, mean: 30, stdev: 0 });
    assert.equal(s.periodElapsedMs, 500);
    assert.equal(s.elapsedMs, 1500);
    assert.equal(s.periodStartWallMs, s.startWallMs + 1000);
  });

  it("reports call rates per second of elapsed time", () => {
    const { stats, clock } = makeStats();
    for (let i = 0; i < 10; i++) stats.callCreated("outgoing");
    clock.advance(2000);
    const s = stats.snapshot();
    assert.equal(s.callRate.cumulative, 5);
    assert.equal(s.callRate.periodic, 5);
  });
});
