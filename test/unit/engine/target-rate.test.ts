/**
 * The stat CSV's TargetRate follows the -rate_increase ramp (issue 9 item 6). sipp 3.6.1 with `-r 5
 * -rate_increase 5 -rate_interval 1s -rate_max 20 -fd 1 -trace_stat` writes TargetRate 5, 5, 10, 15, 20 at 0..4 s;
 * ours stayed at the initial rate; without -rate_interval the ramp steps every -fd period, as in SIPp. Under a FakeClock: the snapshot's `target` (the column) at each interval.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defaultRunConfig } from "../../../src/cli/run-defaults.js";
import { startFakeRun } from "./fake-run-environment.js";
import { request } from "./scenario-snippets.js";

// One OPTIONS per call, no answer awaited, then a short pause (the call ends on a timer): the run follows the rate.
const SCENARIO = `<scenario name="t">\n${request("OPTIONS")}\n<pause milliseconds="50"/>\n</scenario>`;

describe("TargetRate and the rate ramp", () => {
  it("is the current rate of -rate_increase, up to -rate_max", () => {
    const run = startFakeRun(SCENARIO, {
      config: { rate: 5, rateIncrease: 5, rateIntervalMs: 1000, rateMax: 20, noRateQuit: true, maxCalls: 1000 },
    });
    const targets: number[] = [];
    run.clock.advance(500);
    for (let second = 1; second < 5; second++) {
      run.clock.advance(1000);
      targets.push(run.stats.snapshot().target);
    }
    // At 1.5 s, 2.5 s, 3.5 s and 4.5 s: the ramp steps at each whole second and stops at -rate_max.
    assert.deepEqual(targets, [10, 15, 20, 20]);
    run.controller.stop("now");
  });

  it("steps every -fd period when -rate_interval is not given (SIPp: -rate_interval defaults to -fd)", () => {
    const statPeriodMs = 2000;
    const trace = { ...defaultRunConfig({ isTTY: false, cwd: process.cwd() }).trace, statPeriodMs };
    const run = startFakeRun(SCENARIO, {
      config: { rate: 5, rateIncrease: 5, rateMax: 20, noRateQuit: true, maxCalls: 1000, trace },
    });
    const targets: number[] = [];
    run.clock.advance(statPeriodMs / 2);
    for (let period = 1; period < 3; period++) {
      run.clock.advance(statPeriodMs);
      targets.push(run.stats.snapshot().target);
    }
    assert.deepEqual(targets, [10, 15]);
    run.controller.stop("now");
  });

  it("follows a rate changed while the run goes (setRate)", () => {
    const run = startFakeRun(SCENARIO, { config: { rate: 5, maxCalls: 1000 } });
    run.clock.advance(500);
    run.controller.setRate(12);
    assert.equal(run.stats.snapshot().target, 12);
    run.controller.stop("now");
  });
});
