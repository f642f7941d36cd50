/**
 * sipwright sends the media, sipp echoes it: 20 calls from a sipwright UAC streaming a 440 Hz WAV (SIPp's
 * rtp_stream form, with the payload type forced to PCMA or PCMU) to `sipp -sn uas -rtp_echo`. Every call succeeds,
 * its own check_audio passes, and the recording of what came back holds 440 Hz (±2 %) for at least 80 % of the
 * talk time — measured here by the test, not by sipwright.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../helpers/free-port.js";
import { stopStartedProcesses, waitExit } from "../helpers/processes.js";
import { SIPP_EXIT, sippSkipReason, startSipp } from "../helpers/sipp.js";
import { runSipwright } from "../helpers/sipwright.js";
import { readCallRecords } from "../helpers/call-record-schema.js";
import { PCMU, uacScenario, writeScenario } from "../helpers/media-scenarios.js";
import { rtpPortRange } from "../helpers/rtp-ports.js";
import { analyzeTone, readWavFile, toneSamples, writeToneWav } from "../helpers/wav-audio.js";

after(stopStartedProcesses);

const CALLS = 20;
const TALK_MS = 2000;
const RUN_BOUND_MS = 60_000;

describe("sipwright UAC tone against sipp -sn uas -rtp_echo", { skip: await sippSkipReason() }, () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-media-sipp-echo-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  for (const codec of [
    { name: "PCMA", pt: 8 },
    { name: "PCMU", pt: 0 },
  ]) {
    it(`${CALLS} calls in ${codec.name}: every echo carries 440 Hz for at least 80 % of the talk time`, async () => {
      const caseDir = await mkdtemp(join(dir, `${codec.name}-`));
      writeToneWav(join(caseDir, "tone-440.wav"), toneSamples(440, 1));
      const scenario = writeScenario(
        caseDir,
        "uac.xml",
        uacScenario({
          // sipp's built-in uas answers PCMU whatever we offer; rtp_stream's payload type decides what we send.
          codecs: [PCMU],
          telephoneEvent: false,
          start: [`<exec rtp_stream="tone-440.wav,-1,${codec.pt},${codec.name}/8000"/>`],
          talkMs: TALK_MS,
          end: ['<check_audio tone="440" tolerance="2%" min_share="80%"/>'],
        }),
      );
      const sippPort = await freeUdpPort();
      const sippMedia = rtpPortRange(2);
      const uas = await startSipp(
        ["-sn", "uas", "-i", LOOPBACK, "-mi", LOOPBACK, "-p", String(sippPort), "-mp", String(sippMedia.min)].concat([
          "-rtp_echo",
          "-m",
          String(CALLS),
          "-timeout",
          "50s",
        ]),
        { cwd: caseDir },
      );
      await waitUntilBound(sippPort, "udp", 5_000, () => !uas.isAlive());

      const outDir = join(caseDir, "sipwright");
      const range = rtpPortRange(CALLS + 10);
      const uac = await runSipwright(
        ["-sf", scenario, `${LOOPBACK}:${sippPort}`, "-i", LOOPBACK, "-p", "0", "-r", "10", "-m", String(CALLS)]
          .concat(["-mp", String(range.min), "-max_rtp_port", String(range.max), "--record-stereo"])
          .concat(["-timeout", "50s", "--out", outDir, "--status", "none"]),
        { cwd: caseDir, timeoutMs: RUN_BOUND_MS },
      );
      assert.equal(uac.code, 0, `sipwright exit code; stderr:\n${uac.stderr}`);
      const uasExit = await waitExit(uas, RUN_BOUND_MS);
      assert.equal(uasExit.code, SIPP_EXIT.allSucceeded, `sipp exit code; stderr:\n${uas.stderr()}`);

      const records = await readCallRecords(join(outDir, "call_records.jsonl"));
      assert.equal(records.length, CALLS);
      for (const record of records) {
        const media = record.media;
        assert.ok(media !== null, `call ${record.call_number} has media`);
        assert.equal(record.result, "success", `call ${record.call_number}: ${record.failure?.reason ?? ""}`);
        assert.equal(media.audio_checks[0]?.passed, true);
        const [wavPath] = media.recordings;
        assert.ok(wavPath !== undefined);
        const [sent, received] = readWavFile(wavPath).channels;
        assert.ok(sent !== undefined && received !== undefined, "a stereo recording");
        const echoed = analyzeTone(received, 440);
        assert.ok(
          echoed.toneSeconds >= (0.8 * TALK_MS) / 1000,
          `call ${record.call_number}: ${echoed.toneSeconds} s of 440 Hz came back in ${TALK_MS} ms of talk`,
        );
      }
    });
  }
});
