/**
 * Proves the interop harness on sipp alone (sipp uac -> sipp uas over UDP on loopback), so that a failing
 * sipwright interop test points at sipwright, not at the harness.
 */
import { after, before, describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../helpers/free-port.js";
import { startProcess, stopStartedProcesses, waitExit } from "../helpers/processes.js";
import { GNU_TIME, startTimedProcess, waitTimedExit } from "../helpers/timed-process.js";
import { readSippStatCsv, runSipp, SIPP_EXIT, sippSkipReason, startSipp, statCount } from "../helpers/sipp.js";

after(stopStartedProcesses);

const CALLS = 20;
const RATE = 20;

void describe("sipp uac -> sipp uas baseline (UDP, loopback)", { skip: await sippSkipReason() }, () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-sipp-baseline-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  void it("completes 20 calls at 20 cps with exit code 0 on both sides and the counts in both stat CSVs", async () => {
    const uasPort = await freeUdpPort();
    const uacPort = await freeUdpPort();
    const uasCsv = join(dir, "uas.csv");
    const uacCsv = join(dir, "uac.csv");

    // -m N: the UAS exits by itself after N calls and its timewait.
    const uas = await startSipp(
      ["-sn", "uas", "-i", LOOPBACK, "-p", String(uasPort), "-m", String(CALLS)].concat([
        "-trace_stat",
        "-stf",
        uasCsv,
        "-fd",
        "1",
        "-timeout",
        "30s",
      ]),
      { cwd: dir },
    );
    await waitUntilBound(uasPort, "udp", 5_000, () => !uas.isAlive());

    const uac = await runSipp(
      ["-sn", "uac", `${LOOPBACK}:${uasPort}`, "-i", LOOPBACK, "-p", String(uacPort)]
        .concat(["-r", String(RATE), "-m", String(CALLS), "-recv_timeout", "5000", "-timeout", "30s"])
        .concat(["-trace_stat", "-stf", uacCsv, "-fd", "1"]),
      { cwd: dir, timeoutMs: 40_000 },
    );
    assert.equal(uac.code, SIPP_EXIT.allSucceeded, `sipp uac exit code; stderr:\n${uac.stderr}`);
    const uasExit = await waitExit(uas, 40_000);
    assert.equal(uasExit.code, SIPP_EXIT.allSucceeded, `sipp uas exit code; stderr:\n${uas.stderr()}`);

    const uacRow = await readSippStatCsv(uacCsv);
    assert.equal(statCount(uacRow, "OutgoingCall(C)"), CALLS);
    assert.equal(statCount(uacRow, "SuccessfulCall(C)"), CALLS);
    assert.equal(statCount(uacRow, "FailedCall(C)"), 0);
    const uasRow = await readSippStatCsv(uasCsv);
    assert.equal(statCount(uasRow, "IncomingCall(C)"), CALLS);
    assert.equal(statCount(uasRow, "SuccessfulCall(C)"), CALLS);
    assert.equal(statCount(uasRow, "FailedCall(C)"), 0);
  });

  // SIPp behaviour (3.6.1, measured): a soft quit exits 0 even with no call processed (the notes' 99 is not used
  // here), while a UAS ended by -timeout with no call exits 97.
  void it("stops a sipp UAS with SIGUSR1 (soft quit), which exits 0 when no call was processed", async () => {
    const port = await freeUdpPort();
    const uas = await startSipp(["-sn", "uas", "-i", LOOPBACK, "-p", String(port)], { cwd: dir });
    await waitUntilBound(port, "udp", 5_000, () => !uas.isAlive());
    assert.ok(uas.kill("SIGUSR1"));
    const status = await waitExit(uas, 15_000);
    assert.equal(status.code, SIPP_EXIT.allSucceeded, `stderr:\n${uas.stderr()}`);
  });
});

void describe("the process harness", () => {
  void it("kills a process that outlives waitExit's bound and reports its stderr tail", async () => {
    const script = "process.stderr.write('still running\\n'); setInterval(() => {}, 1000);";
    const proc = await startProcess(process.execPath, ["-e", script]);
    await assert.rejects(waitExit(proc, 300), (error: Error) => {
      assert.match(error.message, /did not exit within 300 ms/);
      assert.match(error.message, /still running/);
      return true;
    });
    assert.equal(proc.isAlive(), false);
    assert.equal((await proc.exited).signal, "SIGKILL");
  });

  void it("keeps only the tail of a large output", async () => {
    const script = "process.stdout.write('x'.repeat(300000) + 'END')";
    const proc = await startProcess(process.execPath, ["-e", script], { outputLimitBytes: 1000 });
    assert.deepEqual(await waitExit(proc, 10_000), { code: 0, signal: null });
    assert.equal(proc.stdout().length, 1000);
    assert.ok(proc.stdout().endsWith("xEND"));
  });

  void it("rejects at once when the program does not exist", async () => {
    await assert.rejects(startProcess("/nonexistent/sipwright-no-such-program", []), /cannot start .*ENOENT/);
  });

  void it("measures a program under GNU time and flags the hard timeout when timeout(1) kills it", async (t) => {
    const missing = await access(GNU_TIME).then(
      () => false,
      () => true,
    );
    if (missing) {
      t.skip(`${GNU_TIME} is not installed (Debian package "time"); only the benchmark needs it`);
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), "sipwright-timed-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const script = "globalThis.keep = Buffer.alloc(64 * 1024 * 1024, 1); for (;;) {}";
    const proc = await startTimedProcess(process.execPath, ["-e", script], {
      hardTimeoutSeconds: 1,
      usageFile: join(dir, "usage"),
    });
    const exit = await waitTimedExit(proc);
    assert.equal(exit.hardTimeout, true);
    assert.ok(exit.usage.wallSeconds >= 0.9, `wall ${exit.usage.wallSeconds} s`);
    assert.ok(exit.usage.userSeconds + exit.usage.systemSeconds > 0, "the program's CPU time is counted");
    assert.ok(exit.usage.maxRssKiB > 64 * 1024, `peak RSS ${exit.usage.maxRssKiB} KiB includes the 64 MiB buffer`);
  });
});
