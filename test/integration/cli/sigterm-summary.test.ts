/**
 * summary.json counts what call_records.jsonl says after SIGTERM: calls killed in the middle of a long pause end
 * with a record that says failure.class "aborted", and the summary says so too (no call left "active").
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOOPBACK } from "../../helpers/free-port.js";
import { optionsScenario } from "../../helpers/options-scenario.js";
import { stopStartedProcesses, waitExit, waitForStderr } from "../../helpers/processes.js";
import { udpListener } from "../../helpers/udp-listener.js";
import { readSummary, startSipwright } from "../../helpers/sipwright.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";

after(stopStartedProcesses);

const CALLS = 3;

/** Each call sits in a 10-minute pause: SIGTERM is sure to find all of them there. */
const LONG_PAUSE = optionsScenario({ name: "long pause", pauseMs: 600_000 });

describe("SIGTERM during long calls", () => {
  it("leaves a summary whose counts match the call records (aborted, none active)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sipwright-sigterm-summary-"));
    const { socket, port } = await udpListener();
    try {
      const scenario = join(dir, "long-pause.xml");
      await writeFile(scenario, LONG_PAUSE);
      const out = join(dir, "out");
      const uac = await startSipwright(
        ["-sf", scenario, `${LOOPBACK}:${port}`, "-i", LOOPBACK, "-p", "0", "-r", "100", "-m", String(CALLS)].concat([
          "-timeout",
          "60s",
          "--out",
          out,
          "--status",
          "lines",
          "-f",
          "0.05",
        ]),
        { cwd: dir },
      );
      await waitForStderr(uac, new RegExp(`calls ${CALLS} started, ${CALLS} active`), 30_000);
      assert.ok(uac.kill("SIGTERM"));
      await waitExit(uac, 30_000);

      const records = await readCallRecords(join(out, "call_records.jsonl"));
      const summary = await readSummary(join(out, "summary.json"));
      assert.equal(records.length, CALLS);
      const aborted = records.filter((r) => r.failure?.class === "aborted").length;
      assert.equal(aborted, CALLS, "every call was in its pause when the run stopped");
      const succeeded = records.filter((r) => r.result === "success").length;
      const failed = records.filter((r) => r.result === "failure" && r.failure?.class !== "aborted").length;
      assert.deepEqual(
        {
          created: summary.calls.created,
          successful: summary.calls.successful,
          failed: summary.calls.failed,
          aborted: summary.calls.aborted,
          failures_aborted: summary.failures.aborted,
          active: summary.calls.active,
        },
        { created: records.length, successful: succeeded, failed, aborted, failures_aborted: aborted, active: 0 },
      );
    } finally {
      socket.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
