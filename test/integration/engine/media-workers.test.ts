/**
 * Media on worker threads (`--media-workers`), two sipwright runs in this process over UDP on 127.0.0.1:
 * - calls are placed on the least-loaded worker, and audio checks (answered by the worker) pass both ways;
 * - a worker that dies mid-run fails only its own calls, with `media_error` and the reason; the other worker's calls
 *   succeed, every call has its record and the dead worker's WAV files read back as complete files.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { PreparedRun } from "../../../src/engine/run/execute-run.js";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import type { MediaWorkerInfo } from "../../../src/media/create-pipeline.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import { uacScenario, uasScenario, writeScenario } from "../../helpers/media-scenarios.js";
import { rtpPortRange } from "../../helpers/rtp-ports.js";
import { readWavFile } from "../../helpers/wav-audio.js";
import { prepareSide, withTempDir } from "./run-pair.js";

const CALLS = 6;

interface WorkerPair {
  readonly uas: PreparedRun;
  readonly uac: PreparedRun;
  readonly dir: string;
}

/** A UAS echoing RTP (media in its main thread) and a UAC sending a tone from 2 media workers, recording stereo. */
async function preparePair(dir: string, talkMs: number): Promise<WorkerPair> {
  const range = (): Partial<RunConfig> => {
    const r = rtpPortRange(2 * CALLS + 4);
    return { mediaPort: r.min, mediaMaxPort: r.max };
  };
  const uas = await prepareSide(dir, "uas", {
    scenarioFile: writeScenario(dir, "uas.xml", uasScenario()),
    maxCalls: CALLS,
    rtpEcho: true,
    mediaWorkers: 0,
    ...range(),
  });
  const uac = await prepareSide(dir, "uac", {
    scenarioFile: writeScenario(
      dir,
      "uac.xml",
      uacScenario({
        start: ['<exec rtp_stream="tone,440,-12"/>'],
        talkMs,
        end: ['<check_audio tone="440" direction="received" min_share="50%"/>'],
      }),
    ),
    remoteHost: "127.0.0.1",
    remotePort: uas.environment.values.localPort,
    maxCalls: CALLS,
    rate: 100,
    record: "stereo",
    mediaWorkers: 2,
    ...range(),
  });
  return { uas, uac, dir };
}

/** Resolves once `ready` holds for the UAC's workers (checked every 10 ms, for at most `boundMs`). */
async function workersWhen(
  run: PreparedRun,
  ready: (workers: readonly MediaWorkerInfo[]) => boolean,
  boundMs: number,
): Promise<readonly MediaWorkerInfo[]> {
  const media = run.controller.media;
  assert.ok(media !== undefined, "the UAC run has media");
  const deadline = Date.now() + boundMs;
  for (;;) {
    const workers = media.workers;
    if (ready(workers)) return workers;
    if (Date.now() > deadline) throw new Error(`workers never got there: ${JSON.stringify(workers)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once every call's WAV file exists under `dir` (checked every 10 ms, for at most `boundMs`). */
async function recordingsOnDisk(dir: string, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  const wavs = (): number =>
    readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".wav")).length;
  while (wavs() < CALLS) {
    if (Date.now() > deadline) throw new Error(`${wavs()} of ${CALLS} recordings on disk`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const allPlaced = (workers: readonly MediaWorkerInfo[]): boolean =>
  workers.length === 2 && workers.reduce((sum, w) => sum + w.pipelines, 0) === CALLS;

describe("media on worker threads", () => {
  it("places the calls on the least-loaded of 2 workers; their checks pass and their WAVs are recorded", () =>
    withTempDir(async (dir) => {
      const pair = await preparePair(dir, 1500);
      const running = Promise.all([pair.uas.run(), pair.uac.run()]);
      const workers = await workersWhen(pair.uac, allPlaced, 20_000);
      assert.deepEqual(
        workers.map((w) => w.pipelines),
        [CALLS / 2, CALLS / 2],
      );
      const [uas, uac] = await running;
      assert.deepEqual([uac.exitCode, uas.exitCode], [0, 0]);
      const records = await readCallRecords(join(dir, "uac", "call_records.jsonl"));
      assert.equal(records.length, CALLS);
      for (const record of records) {
        assert.equal(record.result, "success", record.failure?.reason);
        assert.ok(record.media?.audio_checks.every((c) => c.passed) === true);
        const [wav] = record.media.recordings;
        assert.ok(wav !== undefined && readWavFile(wav).channels.length === 2);
      }
    }));

  it("a worker that dies mid-run fails only its calls, with media_error and the reason; WAVs stay complete", () =>
    withTempDir(async (dir) => {
      const pair = await preparePair(dir, 4000);
      const running = Promise.all([pair.uas.run(), pair.uac.run()]);
      const workers = await workersWhen(pair.uac, allPlaced, 20_000);
      // Every call records: the dead worker's calls must have a file to leave complete.
      await recordingsOnDisk(join(dir, "uac"), 20_000);
      const dying = workers.find((w) => w.index === 0);
      assert.ok(dying !== undefined);
      const onDying = dying.pipelines;
      await dying.terminate();
      const [, uac] = await running;
      assert.equal(uac.exitCode, 1, "some calls failed");

      const records = await readCallRecords(join(dir, "uac", "call_records.jsonl"));
      assert.equal(records.length, CALLS, "every call has its record");
      const failed = records.filter((r) => r.result === "failure");
      assert.equal(failed.length, onDying, "exactly the calls of the dead worker failed");
      for (const record of failed) {
        assert.equal(record.failure?.class, "media_error");
        assert.match(record.failure.reason, /^media worker 0 exited \(exit code \d+\)$/);
        const [wav] = record.media?.recordings ?? [];
        assert.ok(wav !== undefined, "the failed call names its recording");
        const read = readWavFile(wav);
        assert.equal(read.channels.length, 2);
        const samples = read.channels[0]?.length ?? 0;
        assert.equal(44 + samples * 4, statSync(wav).size, `${wav}: the header covers the whole file`);
        assert.ok(
          record.media?.recordings_incomplete.some((r) => r.path === wav) === true,
          "the record says the recording stopped with the worker",
        );
      }
      for (const record of records.filter((r) => r.result === "success")) {
        assert.ok(record.media?.audio_checks.every((c) => c.passed) === true, "the other worker's calls pass");
      }
    }));
});
