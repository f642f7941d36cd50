/**
 * The proxy of a pipeline on a media worker, with a fake link in place of the worker: what it reports when the worker
 * dies before any state named the call's recording.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MediaStats, StreamStats } from "../../../../src/media/media-pipeline.js";
import { RemoteRtpPipeline, type WorkerLink } from "../../../../src/media/worker/remote-pipeline.js";
import type { PipelineNotice } from "../../../../src/media/worker/worker-protocol.js";

const noStream: StreamStats = { packets: 0, octets: 0, lost: 0, jitterMs: 0, maxGapMs: 0 };
const initialStats: MediaStats = {
  kind: "rtp",
  codec: "PCMU",
  payloadType: 0,
  local: undefined,
  remote: undefined,
  sent: noStream,
  received: noStream,
  dtmfSent: "",
  dtmfReceived: "",
  recordings: [],
  audioChecks: [],
};

function pipelineWithFakeLink(): { pipeline: RemoteRtpPipeline; notices: PipelineNotice[]; failures: string[] } {
  const notices: PipelineNotice[] = [];
  const failures: string[] = [];
  const link: WorkerLink = {
    index: 0,
    request: () => Promise.reject(new Error("no requests in this test")),
    notice: (_pipeline, notice) => notices.push(notice),
    released: () => undefined,
    flagHangUp: () => undefined,
  };
  const pipeline = new RemoteRtpPipeline({
    id: 1,
    link,
    state: { stats: initialStats },
    onFailure: (reason) => failures.push(reason),
    localPort: 40000,
    codecs: ["PCMU"],
  });
  return { pipeline, notices, failures };
}

describe("RemoteRtpPipeline when its worker dies", () => {
  it("names the recording files the worker had created, though no state named them; not the ones it had not", () => {
    const dir = mkdtempSync(join(tmpdir(), "sipwright-remote-"));
    try {
      const { pipeline, notices, failures } = pipelineWithFakeLink();
      pipeline.startRecording({ layout: "both", directory: dir, baseName: "call-1" });
      assert.equal(notices[0]?.op, "startRecording");
      // The worker had created the two mono files, not yet the stereo one.
      writeFileSync(join(dir, "call-1-sent.wav"), "");
      writeFileSync(join(dir, "call-1-received.wav"), "");
      const created = [join(dir, "call-1-sent.wav"), join(dir, "call-1-received.wav")];
      assert.deepEqual(pipeline.recordingsOnDisk(), created);

      pipeline.lost("media worker 0 exited (exit code 1)");
      assert.deepEqual(failures, ["media worker 0 exited (exit code 1)"]);
      const stats = pipeline.stats();
      assert.deepEqual(stats.recordings, created);
      assert.deepEqual(
        stats.incompleteRecordings,
        created.map((path) => ({ path, reason: "media worker 0 exited (exit code 1)" })),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps what the worker's last state named, once, with nothing asked for", () => {
    const { pipeline } = pipelineWithFakeLink();
    pipeline.update({ stats: { ...initialStats, recordings: ["/nonexistent/call-2.wav"] } });
    pipeline.lost("media worker 0 exited (exit code 1)");
    assert.deepEqual(pipeline.stats().recordings, ["/nonexistent/call-2.wav"]);
  });
});
