import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../src/shared/clock.js";
import { Statistics } from "../../../src/engine/outputs/statistics.js";
import { StatusReporter, formatFinalSummary, formatStatusLine, type StatusMode } from "../../../src/cli/status-line.js";

function setup(mode: StatusMode): { clock: FakeClock; stats: Statistics; out: string[]; reporter: StatusReporter } {
  const clock = new FakeClock();
  const stats = new Statistics({
    clock,
    rtdNames: ["1"],
    counterNames: [],
    responseTimeRepartition: { edges: [10, 20] },
    callLengthRepartition: { edges: [100] },
    stepCount: 0,
  });
  const out: string[] = [];
  const reporter = new StatusReporter({
    snapshot: () => stats.snapshot(),
    output: { write: (s: string) => out.push(s) },
    mode,
    clock,
    periodMs: 5000,
  });
  return { clock, stats, out, reporter };
}

describe("StatusReporter", () => {
  it("formats the compact status line", () => {
    const { stats, clock } = setup("none");
    for (let i = 0; i < 4; i++) stats.callCreated("outgoing");
    stats.callSucceeded(10);
    stats.callFailed("timeout_on_recv", 10);
    clock.advance(12_345);
    assert.equal(
      formatStatusLine(stats.snapshot(), 50),
      "elapsed 12.3s | rate 50.0/s | calls 4 started, 2 active, 1 ok, 1 failed | retrans 0 | unexp 0",
    );
  });

  it("redraws one line in place every 200 ms on a terminal, measuring the rate over a second", () => {
    const { stats, clock, out, reporter } = setup("tty");
    reporter.start();
    clock.advance(199);
    assert.equal(out.length, 0);
    for (let i = 0; i < 10; i++) stats.callCreated("outgoing");
    clock.advance(801);
    assert.equal(out.length, 5);
    assert.ok(out.every((s) => s.startsWith("\r\x1b[2K") && !s.includes("\n")));
    assert.match(out[4] ?? "", /rate 10\.0\/s \| calls 10 started, 10 active/);
    reporter.stop();
    clock.advance(1000);
    assert.equal(out.length, 6);
    assert.equal(clock.pending, 0);
  });

  it("prints a plain line every period in lines mode", () => {
    const { clock, out, reporter } = setup("lines");
    reporter.start();
    clock.advance(10_000);
    assert.equal(out.length, 2);
    assert.ok(out.every((s) => s.startsWith("elapsed ") && s.endsWith("\n")));
    reporter.stop();
  });

  it("stays silent in none mode, even at stop", () => {
    const { clock, out, reporter } = setup("none");
    reporter.start();
    clock.advance(10_000);
    reporter.stop();
    assert.deepEqual(out, []);
  });

  it("prints the final summary once, with failures by class and RTD statistics", () => {
    const { stats, out, reporter } = setup("lines");
    stats.callCreated("outgoing");
    stats.callCreated("outgoing");
    stats.rtd("1", 4);
    stats.callSucceeded(50);
    stats.callFailed("max_udp_retrans", 32_000);
    reporter.start();
    reporter.stop();
    reporter.stop();
    assert.equal(out.length, 1);
    const text = out[0] ?? "";
    assert.equal(text, formatFinalSummary(stats.snapshot()));
    assert.match(text, /2 calls in .*: 1 successful, 1 failed, 0 active/);
    assert.match(text, /failures: max_udp_retrans 1\n/);
    assert.match(text, /response time 1: n=1 mean 4\.00 ms/);
    assert.match(text, /call length: n=2 /);
  });
});
