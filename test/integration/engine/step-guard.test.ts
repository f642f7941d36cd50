/**
 * The runtime guard against steps that never wait: it counts jumps back since the call last waited, so a long
 * straight scenario runs to its end, a counting loop that ends is fine, and a conditional loop that never ends fails
 * the call with scenario_error (the loader cannot refuse it: its `next` has a test=).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { counter, describeRun, failureCounts, featureFixture, runPair, withTempDir } from "./run-pair.js";
import type { PairResult } from "./run-pair.js";

/** options-uac.xml (OPTIONS, then the 200) followed by `tail`. */
async function uacWithTail(dir: string, tail: string): Promise<string> {
  const base = await readFile(featureFixture("options-uac.xml"), "latin1");
  const path = join(dir, "tail-uac.xml");
  await writeFile(path, base.replace("</scenario>", `${tail}\n</scenario>`), "latin1");
  return path;
}

async function runWithTail(tail: string): Promise<PairResult> {
  return withTempDir(async (dir) =>
    runPair({
      uas: {
        scenarioFile: featureFixture("options-uas.xml"),
        maxCalls: 1,
        keys: new Map(Object.entries({ tier: "basic", credit: "0", token_hdr: "Token", token: "abc123" })),
      },
      uac: { scenarioFile: await uacWithTail(dir, tail), maxCalls: 1, rate: 10 },
    }),
  );
}

/** A loop over one nop: `n` counts the passes; it goes back while n is below `limit`. */
function countingLoop(limit: number): string {
  return `<label id="loop"/>
  <nop counter="pass" next="loop" test="more">
    <action>
      <add assign_to="n" value="1"/>
      <test assign_to="more" variable="n" compare="less_than" value="${limit}"/>
    </action>
  </nop>`;
}

describe("steps without waiting", { concurrency: true }, () => {
  it("a straight scenario of 150,000 nops after the 200 runs to its end (no endless-loop failure)", async () => {
    const { uac } = await runWithTail(Array.from({ length: 150_000 }, () => "<nop/>").join("\n"));
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(uac.snapshot.succeeded.cumulative, 1);
  });

  it("a counting loop of 5,000 passes ends and the call succeeds", async () => {
    const { uac } = await runWithTail(countingLoop(5000));
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(counter(uac.snapshot, "pass"), 5000);
  });

  it("a conditional loop that never ends fails the call with scenario_error after 100,000 jumps back", async () => {
    const { uac } = await runWithTail(countingLoop(1e12));
    assert.equal(uac.exitCode, 1, describeRun(uac));
    assert.deepEqual(failureCounts(uac.snapshot), { scenario_error: 1 });
    // The first pass comes in from the recv; each of the 100,000 jumps back allowed makes one more.
    assert.equal(counter(uac.snapshot, "pass"), 100_001);
  });
});
