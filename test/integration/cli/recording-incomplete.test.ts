/**
 * A WAV that cannot be finalised is more than a warning: the call record names it in media.recordings_incomplete
 * with the reason, and summary.json counts it. The failure is real: the demo runs under a file-size limit
 * (RLIMIT_FSIZE, `ulimit -f`) that the small outputs fit in but the recordings outgrow, so write(2) fails with
 * EFBIG part-way through each WAV (Node ignores SIGXFSZ, so the write reports the error instead of killing it).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startProcess, stopStartedProcesses, waitExit } from "../../helpers/processes.js";
import { readSummary, sipwrightArgv } from "../../helpers/sipwright.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";

after(stopStartedProcesses);

/** KiB: above every other output of a one-call demo (records, summary, traces: under 10 KiB each) and the tsx cache
 * files (about 32 KiB), below its stereo WAVs (about 95 KiB for the demo's call). */
const FILE_SIZE_LIMIT_KIB = 64;

describe("a recording that cannot be finalised", () => {
  it("is marked incomplete, with the reason, in the call record, and counted in summary.json", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sipwright-recording-incomplete-"));
    try {
      const out = join(dir, "demo");
      const demo = await startProcess(
        "/bin/sh",
        [
          "-c",
          `ulimit -f ${FILE_SIZE_LIMIT_KIB} && exec "$0" "$@"`,
          process.execPath,
          ...sipwrightArgv(["demo", "--rtp", "--calls", "1", "--out", out]),
        ],
        { cwd: dir },
      );
      const status = await waitExit(demo, 120_000);
      assert.equal(status.signal, null, demo.stderr());
      for (const side of ["uac", "uas"]) {
        const records = await readCallRecords(join(out, side, "call_records.jsonl"));
        const summary = await readSummary(join(out, side, "summary.json"));
        assert.equal(records.length, 1, side);
        const media = records[0]?.media;
        assert.ok(media !== null && media !== undefined, `${side}: a media block`);
        assert.ok(media.recordings.length > 0, `${side}: the call was recorded`);
        assert.deepEqual(
          media.recordings_incomplete.map((r) => r.path),
          media.recordings,
          `${side}: every WAV outgrew the limit`,
        );
        for (const r of media.recordings_incomplete) assert.match(r.reason, /cannot write .*EFBIG|too large/i);
        const totals = summary.media;
        assert.ok(totals !== null, `${side}: media totals in summary.json`);
        assert.equal(totals.recordings, media.recordings.length, side);
        assert.equal(totals.recordings_incomplete, media.recordings_incomplete.length, side);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
