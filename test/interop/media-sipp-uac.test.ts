/**
 * sipp sends the media, sipwright records it: a sipp UAC streams an A-law WAV (SIPp's rtp_stream) or replays a
 * capture (play_pcap_audio) to `sipwright -sn uas --record`, and the WAV sipwright writes of what it received holds
 * the tone that was sent, for as long as it was sent. The fixtures are ours: the WAV is written by the test, the
 * pcap is test/fixtures/pcap/pcma-440hz-1s.pcap.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../helpers/free-port.js";
import { stopStartedProcesses, waitExit } from "../helpers/processes.js";
import { runSipp, SIPP_EXIT, sippSkipReason } from "../helpers/sipp.js";
import { startSipwright } from "../helpers/sipwright.js";
import { readCallRecords } from "../helpers/call-record-schema.js";
import { analyzeTone, readWavFile, soxInfo, toneSamples, writeToneWav } from "../helpers/wav-audio.js";
import { rtpPortRange } from "../helpers/rtp-ports.js";

after(stopStartedProcesses);

const fixture = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const RUN_BOUND_MS = 30_000;

interface Case {
  readonly name: string;
  readonly scenario: string;
  /** Puts the media file the scenario names into sipp's working folder. */
  prepare(dir: string): Promise<void>;
  /** Seconds of 440 Hz sent. */
  readonly toneSeconds: number;
  readonly packets: number;
}

const CASES: readonly Case[] = [
  {
    name: "rtp_stream of an A-law WAV (2 s of 440 Hz)",
    scenario: "scenarios/media/sipp-uac-rtp-stream.xml",
    prepare: (dir) => {
      writeToneWav(join(dir, "tone-440-alaw.wav"), toneSamples(440, 2), "alaw");
      return Promise.resolve();
    },
    toneSeconds: 2,
    packets: 100,
  },
  {
    name: "play_pcap_audio of a PCMA capture (1 s of 440 Hz)",
    scenario: "scenarios/media/sipp-uac-pcap.xml",
    prepare: (dir) => copyFile(fixture("pcap/pcma-440hz-1s.pcap"), join(dir, "tone-440.pcap")),
    toneSeconds: 1,
    packets: 50,
  },
];

describe("sipwright records the audio a sipp UAC sends", { skip: await sippSkipReason() }, () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-media-sipp-uac-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`the received WAV holds the tone of sipp's ${c.name}`, async () => {
      const caseDir = await mkdtemp(join(dir, "case-"));
      await c.prepare(caseDir);
      const port = await freeUdpPort();
      const outDir = join(caseDir, "sipwright");
      const range = rtpPortRange(20);
      const uas = await startSipwright(
        ["-sn", "uas", "-i", LOOPBACK, "-p", String(port), "-m", "1", "-timeout", "25s", "--record"]
          .concat(["-mp", String(range.min), "-max_rtp_port", String(range.max)])
          .concat(["--out", outDir, "--status", "none"]),
        { cwd: caseDir },
      );
      await waitUntilBound(port, "udp", 15_000, () => !uas.isAlive());

      const sippMedia = rtpPortRange(4);
      const uac = await runSipp(
        ["-sf", fixture(c.scenario), `${LOOPBACK}:${port}`, "-i", LOOPBACK, "-mi", LOOPBACK].concat([
          "-p",
          String(await freeUdpPort()),
          "-mp",
          String(sippMedia.min),
          "-m",
          "1",
          "-timeout",
          "20s",
        ]),
        { cwd: caseDir, timeoutMs: RUN_BOUND_MS },
      );
      assert.equal(uac.code, SIPP_EXIT.allSucceeded, `sipp uac exit code; stderr:\n${uac.stderr}`);
      const exit = await waitExit(uas, RUN_BOUND_MS);
      assert.equal(exit.code, 0, `sipwright uas exit code; stderr:\n${uas.stderr()}`);

      const [record] = await readCallRecords(join(outDir, "call_records.jsonl"));
      assert.ok(record?.media, "the call record has a media block");
      const media = record.media;
      assert.equal(media.kind, "rtp");
      assert.equal(media.codec, "PCMA");
      assert.ok(
        media.received.packets >= c.packets - 2 && media.received.packets <= c.packets + 2,
        `received ${media.received.packets} packets, ${c.packets} sent`,
      );
      assert.equal(media.received.lost, 0);
      const received = media.recordings.find((path) => path.endsWith("-received.wav"));
      assert.ok(received !== undefined, `recordings: ${media.recordings.join(", ")}`);

      const info = await soxInfo(received);
      assert.deepEqual([info.channels, info.sampleRate], [1, 8000]);
      const wav = readWavFile(received);
      assert.equal(wav.bitsPerSample, 16);
      const [samples] = wav.channels;
      assert.ok(samples !== undefined);
      assert.equal(samples.length, info.samples, "wavefile and sox agree on the length");
      const tone = analyzeTone(samples, 440);
      assert.equal(tone.medianHz, 440);
      assert.ok(
        tone.toneSeconds >= c.toneSeconds - 0.2 && tone.toneSeconds <= c.toneSeconds + 0.1,
        `${tone.toneSeconds} s of 440 Hz recorded, ${c.toneSeconds} s sent`,
      );
    });
  }
});
