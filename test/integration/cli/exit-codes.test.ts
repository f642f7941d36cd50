/**
 * The CLI's exit codes, each from a real run picked to produce it (SIPp's codes; 0 is covered by the interop and
 * loss tests): 99 no call processed, 97 global timeout with calls outstanding, 1 some call failed, 254 bind failure.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOOPBACK } from "../../helpers/free-port.js";
import { stopStartedProcesses, waitExit, waitForStderr } from "../../helpers/processes.js";
import { udpListener, type UdpListener } from "../../helpers/udp-listener.js";
import { readSummary, runSipwright, startSipwright } from "../../helpers/sipwright.js";

after(stopStartedProcesses);

const RUN_BOUND_MS = 30_000;

describe("sipwright exit codes", () => {
  let dir = "";
  let peer: UdpListener | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-exit-codes-"));
    peer = await udpListener();
  });
  after(async () => {
    peer?.socket.close();
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  const out = (name: string): string[] => ["--out", join(dir, name), "--status", "none"];

  it("exits 99 when the run ends without processing any call (a UAS stopped by SIGUSR1 before any INVITE)", async () => {
    // The status line is drawn by a timer started after the signal handlers are installed: once one is on stderr,
    // SIGUSR1 means "stop gracefully" (before that, Node's default SIGUSR1 action would start the inspector).
    const uas = await startSipwright(
      ["-sn", "uas", "-i", LOOPBACK, "-p", "0", "-m", "5", "-timeout", "20s"].concat([
        "--out",
        join(dir, "uas-99"),
        "--status",
        "lines",
        "-f",
        "0.05",
      ]),
      { cwd: dir },
    );
    await waitForStderr(uas, /^elapsed .*calls 0 started/m, 15_000);
    assert.ok(uas.kill("SIGUSR1"));
    const status = await waitExit(uas, RUN_BOUND_MS);
    assert.equal(status.code, 99, `exit code; stderr:\n${uas.stderr()}`);
    const summary = await readSummary(join(dir, "uas-99", "summary.json"));
    assert.equal(summary.exit_code, 99);
    assert.equal(summary.calls.created, 0);
  });

  it("exits 97 when -timeout ends the run while a call is still outstanding", async () => {
    const target = peer;
    assert.ok(target);
    const receivedBefore = target.received.length;
    const result = await runSipwright(
      ["-sn", "uac", `${LOOPBACK}:${target.port}`, "-i", LOOPBACK, "-p", "0", "-m", "1", "-timeout", "2s"].concat(
        out("uac-97"),
      ),
      { cwd: dir, timeoutMs: RUN_BOUND_MS },
    );
    assert.equal(result.code, 97, `exit code; stderr:\n${result.stderr}`);
    const summary = await readSummary(join(dir, "uac-97", "summary.json"));
    assert.equal(summary.exit_code, 97);
    assert.equal(summary.calls.created, 1);
    assert.equal(summary.calls.successful, 0);
    assert.ok(target.received.length > receivedBefore, "the INVITE never reached the silent peer");
  });

  it("exits 1 when a call fails (-recv_timeout expires while nothing answers the INVITE)", async () => {
    const target = peer;
    assert.ok(target);
    const result = await runSipwright(
      ["-sn", "uac", `${LOOPBACK}:${target.port}`, "-i", LOOPBACK, "-p", "0", "-m", "1"]
        .concat(["-recv_timeout", "500ms", "-timeout", "20s"])
        .concat(out("uac-1")),
      { cwd: dir, timeoutMs: RUN_BOUND_MS },
    );
    assert.equal(result.code, 1, `exit code; stderr:\n${result.stderr}`);
    const summary = await readSummary(join(dir, "uac-1", "summary.json"));
    assert.equal(summary.calls.failed, 1);
    assert.equal(summary.failures.timeout_on_recv, 1);
  });

  for (const transport of ["u1", "t1"] as const) {
    it(`exits 254 when -p names a port the test already holds (-t ${transport})`, async () => {
      const target = peer;
      assert.ok(target);
      // The silent peer holds its UDP port; for TCP, a listener holds the port.
      const held = transport === "u1" ? undefined : createServer();
      let port = target.port;
      if (held !== undefined) {
        held.listen(0, LOOPBACK);
        await once(held, "listening");
        const address = held.address();
        assert.ok(address !== null && typeof address !== "string");
        port = address.port;
      }
      try {
        const result = await runSipwright(
          ["-sn", "uas", "-i", LOOPBACK, "-p", String(port), "-t", transport, "-m", "1", "-timeout", "10s"].concat(
            out(`bind-${transport}`),
          ),
          { cwd: dir, timeoutMs: RUN_BOUND_MS },
        );
        assert.equal(result.code, 254, `exit code; stderr:\n${result.stderr}`);
        assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      } finally {
        held?.close();
      }
    });
  }
});
