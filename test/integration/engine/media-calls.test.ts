/**
 * Calls with media between two sipwright runs in this process (UDP on 127.0.0.1): SIPp-style scenarios that write
 * their own SDP, media actions driving each call's RTP session, recordings, DTMF, and audio checks that pass and
 * that fail — each failure with its class and the values measured.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import type { CallRecord } from "../../../src/records/call-record.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import {
  PCMU,
  uacScenario,
  uasScenario,
  writeScenario,
  type UacOptions,
  type UasOptions,
} from "../../helpers/media-scenarios.js";
import { rtpPortRange } from "../../helpers/rtp-ports.js";
import { readSummary } from "../../helpers/sipwright.js";
import { analyzeTone, readWavFile, soxInfo } from "../../helpers/wav-audio.js";
import { prepareSide, withTempDir } from "./run-pair.js";

interface MediaPair {
  readonly uas: UasOptions & { readonly config?: Partial<RunConfig> };
  readonly uac: UacOptions & { readonly config?: Partial<RunConfig> };
  readonly calls?: number;
}

interface MediaPairResult {
  readonly uasExit: number;
  readonly uacExit: number;
  readonly uasRecords: CallRecord[];
  readonly uacRecords: CallRecord[];
}

/** Runs one pair in `dir` and reads both sides' call records (each line checked against the schema). */
async function runMediaPair(dir: string, pair: MediaPair): Promise<MediaPairResult> {
  const calls = pair.calls ?? 1;
  const range = (): Partial<RunConfig> => {
    const r = rtpPortRange(2 * calls + 4);
    return { mediaPort: r.min, mediaMaxPort: r.max };
  };
  const uas = await prepareSide(dir, "uas", {
    scenarioFile: writeScenario(dir, "uas.xml", uasScenario(pair.uas)),
    maxCalls: calls,
    ...range(),
    ...pair.uas.config,
  });
  const uac = await prepareSide(dir, "uac", {
    scenarioFile: writeScenario(dir, "uac.xml", uacScenario(pair.uac)),
    remoteHost: "127.0.0.1",
    remotePort: uas.environment.values.localPort,
    maxCalls: calls,
    rate: 10,
    ...range(),
    ...pair.uac.config,
  });
  const [uasResult, uacResult] = await Promise.all([uas.run(), uac.run()]);
  return {
    uasExit: uasResult.exitCode,
    uacExit: uacResult.exitCode,
    uasRecords: await readCallRecords(join(dir, "uas", "call_records.jsonl")),
    uacRecords: await readCallRecords(join(dir, "uac", "call_records.jsonl")),
  };
}

function only(records: CallRecord[]): CallRecord & { media: NonNullable<CallRecord["media"]> } {
  assert.equal(records.length, 1, "one call record");
  const [record] = records;
  assert.ok(record?.media, "the record has a media block");
  return record as CallRecord & { media: NonNullable<CallRecord["media"]> };
}

describe("calls with media between two sipwright runs", () => {
  it("a 440 Hz tone sent to an echoing UAS comes back: the check passes and the stereo WAV holds it both ways", () =>
    withTempDir(async (dir) => {
      const result = await runMediaPair(dir, {
        uas: { config: { rtpEcho: true } },
        uac: {
          start: ['<exec rtp_stream="tone,440"/>'],
          talkMs: 2000,
          end: ['<check_audio tone="440" tolerance="2%" min_share="80%"/>'],
          config: { record: "stereo" },
        },
      });
      assert.deepEqual([result.uacExit, result.uasExit], [0, 0]);
      const uac = only(result.uacRecords);
      assert.equal(uac.result, "success");
      assert.equal(uac.media.codec, "PCMA");
      assert.equal(uac.media.received.lost, 0);
      // Sent against received, never a count against the wall clock: on a busy machine the UAC's media clock skips
      // 20 ms slots (counted in summary.json), so how many packets 2 s of talk holds is not fixed; the tone itself is
      // judged by check_audio below.
      const skipped = (await readSummary(join(dir, "uac", "summary.json"))).media?.pacing.skipped_ticks;
      assert.ok(skipped !== undefined, "the UAC's summary.json counts the skipped media-clock slots");
      const uas = only(result.uasRecords);
      assert.ok(uac.media.sent.packets > 0, "the tone was sent");
      assert.equal(uas.media.received.packets, uac.media.sent.packets, "every packet sent reached the UAS");
      assert.equal(uas.media.received.lost, 0);
      // Every echo arrived but a tail still in flight (or unread) when the 200 to the BYE closed the UAC's session:
      // none is missing in between (received.lost counts sequence gaps, RFC 3550 A.3); the tail's length depends on
      // how late the UAC's event loop was then, wall-clock time, so it is not bounded here.
      assert.ok(uac.media.received.packets > 0, "the echo came back");
      assert.ok(uas.media.sent.packets >= uac.media.received.packets, "no echo the UAS did not send");
      const [check] = uac.media.audio_checks;
      assert.equal(check?.kind, "tone");
      assert.equal(check.passed, true, check.reason);

      const [wavPath] = uac.media.recordings;
      assert.ok(wavPath?.endsWith(".wav") === true, `recordings: ${uac.media.recordings.join(", ")}`);
      const info = await soxInfo(wavPath);
      assert.deepEqual([info.channels, info.sampleRate], [2, 8000]);
      const wav = readWavFile(wavPath);
      const [sent, received] = wav.channels;
      assert.ok(sent !== undefined && received !== undefined);
      // Each packet's 20 ms frame is in the file, a skipped slot is silence: the tone as sent and as echoed lasts
      // as long as its packets, less the 100 ms analysis windows at the ends and on either side of each gap.
      const spoiled = (ends: number): number => 0.1 * (2 * skipped + ends);
      const sentTone = analyzeTone(sent, 440).toneSeconds;
      assert.ok(sentTone >= uac.media.sent.packets * 0.02 - spoiled(2), `left channel: ${sentTone} s of tone`);
      const echo = analyzeTone(received, 440).toneSeconds;
      assert.ok(echo >= uac.media.received.packets * 0.02 - spoiled(4), `right channel: ${echo} s of echo`);
      assert.equal(uas.media.codec, "PCMA");
    }));

  it("sends with the codec both SDPs carry (PCMU only)", () =>
    withTempDir(async (dir) => {
      const result = await runMediaPair(dir, {
        uas: { codecs: [PCMU], config: { rtpEcho: true } },
        uac: { codecs: [PCMU], start: ['<exec rtp_stream="tone,1000"/>'], talkMs: 600 },
      });
      assert.deepEqual([result.uacExit, result.uasExit], [0, 0]);
      const uac = only(result.uacRecords);
      assert.deepEqual([uac.media.codec, uac.media.payload_type], ["PCMU", 0]);
      assert.ok(uac.media.received.packets > 0, "the echo came back");
    }));

  it("DTMF digits sent by the UAC (RFC 4733) are detected by the UAS", () =>
    withTempDir(async (dir) => {
      const result = await runMediaPair(dir, {
        uas: { start: ['<exec rtp_stream="silence"/>'] },
        uac: { start: ['<exec send_dtmf="19#*,100"/>'], talkMs: 1800 },
      });
      assert.deepEqual([result.uacExit, result.uasExit], [0, 0]);
      assert.equal(only(result.uacRecords).media.dtmf_sent, "19#*");
      assert.equal(only(result.uasRecords).media.dtmf_received, "19#*");
    }));

  it("send_dtmf fails the call with media_error when the peer's SDP has no telephone-event", () =>
    withTempDir(async (dir) => {
      const result = await runMediaPair(dir, {
        uas: { telephoneEvent: false },
        uac: { start: ['<exec send_dtmf="1"/>'], talkMs: 500 },
      });
      const uac = only(result.uacRecords);
      assert.equal(uac.result, "failure");
      assert.equal(uac.failure?.class, "media_error");
      assert.match(uac.failure.reason, /telephone-event/);
    }));

  it("a tone check on silence fails the call with audio_check_failed and the values measured", () =>
    withTempDir(async (dir) => {
      const result = await runMediaPair(dir, {
        uas: { config: { rtpEcho: true } },
        uac: {
          start: ['<exec rtp_stream="silence"/>'],
          talkMs: 1000,
          end: ['<check_audio tone="440"/>'],
        },
      });
      assert.equal(result.uacExit, 1);
      const uac = only(result.uacRecords);
      assert.equal(uac.failure?.class, "audio_check_failed");
      assert.match(uac.failure.reason, /440/);
      const [check] = uac.media.audio_checks;
      assert.equal(check?.passed, false);
      assert.ok(Object.keys(check.measured).length > 0, "the measured values are recorded");
      assert.ok(uac.media.received.packets > 0, "audio did come back: it was silence");
    }));

  it("one-way audio fails a two-way check: the UAS receives but never sends", () =>
    withTempDir(async (dir) => {
      const result = await runMediaPair(dir, {
        // Recording gives the UAS's calls media; nothing makes them send.
        uas: { config: { record: "per-direction" } },
        uac: {
          start: ['<exec rtp_stream="tone,440"/>'],
          talkMs: 1000,
          end: ['<check_audio two_way="true"/>'],
        },
      });
      const uac = only(result.uacRecords);
      assert.equal(uac.failure?.class, "audio_check_failed");
      assert.equal(uac.media.audio_checks[0]?.kind, "two-way");
      assert.equal(uac.media.received.packets, 0);
      assert.ok(only(result.uasRecords).media.received.packets > 0, "the other direction did flow");
    }));

  it("ignoresdp: the answer's SDP is not used, so nothing is sent", () =>
    withTempDir(async (dir) => {
      const result = await runMediaPair(dir, {
        uas: { config: { record: "per-direction" } },
        uac: { ignoreSdp: true, start: ['<exec rtp_stream="tone,440"/>'], talkMs: 400 },
      });
      assert.equal(result.uacExit, 0);
      const uac = only(result.uacRecords);
      assert.equal(uac.media.remote, null);
      assert.equal(uac.media.sent.packets, 0);
      assert.equal(only(result.uasRecords).media.received.packets, 0);
    }));
});
