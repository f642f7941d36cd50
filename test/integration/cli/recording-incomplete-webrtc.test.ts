/**
 * Over WebRTC, a WAV that cannot be finalised is named on its own: the call record's media.recordings_incomplete
 * lists exactly the files whose writes failed, each with its reason, as on plain RTP (the bridge reports what its
 * CallRecorder kept per file; it used to report nothing, so every recording of the call was marked incomplete with
 * the close error).
 *
 * The failure is real: both sides run under a file-size limit (RLIMIT_FSIZE, `ulimit -f`) and record with
 * `--record --record-stereo` (two mono files and one stereo file per call). The stereo WAV grows at 32 000 B/s and
 * outgrows the 192 KiB limit after about 6.1 s of audio; each mono WAV grows at 16 000 B/s and stays under it for
 * 12 s (the call records about 8 s on an idle machine). The
 * UAC (the built-in webrtc_uac, talking 7.5 s instead of 3.5 s) keeps its call up for at least 7.5 s after the ACK,
 * so only the stereo file hits EFBIG (Node ignores SIGXFSZ, so the write reports the error instead of killing it).
 * werift only runs inside a private network namespace (test/helpers/netns.ts).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../../helpers/free-port.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../../helpers/netns.js";
import { startProcess, stopStartedProcesses, waitExit, type StartedProcess } from "../../helpers/processes.js";
import { readSummary, REPO_ROOT, sipwrightArgv } from "../../helpers/sipwright.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import { writeScenario } from "../../helpers/media-scenarios.js";

/** Above every other output of a one-call run and the tsx cache files (about 32 KiB), above 12 s of mono audio
 * (16 000 B/s), below 7 s of stereo audio (32 000 B/s). */
const FILE_SIZE_LIMIT_BYTES = 192 * 1024;
/** POSIX `ulimit -f` (and dash, /bin/sh here) counts 512-byte blocks. */
const FILE_SIZE_LIMIT_BLOCKS = FILE_SIZE_LIMIT_BYTES / 512;
const RUN_BOUND_MS = 90_000;

/** sipwright under `ulimit -f`, by its pid (the shell execs node). */
function startLimited(args: readonly string[], cwd: string): Promise<StartedProcess> {
  return startProcess(
    "/bin/sh",
    ["-c", `ulimit -f ${FILE_SIZE_LIMIT_BLOCKS} && exec "$0" "$@"`, process.execPath, ...sipwrightArgv(args)],
    { cwd },
  );
}

/** The built-in webrtc_uac with its second pause (after the DTMF) raised from 2.5 s to 6.5 s. */
async function longWebrtcUac(dir: string): Promise<string> {
  const builtin = await readFile(join(REPO_ROOT, "scenarios", "webrtc_uac.xml"), "latin1");
  const pause = '<pause milliseconds="2500"/>';
  assert.equal(builtin.split(pause).length, 2, "webrtc_uac.xml has one 2.5 s pause");
  return writeScenario(dir, "webrtc_uac_long.xml", builtin.replace(pause, '<pause milliseconds="6500"/>'));
}

if (insidePrivateNetwork()) {
  after(stopStartedProcesses);

  describe("a WebRTC recording that cannot be finalised (inside a private network namespace)", () => {
    it("is the only one marked incomplete, with its reason; the files finalised are not", async () => {
      const dir = await mkdtemp(join(tmpdir(), "sipwright-recording-incomplete-webrtc-"));
      try {
        const common = ["-i", LOOPBACK, "-m", "1", "--record", "--record-stereo", "-timeout", "60s"];
        const uasPort = await freeUdpPort();
        const uas = await startLimited(
          ["-sn", "webrtc_uas", "-p", String(uasPort), ...common, "--out", join(dir, "uas"), "--status", "none"],
          dir,
        );
        await waitUntilBound(uasPort, "udp", 15_000, () => !uas.isAlive());
        const uac = await startLimited(
          ["-sf", await longWebrtcUac(dir), `${LOOPBACK}:${uasPort}`, "-p", "0", ...common].concat([
            "--out",
            join(dir, "uac"),
            "--status",
            "none",
          ]),
          dir,
        );
        const uacExit = await waitExit(uac, RUN_BOUND_MS);
        assert.equal(uacExit.signal, null, uac.stderr());
        const uasExit = await waitExit(uas, RUN_BOUND_MS);
        assert.equal(uasExit.signal, null, uas.stderr());

        for (const side of ["uac", "uas"]) {
          const records = await readCallRecords(join(dir, side, "call_records.jsonl"));
          assert.equal(records.length, 1, side);
          const record = records[0];
          assert.equal(record?.media?.kind, "webrtc", side);
          const media = record.media;
          assert.equal(media.recordings.length, 3, `${side}: two mono files and one stereo file`);
          const stereo = media.recordings.filter((path) => !/-(sent|received)\.wav$/.test(path));
          assert.equal(stereo.length, 1, `${side}: one stereo file among ${media.recordings.join(", ")}`);
          assert.deepEqual(
            media.recordings_incomplete.map((r) => r.path),
            stereo,
            `${side}: only the stereo WAV outgrew the limit; the mono ones were finalised: ${JSON.stringify(media.recordings_incomplete)}`,
          );
          for (const r of media.recordings_incomplete) assert.match(r.reason, /cannot write .*EFBIG|too large/i);
          const totals = (await readSummary(join(dir, side, "summary.json"))).media;
          assert.ok(totals !== null, `${side}: media totals in summary.json`);
          assert.equal(totals.recordings, 3, side);
          assert.equal(totals.recordings_incomplete, 1, side);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
} else {
  declarePrivateNetworkRun("a WebRTC recording that cannot be finalised", import.meta.url, { timeoutMs: 180_000 });
}
