/**
 * A peer cannot stall the engine through a scenario regexp: a UAS whose ereg runs (a+)+$ on the X-Probe header
 * answers an INVITE whose X-Probe is a run of a's ending in '!' (exponential for a backtracking engine) while a
 * timer in this process keeps firing on time. Both sides run in this process over UDP on 127.0.0.1.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { describeRun, featureFixture, runPair } from "./run-pair.js";

/** Longest gap allowed between two ticks of a 10 ms timer; a backtracking (a+)+$ at 24 a's takes over a second. */
const MAX_LAG_MS = 200;
const TICK_MS = 10;

/** Runs `fn` while a 10 ms interval timer records the largest delay past its due time. */
async function withLagProbe<T>(fn: () => Promise<T>): Promise<{ result: T; maxLagMs: number }> {
  let maxLagMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - last - TICK_MS);
    last = now;
  }, TICK_MS);
  try {
    const result = await fn();
    return { result, maxLagMs };
  } finally {
    clearInterval(timer);
  }
}

describe("scenario regexps against hostile input", () => {
  it("ereg (a+)+$ on X-Probe: a's then '!' (24, then 5,000) keeps the event loop responsive; the call completes", async (t) => {
    // 24 a's take a backtracking engine over a second, 5,000 longer than the universe has existed: the short one
    // first, so that such an engine fails this test instead of hanging it.
    for (const run of [24, 5000]) {
      const probe = `${"a".repeat(run)}!`;
      const { result, maxLagMs } = await withLagProbe(() =>
        runPair({
          uas: { scenarioFile: featureFixture("redos-uas.xml"), maxCalls: 1 },
          uac: { scenarioFile: featureFixture("redos-uac.xml"), maxCalls: 1, keys: new Map([["probe", probe]]) },
        }),
      );
      t.diagnostic(`X-Probe with ${run} a's: max event loop lag ${maxLagMs.toFixed(1)} ms`);
      assert.equal(result.uac.exitCode, 0, describeRun(result.uac));
      assert.equal(result.uac.snapshot.succeeded.cumulative, 1, describeRun(result.uac));
      assert.equal(result.uas.snapshot.succeeded.cumulative, 1, describeRun(result.uas));
      assert.ok(maxLagMs < MAX_LAG_MS, `${run} a's: event loop lag ${maxLagMs.toFixed(1)} ms (limit ${MAX_LAG_MS} ms)`);
    }
  });
});
