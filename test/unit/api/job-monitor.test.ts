import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JobMonitor, type CountersEvent } from "../../../src/api/job-monitor.js";
import { LIVE_FILE, RECORDS_FILE } from "../../../src/api/job.js";

const record = (n: number): string =>
  JSON.stringify({
    call_number: n,
    failure: null,
    webrtc: {
      ice: { connection: "connected", selected_pair: { local: { type: "host" } } },
      turn: { refreshes: 0 },
    },
  }) + "\n";

const finalLine =
  JSON.stringify({
    t_ms: 3000,
    calls: { created: 3, active: 0, succeeded: 3, failed: 0 },
    calls_per_s: 0,
    retransmissions: 0,
    failure_classes: {},
    rtd_ms: null,
    media: null,
    webrtc: null,
    final: true,
  }) + "\n";

describe("JobMonitor", () => {
  it("sends the final counters again, with every record tallied, when the final live line was read before the last record", async () => {
    const folder = await mkdtemp(join(tmpdir(), "sipwright-monitor-"));
    try {
      await writeFile(join(folder, RECORDS_FILE), record(1) + record(2));
      await writeFile(join(folder, LIVE_FILE), finalLine);
      const events: CountersEvent[] = [];
      let sawFinal: (() => void) | undefined;
      const finalSeen = new Promise<void>((resolve) => (sawFinal = resolve));
      const monitor = new JobMonitor({
        jobId: "j",
        folder,
        args: [],
        onCounters: (e) => {
          events.push(e);
          if (e.final) sawFinal?.();
        },
        onRecord: () => undefined,
      });
      monitor.start();
      const timeout = setTimeout(() => assert.fail("no final counters event within 10 s"), 10_000);
      await finalSeen;
      clearTimeout(timeout);
      // The process wrote its last record after its final live line had been read.
      await appendFile(join(folder, RECORDS_FILE), record(3));
      await monitor.stop();
      assert.equal(monitor.recordCount, 3);
      const last = events.at(-1);
      assert.equal(last?.final, true);
      assert.equal(last.webrtc?.ended_states.connected, 3);
      assert.equal(last.webrtc.pairs.host, 3);
      assert.deepEqual(monitor.latest, last);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
