import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RtcpScheduler } from "../../../../src/media/rtp/rtcp-scheduler.js";

describe("RtcpScheduler", () => {
  it("sends the first report after half the minimum interval, then every 5 s on average", () => {
    const scheduler = new RtcpScheduler({ random: () => 0.5 });
    assert.equal(scheduler.nextDelayMs(), 2500);
    assert.equal(scheduler.nextDelayMs(), 5000);
    assert.equal(scheduler.nextDelayMs(), 5000);
  });

  it("randomises each interval uniformly between 0.5 and 1.5 times the deterministic one", () => {
    const low = new RtcpScheduler({ random: () => 0 });
    low.nextDelayMs();
    assert.equal(low.nextDelayMs(), 2500);
    const high = new RtcpScheduler({ random: () => 0.999999 });
    high.nextDelayMs();
    assert.ok(Math.abs(high.nextDelayMs() - 7500) < 0.01);
    const real = new RtcpScheduler();
    real.nextDelayMs();
    for (let i = 0; i < 1000; i++) {
      const d = real.nextDelayMs();
      assert.ok(d >= 2500 && d < 7500, `${d}`);
    }
  });

  it("stretches the interval beyond 5 s when 5 % of the session bandwidth cannot carry the reports", () => {
    // 400 octets/s session -> 20 octets/s of RTCP; 2 members x 100 octets -> 10 s.
    const scheduler = new RtcpScheduler({ sessionBandwidth: 400, random: () => 0.5 });
    scheduler.nextDelayMs();
    assert.equal(scheduler.deterministicIntervalMs(), 10_000);
    // A big compound raises the average size (1/16 weight, 28 octets of UDP/IP headers included).
    scheduler.onCompound(1672);
    assert.equal(scheduler.deterministicIntervalMs(), 20_000);
  });
});
