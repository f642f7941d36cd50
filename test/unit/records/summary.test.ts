import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeClock } from "../../../src/shared/clock.js";
import { FAILURE_CLASSES } from "../../../src/shared/failure.js";
import { Statistics } from "../../../src/engine/outputs/statistics.js";
import { SUMMARY_SCHEMA, writeSummary, type Summary } from "../../../src/records/summary.js";
import { buildSummary } from "../../../src/engine/outputs/build-summary.js";

function sample(): Summary {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const stats = new Statistics({
    clock,
    rtdNames: ["1"],
    counterNames: ["answered"],
    responseTimeRepartition: { edges: [10, 20] },
    callLengthRepartition: { edges: [100] },
    stepCount: 2,
  });
  for (let i = 0; i < 4; i++) stats.callCreated("outgoing");
  stats.rtd("1", 5);
  stats.rtd("1", 15);
  stats.counter("answered");
  stats.messageSent(0);
  stats.messageRetransmitted(0);
  stats.callSucceeded(50);
  stats.callSucceeded(150);
  stats.callFailed("call_rejected", 20);
  clock.advance(2000);
  return buildSummary({
    runId: "run-1",
    scenarioName: "uac",
    startWallMs: Date.UTC(2026, 0, 1),
    endWallMs: Date.UTC(2026, 0, 1) + 2000,
    exitCode: 1,
    snapshot: stats.snapshot(),
    config: {
      remoteHost: "::1",
      remotePort: 5070,
      transport: "u1",
      rate: 10,
      ratePeriodMs: 2000,
      maxCalls: 4,
      limit: undefined,
      users: undefined,
    },
  });
}

describe("summary.json", () => {
  it("has a schema, identity, timing and the run's totals in snake_case", () => {
    const s = sample();
    assert.equal(s.schema, SUMMARY_SCHEMA);
    assert.equal(s.schema, "sipwright.summary/1");
    assert.equal(s.run_id, "run-1");
    assert.equal(s.scenario, "uac");
    assert.equal(s.started_at, "2026-01-01T00:00:00.000Z");
    assert.equal(s.ended_at, "2026-01-01T00:00:02.000Z");
    assert.equal(s.duration_ms, 2000);
    assert.equal(s.exit_code, 1);
    assert.deepEqual(s.config, {
      remote: "[::1]:5070",
      transport: "u1",
      rate: 10,
      rate_period_ms: 2000,
      target_calls_per_second: 5,
      max_calls: 4,
      limit: null,
      users: null,
    });
    assert.deepEqual(s.calls, {
      created: 4,
      outgoing: 4,
      incoming: 0,
      successful: 2,
      failed: 1,
      aborted: 0,
      active: 1,
      peak_active: 4,
    });
    assert.equal(s.calls_per_second, 2);
    assert.equal(s.retransmissions, 1);
    assert.deepEqual(s.counters, { answered: 1 });
    assert.deepEqual(s.steps[0], {
      index: 0,
      sent: 1,
      retransmitted: 1,
      received: 0,
      retransmissions_received: 0,
      timeouts: 0,
      unexpected: 0,
    });
  });

  it("lists every failure class, zero or not", () => {
    const s = sample();
    assert.deepEqual(Object.keys(s.failures), [...FAILURE_CLASSES]);
    assert.equal(s.failures.call_rejected, 1);
    assert.equal(s.failures.max_udp_retrans, 0);
  });

  it("gives RTD and call-length statistics with repartition buckets", () => {
    const s = sample();
    const rt = s.response_times[0];
    assert.equal(rt?.name, "1");
    assert.equal(rt.count, 2);
    assert.equal(rt.mean_ms, 10);
    assert.deepEqual(rt.histogram, [
      { lower_ms: 0, upper_ms: 10, count: 1 },
      { lower_ms: 10, upper_ms: 20, count: 1 },
      { lower_ms: 20, upper_ms: null, count: 0 },
    ]);
    assert.deepEqual(s.call_length.histogram, [
      { lower_ms: 0, upper_ms: 100, count: 2 },
      { lower_ms: 100, upper_ms: null, count: 1 },
    ]);
    assert.equal(s.call_length.max_ms, 150);
  });

  it("is written atomically as pretty JSON, leaving no temporary file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "summary-"));
    try {
      const path = join(dir, "nested", "summary.json");
      const s = sample();
      await writeSummary(path, s);
      assert.deepEqual(JSON.parse(await readFile(path, "utf8")), JSON.parse(JSON.stringify(s)));
      assert.deepEqual(await readdir(join(dir, "nested")), ["summary.json"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a write failure as a FILE_ERROR", async () => {
    const dir = await mkdtemp(join(tmpdir(), "summary-"));
    try {
      const notAFolder = join(dir, "file");
      await writeFile(notAFolder, "x");
      await assert.rejects(writeSummary(join(notAFolder, "summary.json"), sample()), { code: "FILE_ERROR" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
