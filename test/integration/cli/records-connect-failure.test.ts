/**
 * Every counted call gets its line in call_records.jsonl, also a call that fails before its first message is sent
 * (issue 12 item 4): `-t tn` towards a TCP port nobody listens on fails each call at connect, and each of them is a
 * schema-valid record with the failure class SIPp would count (tcp_connect), as many lines as summary.json created.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeTcpPort, LOOPBACK } from "../../helpers/free-port.js";
import { stopStartedProcesses } from "../../helpers/processes.js";
import { runSipwright } from "../../helpers/sipwright.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";

after(stopStartedProcesses);

describe("records of calls that fail before their first message", () => {
  it("-t tn with nothing listening: one tcp_connect record per created call", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sipwright-connect-fail-"));
    try {
      const calls = 5;
      const closedPort = await freeTcpPort();
      const out = join(dir, "out");
      const run = await runSipwright(
        ["-sn", "uac", `${LOOPBACK}:${closedPort}`, "-t", "tn", "-i", LOOPBACK, "-p", "0"].concat([
          "-r",
          "10",
          "-m",
          String(calls),
          "-timeout",
          "30s",
          "--out",
          out,
          "--status",
          "none",
        ]),
        { cwd: dir, timeoutMs: 60_000 },
      );
      assert.equal(run.code, 1, run.stderr);
      const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as {
        calls: { created: number; failed: number };
      };
      const records = await readCallRecords(join(out, "call_records.jsonl"));
      assert.equal(summary.calls.created, calls);
      assert.equal(summary.calls.failed, calls);
      assert.equal(records.length, summary.calls.created, "one line per created call");
      assert.deepEqual(
        records.map((r) => r.call_number).sort((a, b) => a - b),
        Array.from({ length: calls }, (_, i) => i + 1),
      );
      for (const record of records) {
        assert.equal(record.result, "failure");
        assert.equal(record.failure?.class, "tcp_connect", JSON.stringify(record.failure));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
