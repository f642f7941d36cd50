/**
 * Media at scale and under interruption, two sipwright processes over 127.0.0.1:
 * - 200 concurrent calls, each with a tone one way and its echo back, both sides recording stereo: every call
 *   succeeds, every RTP packet one side sent arrived on the other (none lost), each UAC WAV holds a slot for every
 *   packet it sent, and every WAV reads back with wavefile and with `sox --i`.
 *   Nothing here compares a packet count with wall-clock time: on a busy machine the media clock skips 20 ms slots
 *   (counted in summary.json's media.pacing.skipped_ticks), so how many packets a 4 s call sends is not fixed; what
 *   one side sent is compared with what the other received, and with what the recording holds;
 * - SIGTERM in the middle of a 50-call run: call_records.jsonl holds only complete, valid lines and every WAV
 *   written so far opens and decodes to its end.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { CallRecord } from "../../../src/records/call-record.js";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../../helpers/free-port.js";
import { stopStartedProcesses, waitExit, waitForStderr, type StartedProcess } from "../../helpers/processes.js";
import { readSummary, startSipwright } from "../../helpers/sipwright.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import { uacScenario, uasScenario, writeScenario } from "../../helpers/media-scenarios.js";
import { rtpPortRange } from "../../helpers/rtp-ports.js";
import { readWavFile, soxInfo } from "../../helpers/wav-audio.js";

after(stopStartedProcesses);

const run = promisify(execFile);
const RUN_BOUND_MS = 90_000;
const FRAME_SAMPLES = 160;

interface Side {
  readonly proc: StartedProcess;
  readonly out: string;
}

/** A UAS echoing RTP and a UAC sending a tone, both recording stereo, each with its own RTP range. */
async function startPair(
  dir: string,
  calls: number,
  uac: { rate: number; talkMs: number; extra?: readonly string[] },
): Promise<{ uas: Side; uac: Side }> {
  const uasPort = await freeUdpPort();
  const uasOut = join(dir, "uas");
  const uasRange = rtpPortRange(calls + 20);
  const uasProc = await startSipwright(
    ["-sf", writeScenario(dir, "uas.xml", uasScenario()), "-i", LOOPBACK, "-p", String(uasPort)]
      .concat(["-m", String(calls), "-rtp_echo", "--record-stereo", "-buff_size", "4194304"])
      .concat(["-mp", String(uasRange.min), "-max_rtp_port", String(uasRange.max)])
      .concat(["-timeout", "80s", "--out", uasOut, "--status", "none"]),
    { cwd: dir },
  );
  await waitUntilBound(uasPort, "udp", 15_000, () => !uasProc.isAlive());
  const uacOut = join(dir, "uac");
  const uacRange = rtpPortRange(calls + 20);
  const scenario = writeScenario(
    dir,
    "uac.xml",
    uacScenario({ start: ['<exec rtp_stream="tone,440"/>'], talkMs: uac.talkMs }),
  );
  const uacProc = await startSipwright(
    ["-sf", scenario, `${LOOPBACK}:${uasPort}`, "-i", LOOPBACK, "-p", "0", "-r", String(uac.rate)]
      .concat(["-m", String(calls), "-l", String(calls), "--record-stereo", "-buff_size", "4194304"])
      .concat(["-mp", String(uacRange.min), "-max_rtp_port", String(uacRange.max)])
      .concat(["-timeout", "80s", "--out", uacOut])
      .concat(uac.extra ?? ["--status", "none"]),
    { cwd: dir },
  );
  return { uas: { proc: uasProc, out: uasOut }, uac: { proc: uacProc, out: uacOut } };
}

/**
 * Every WAV of a run: wavefile reads it, sox agrees on format and length, and sox decodes it to the end. Resolves to
 * each file's length in samples per channel, by path.
 */
async function checkRecordings(out: string): Promise<Map<string, number>> {
  const dir = join(out, "recordings");
  const files = (await readdir(dir)).filter((name) => name.endsWith(".wav"));
  const samples = new Map<string, number>();
  for (const name of files) {
    const path = join(dir, name);
    const wav = readWavFile(path);
    const info = await soxInfo(path);
    assert.deepEqual([info.channels, info.sampleRate, wav.bitsPerSample], [2, 8000, 16], name);
    assert.equal(wav.channels[0]?.length, info.samples, `${name}: wavefile and sox agree on the length`);
    // Finalised: the header accounts for every byte of audio in the file (44-byte header, 4 bytes per frame).
    assert.equal((await stat(path)).size, 44 + 4 * info.samples, `${name}: header and file size agree`);
    await run("sox", [path, "-n"], { timeout: 10_000 });
    samples.set(path, info.samples);
  }
  return samples;
}

/** The one stereo WAV of a call record, in 20 ms slots (from `samples`, checkRecordings's lengths). */
function recordedSlots(media: CallRecord["media"], samples: ReadonlyMap<string, number>, who: string): number {
  assert.equal(media?.recordings.length, 1, `${who}: one stereo WAV`);
  const path = media.recordings[0] ?? "";
  const length = samples.get(path);
  assert.ok(length !== undefined, `${who}: ${path} is among the run's WAVs`);
  assert.equal(length % FRAME_SAMPLES, 0, `${who}: whole 20 ms slots`);
  return length / FRAME_SAMPLES;
}

describe("media at scale and under interruption", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-media-load-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("200 concurrent calls with RTP both ways and stereo recording: no loss, every WAV valid", async () => {
    const calls = 200;
    const caseDir = await mkdtemp(join(dir, "concurrent-"));
    // 100 calls/s for 2 s, each up for 4 s: all 200 are up together.
    const { uas, uac } = await startPair(caseDir, calls, { rate: 100, talkMs: 4000 });
    const uacExit = await waitExit(uac.proc, RUN_BOUND_MS);
    assert.equal(uacExit.code, 0, `uac stderr:\n${uac.proc.stderr()}`);
    const uasExit = await waitExit(uas.proc, RUN_BOUND_MS);
    assert.equal(uasExit.code, 0, `uas stderr:\n${uas.proc.stderr()}`);

    const summary = await readSummary(join(uac.out, "summary.json"));
    assert.equal(summary.calls.successful, calls);
    assert.equal(summary.calls.peak_active, calls, "all calls were up at the same time");
    assert.equal(summary.media?.packets_lost, 0);

    // Every 20 ms slot of the UAC's media clock either fired (one packet per call with a stream) or was skipped
    // because the event loop was too late: counted, and named in the messages below.
    const skipped = summary.media.pacing.skipped_ticks;

    const uacRecords = await readCallRecords(join(uac.out, "call_records.jsonl"));
    const uasRecords = await readCallRecords(join(uas.out, "call_records.jsonl"));
    assert.equal(uacRecords.length, calls);
    assert.equal(uasRecords.length, calls);
    const uacWavs = await checkRecordings(uac.out);
    const uasWavs = await checkRecordings(uas.out);
    assert.equal(uacWavs.size, calls);
    assert.equal(uasWavs.size, calls);
    const uasByCallId = new Map<string, CallRecord>(uasRecords.map((r) => [r.call_id, r]));
    for (const record of uacRecords) {
      const call = `call ${record.call_id}`;
      const media = record.media;
      const peer = uasByCallId.get(record.call_id)?.media;
      assert.ok(media && peer, `${call} has media on both sides`);
      assert.equal(media.received.lost, 0, call);
      assert.equal(peer.received.lost, 0, call);
      assert.ok(media.sent.packets > 0, `${call}: the tone was sent`);
      assert.equal(peer.received.packets, media.sent.packets, `${call}: every packet sent arrived`);
      // Every echo arrived but a tail still in flight (or unread) when the 200 to the BYE closed the UAC's session:
      // no echo is missing in between (received.lost counts sequence gaps, RFC 3550 A.3). How long that tail is
      // depends on how late the UAC's event loop was then, wall-clock time, so it is not bounded here.
      assert.ok(media.received.packets > 0, `${call}: the echo came back`);
      assert.ok(peer.sent.packets >= media.received.packets, `${call}: no echo the UAS did not send`);
      // The UAC's WAV holds a slot for every packet it sent (a slot skipped between them is silence in the file; how
      // many there are beyond the packets depends on how late the event loop ran, so that is not bounded here). (The
      // UAS's is not bounded either: it places received frames by RTP timestamp from an anchor taken on arrival,
      // which a late event loop can move; see receive-slots.ts.)
      const slots = recordedSlots(media, uacWavs, `uac ${call}`);
      const sent = media.sent.packets;
      assert.ok(
        slots >= sent,
        `uac ${call}: ${slots} slots recorded, ${sent} sent, ${skipped} slots skipped in the run`,
      );
      assert.ok(recordedSlots(peer, uasWavs, `uas ${call}`) > 0, `uas ${call}: audio recorded`);
    }
  });

  it("SIGTERM in the middle of a 50-call run on 2 media workers leaves complete JSONL lines and playable WAVs", async () => {
    const calls = 50;
    const caseDir = await mkdtemp(join(dir, "sigterm-"));
    const { uas, uac } = await startPair(caseDir, calls, {
      rate: 10,
      talkMs: 3000,
      extra: ["--status", "lines", "-f", "0.2", "--media-workers", "2"],
    });
    // 10 calls/s for 5 s, 3 s each: once 20 have started, about 10 are talking and recording.
    await waitForStderr(uac.proc, /calls (2\d|[3-9]\d) started/, 30_000);
    uac.proc.kill("SIGTERM");
    await waitExit(uac.proc, RUN_BOUND_MS);
    uas.proc.kill("SIGTERM");
    await waitExit(uas.proc, RUN_BOUND_MS);

    for (const side of [uac, uas]) {
      const records = await readCallRecords(join(side.out, "call_records.jsonl"));
      assert.ok(records.length >= 10 && records.length < calls, `${side.out}: ${records.length} records`);
      assert.ok(
        records.some((r) => r.failure?.class === "aborted"),
        `${side.out}: the calls cut short are recorded as aborted`,
      );
      const wavs = await checkRecordings(side.out);
      assert.equal(wavs.size, records.filter((r) => r.media !== null && r.media.recordings.length > 0).length);
    }
  });
});
