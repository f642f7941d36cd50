/**
 * `--record --record-stereo` writes both layouts (issue 9 item 9; the last option used to win silently): each call
 * gets `<call>-<Call-ID>-sent.wav`, `-received.wav` (mono) and `<call>-<Call-ID>.wav` (stereo), from the same frames,
 * and its call record lists the three. Two sipwright processes on 127.0.0.1: a UAS echoing RTP, a UAC sending a
 * tone for 1 s (no audio checks: the files are what is under test), two calls.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../../helpers/free-port.js";
import { stopStartedProcesses, waitExit } from "../../helpers/processes.js";
import { runSipwright, startSipwright } from "../../helpers/sipwright.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import { rtpPortRange } from "../../helpers/rtp-ports.js";
import { uacScenario, uasScenario, writeScenario } from "../../helpers/media-scenarios.js";
import { readWavFile } from "../../helpers/wav-audio.js";

after(stopStartedProcesses);

const RUN_BOUND_MS = 60_000;
const CALLS = 2;

describe("--record with --record-stereo", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-record-both-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("writes the two mono WAVs and the stereo WAV of every call, and the record lists them", async () => {
    const uasPort = await freeUdpPort();
    const uasRange = rtpPortRange(CALLS + 4);
    const uas = await startSipwright(
      ["-sf", writeScenario(dir, "uas.xml", uasScenario()), "-i", LOOPBACK, "-p", String(uasPort), "-rtp_echo"]
        .concat(["-m", String(CALLS), "-timeout", "50s"])
        .concat(["-mp", String(uasRange.min), "-max_rtp_port", String(uasRange.max)])
        .concat(["--out", join(dir, "uas"), "--status", "none"]),
      { cwd: dir },
    );
    await waitUntilBound(uasPort, "udp", 15_000, () => !uas.isAlive());
    const uacRange = rtpPortRange(CALLS + 4);
    const uacFile = writeScenario(
      dir,
      "uac.xml",
      uacScenario({ start: ['<exec rtp_stream="tone,440"/>'], talkMs: 1000 }),
    );
    const uacOut = join(dir, "uac");
    const uac = await runSipwright(
      ["-sf", uacFile, `${LOOPBACK}:${uasPort}`, "-i", LOOPBACK, "-p", "0", "-m", String(CALLS), "-l", "1"]
        .concat(["-mp", String(uacRange.min), "-max_rtp_port", String(uacRange.max), "-timeout", "50s"])
        .concat(["--record", "--record-stereo", "--out", uacOut, "--status", "none"]),
      { cwd: dir, timeoutMs: RUN_BOUND_MS },
    );
    const uasExit = await waitExit(uas, RUN_BOUND_MS);
    assert.equal(uac.code, 0, `uac stderr:\n${uac.stderr}`);
    assert.equal(uasExit.code, 0, `uas stderr:\n${uas.stderr()}`);

    const records = await readCallRecords(join(uacOut, "call_records.jsonl"));
    assert.equal(records.length, CALLS);
    const files = (await readdir(join(uacOut, "recordings"))).sort();
    assert.equal(files.length, 3 * CALLS, files.join(", "));
    for (const record of records) {
      const paths = record.media?.recordings ?? [];
      assert.equal(paths.length, 3, `call ${record.call_number}: ${paths.join(", ")}`);
      const [sent, received, stereo] = paths.map((p) => readWavFile(p));
      assert.ok(sent && received && stereo);
      assert.deepEqual([sent.channels.length, received.channels.length, stereo.channels.length], [1, 1, 2]);
      // The same frames: the stereo file's left channel is the sent file, its right channel the received file (the
      // shorter direction padded with silence to the stereo file's length).
      for (const [channel, mono] of [sent, received].entries()) {
        const samples: Int16Array = mono.channels[0] ?? new Int16Array();
        const both: Int16Array = stereo.channels[channel] ?? new Int16Array();
        assert.ok(samples.length > 0, "nothing recorded");
        assert.deepEqual(both.subarray(0, samples.length), samples);
        assert.ok(both.subarray(samples.length).every((sample) => sample === 0));
      }
    }
  });
});
