/**
 * A WebRTC run ends its process promptly once its outputs are final, after SIGTERM or SIGINT, even when werift
 * still holds timers: a DTLS flight whose peer vanished mid-handshake retransmits for 33 s (0.5 s + 1 s + ...
 * + 5.5 s, through `timers/promises`, referenced, not cancelled by RTCPeerConnection.close()), which kept a
 * webrtc_uas alive ~33 s after it had written summary.json. Each case checks the exit time against a bound, and that
 * call_records.jsonl has one valid line per call summary.json counts.
 *
 * The first case makes the pending flight likely: 16 calls are set up 10 ms apart and the UAC is killed
 * (SIGKILL, by its pid) while the UAS is still starting them, so some of its DTLS handshakes lose their peer.
 * werift only runs inside a private network namespace (test/helpers/netns.ts).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../../helpers/free-port.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../../helpers/netns.js";
import {
  stopStartedProcesses,
  waitExit,
  waitForStderr,
  type ExitStatus,
  type StartedProcess,
} from "../../helpers/processes.js";
import { readSummary, startSipwright } from "../../helpers/sipwright.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";

/** From the signal to the process gone: the outputs take well under 1 s, the backstop 1 s more. */
const EXIT_BOUND_MS = 5_000;
const RUN_BOUND_MS = 60_000;

/** Sends `signal`, waits for the exit, and asserts it came within EXIT_BOUND_MS (the time is in the message). */
async function signalAndTime(proc: StartedProcess, signal: NodeJS.Signals, bound = EXIT_BOUND_MS): Promise<number> {
  const sent = Date.now();
  assert.ok(proc.kill(signal), `${signal}: the process had already exited`);
  const status: ExitStatus = await waitExit(proc, RUN_BOUND_MS);
  const ms = Date.now() - sent;
  assert.equal(status.signal, null, `ended by ${status.signal ?? ""}, not by itself:\n${proc.stderr()}`);
  assert.ok(ms <= bound, `exited ${ms} ms after ${signal} (bound ${bound} ms):\n${proc.stderr()}`);
  return ms;
}

/** One valid record per call summary.json counts, none left active. */
async function assertCompleteOutputs(out: string): Promise<void> {
  const summary = await readSummary(join(out, "summary.json"));
  const records = await readCallRecords(join(out, "call_records.jsonl"));
  assert.ok(summary.calls.created > 0, "the run had calls");
  assert.equal(records.length, summary.calls.created, "one record line per call created");
  assert.equal(summary.calls.active, 0);
  assert.equal(new Set(records.map((r) => r.call_number)).size, records.length, "no call recorded twice");
}

if (insidePrivateNetwork()) {
  after(stopStartedProcesses);

  describe("WebRTC runs after SIGTERM / SIGINT (inside a private network namespace)", () => {
    let dir = "";
    after(async () => {
      if (dir !== "") await rm(dir, { recursive: true, force: true });
    });

    async function startUas(name: string, extra: readonly string[] = []): Promise<[StartedProcess, number]> {
      dir ||= await mkdtemp(join(tmpdir(), "sipwright-webrtc-signal-exit-"));
      const port = await freeUdpPort();
      const uas = await startSipwright(
        ["-sn", "webrtc_uas", "-i", LOOPBACK, "-p", String(port), "-timeout", "50s", ...extra].concat([
          "--out",
          join(dir, name, "uas"),
          "--status",
          "lines",
          "-f",
          "0.05",
        ]),
        { cwd: dir },
      );
      await waitUntilBound(port, "udp", 15_000, () => !uas.isAlive());
      return [uas, port];
    }

    function startUac(name: string, port: number, calls: number, rate = 20): Promise<StartedProcess> {
      return startSipwright(
        ["-sn", "webrtc_uac", `${LOOPBACK}:${port}`, "-i", LOOPBACK, "-p", "0", "-m", String(calls)].concat([
          "-r",
          String(rate),
          "-l",
          String(calls),
          "-timeout",
          "50s",
          "--out",
          join(dir, name, "uac"),
          "--status",
          "lines",
          "-f",
          "0.05",
        ]),
        { cwd: dir },
      );
    }

    it("webrtc_uas exits promptly on SIGTERM after its peer vanished in the middle of DTLS handshakes", async () => {
      const [uas, port] = await startUas("vanished");
      const uac = await startUac("vanished", port, 16, 100);
      // Some calls set up, others not yet: the UAC dies under handshakes in flight.
      await waitForStderr(uas, /calls ([4-9]|1[0-6]) started/, 30_000);
      assert.ok(uac.kill("SIGKILL"));
      await waitExit(uac, RUN_BOUND_MS);
      await signalAndTime(uas, "SIGTERM");
      await assertCompleteOutputs(join(dir, "vanished", "uas"));
    });

    it("webrtc_uas, then webrtc_uac exit promptly on SIGTERM while their call is up", async () => {
      const [uas, port] = await startUas("up");
      const uac = await startUac("up", port, 1);
      await waitForStderr(uac, /calls 1 started, 1 active/, 30_000);
      await waitForStderr(uas, /calls 1 started, 1 active/, 30_000);
      await signalAndTime(uas, "SIGTERM");
      await assertCompleteOutputs(join(dir, "up", "uas"));
      // The UAC's call is left without its peer; SIGTERM ends it now, as aborted.
      await signalAndTime(uac, "SIGTERM");
      await assertCompleteOutputs(join(dir, "up", "uac"));
    });

    it("webrtc_uas exits promptly once SIGINT's graceful stop has let its call end", async () => {
      const [uas, port] = await startUas("int");
      const uac = await startUac("int", port, 1);
      await waitForStderr(uas, /calls 1 started, 1 active/, 30_000);
      // Graceful: the call (about 4 s of audio) ends first, then the run; the bound covers both.
      await signalAndTime(uas, "SIGINT", 20_000);
      await waitExit(uac, RUN_BOUND_MS);
      await assertCompleteOutputs(join(dir, "int", "uas"));
      const records = await readCallRecords(join(dir, "int", "uas", "call_records.jsonl"));
      assert.deepEqual(
        records.map((r) => r.result),
        ["success"],
      );
    });
  });
} else {
  declarePrivateNetworkRun("WebRTC runs after SIGTERM / SIGINT", import.meta.url, { timeoutMs: 240_000 });
}
