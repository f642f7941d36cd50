/**
 * The CLI writes call_records.jsonl into the run's output folder (--records FILE elsewhere, --no-records not at
 * all), prints where it is, and flushes it when SIGTERM stops a run in the middle.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:dgram";
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../../helpers/free-port.js";
import { stopStartedProcesses, waitExit, waitForStderr } from "../../helpers/processes.js";
import { udpListener } from "../../helpers/udp-listener.js";
import { readSummary, runSipwright, startSipwright } from "../../helpers/sipwright.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";

after(stopStartedProcesses);

const RUN_BOUND_MS = 60_000;

describe("call records from the sipwright command", () => {
  let dir = "";
  let silent: { socket: Socket; port: number } | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-records-cli-"));
    silent = await udpListener();
  });
  after(async () => {
    silent?.socket.close();
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("sipwright -sn uac against a sipwright uas writes call_records.jsonl in each --out folder", async () => {
    const calls = 5;
    const uasPort = await freeUdpPort();
    const uasOut = join(dir, "uas");
    const uacOut = join(dir, "uac");
    const uas = await startSipwright(
      ["-sn", "uas", "-i", LOOPBACK, "-p", String(uasPort), "-m", String(calls), "-timeout", "50s"].concat([
        "--out",
        uasOut,
        "--status",
        "none",
      ]),
      { cwd: dir },
    );
    await waitUntilBound(uasPort, "udp", 15_000, () => !uas.isAlive());
    const uac = await runSipwright(
      // `--status lines` (with a long -f): the run prints where its records are at the end (--status none is silent).
      ["-sn", "uac", `${LOOPBACK}:${uasPort}`, "-i", LOOPBACK, "-p", "0", "-r", "50", "-m", String(calls)].concat([
        "-timeout",
        "50s",
        "--out",
        uacOut,
        "--status",
        "lines",
        "-f",
        "60",
      ]),
      { cwd: dir, timeoutMs: RUN_BOUND_MS },
    );
    const uasExit = await waitExit(uas, RUN_BOUND_MS);
    assert.equal(uac.code, 0, `uac stderr:\n${uac.stderr}`);
    assert.equal(uasExit.code, 0, `uas stderr:\n${uas.stderr()}`);

    const uacPath = join(uacOut, "call_records.jsonl");
    assert.match(uac.stderr, new RegExp(`^call records: ${uacPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    const uacRecords = await readCallRecords(uacPath);
    const uasRecords = await readCallRecords(join(uasOut, "call_records.jsonl"));
    assert.equal(uacRecords.length, calls);
    assert.equal(uasRecords.length, calls);
    assert.ok(
      uacRecords.every((r) => r.role === "uac" && r.result === "success" && r.scenario === "Basic Sipstone UAC"),
    );
    assert.ok(uasRecords.every((r) => r.role === "uas" && r.result === "success"));
    const summary = await readSummary(join(uacOut, "summary.json"));
    assert.equal(uacRecords[0]?.run_id, summary.run_id);
  });

  it("--records FILE writes the records there, --no-records writes none", async () => {
    const target = silent;
    assert.ok(target);
    const common = ["-sn", "uac", `${LOOPBACK}:${target.port}`, "-i", LOOPBACK, "-p", "0", "-m", "1"].concat([
      "-recv_timeout",
      "200ms",
      "--status",
      "none",
    ]);
    const file = join(dir, "named", "mine.jsonl");
    const named = await runSipwright(common.concat(["--out", join(dir, "named-out"), "--records", file]), {
      cwd: dir,
      timeoutMs: RUN_BOUND_MS,
    });
    assert.equal(named.code, 1, named.stderr);
    const records = await readCallRecords(file);
    assert.equal(records[0]?.failure?.class, "timeout_on_recv");
    await assert.rejects(access(join(dir, "named-out", "call_records.jsonl")), { code: "ENOENT" });

    const none = await runSipwright(common.concat(["--out", join(dir, "none-out"), "--no-records"]), {
      cwd: dir,
      timeoutMs: RUN_BOUND_MS,
    });
    assert.equal(none.code, 1, none.stderr);
    assert.doesNotMatch(none.stderr, /call records:/);
    await assert.rejects(access(join(dir, "none-out", "call_records.jsonl")), { code: "ENOENT" });
  });

  it("SIGTERM in the middle of a run leaves one complete, valid record per call (aborted calls included)", async () => {
    const target = silent;
    assert.ok(target);
    const out = join(dir, "sigterm");
    // Nothing answers: every call waits in its INVITE retransmissions until SIGTERM aborts it.
    const uac = await startSipwright(
      ["-sn", "uac", `${LOOPBACK}:${target.port}`, "-i", LOOPBACK, "-p", "0", "-r", "200", "-m", "100000"].concat([
        "-timeout",
        "50s",
        "--out",
        out,
        "--status",
        "lines",
        "-f",
        "0.05",
      ]),
      { cwd: dir },
    );
    await waitForStderr(uac, /calls [1-9]\d{2,} started/, 30_000);
    assert.ok(uac.kill("SIGTERM"));
    await waitExit(uac, RUN_BOUND_MS);

    const records = await readCallRecords(join(out, "call_records.jsonl"));
    const summary = await readSummary(join(out, "summary.json"));
    assert.ok(records.length >= 100, `${records.length} records`);
    assert.equal(records.length, summary.calls.created, "one record per call created");
    assert.ok(
      records.every((r) => r.failure?.class === "aborted"),
      "every call was still waiting for its answer when the run stopped",
    );
  });
});
