import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CallRecorder } from "../../../../src/media/audio/call-recorder.js";
import { MonoWavRecorder, StereoWavRecorder } from "../../../../src/media/audio/wav-recorder.js";
import { ClosedError, SipwrightError } from "../../../../src/shared/errors.js";
import { HAVE_SOX, readWav, sine, soxInfo } from "./audio-test-helpers.js";

let dir = "";
const children = new Set<number>();
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "wav-recorder-"));
});
after(async () => {
  for (const pid of children) {
    try {
      process.kill(pid, "SIGKILL");
    } catch (error) {
      // ESRCH: the child has already exited, which is what we wanted.
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }
  await rm(dir, { recursive: true, force: true });
});

const A = (slot: number): Int16Array => sine(440, -20, 160, slot * 160);
const B = (slot: number): Int16Array => sine(1000, -20, 160, slot * 160);

/** `sox --i` agrees on the format and length; without sox this one assertion is skipped, with a note. */
function assertSox(
  path: string,
  channels: number,
  samplesPerChannel: number,
  t: { diagnostic(note: string): void },
): void {
  if (!HAVE_SOX) {
    t.diagnostic("sox --i check skipped: sox is not installed here (the CI image installs it)");
    return;
  }
  const info = soxInfo(path);
  assert.match(info, new RegExp(`Channels\\s*:\\s*${channels}\\b`));
  assert.match(info, /Sample Rate\s*:\s*8000\b/);
  assert.match(info, /16-bit Signed Integer PCM/);
  assert.match(info, new RegExp(`= ${samplesPerChannel} samples`));
}

describe("MonoWavRecorder", () => {
  it("writes frames as an 8 kHz 16-bit mono WAV that wavefile reads back sample for sample", async (t) => {
    const path = join(dir, "mono.wav");
    const rec = new MonoWavRecorder({ path });
    for (let s = 0; s < 120; s++) rec.writeFrame(A(s));
    assert.equal(await rec.close(), path);
    const wav = readWav(await readFile(path));
    assert.deepEqual([wav.audioFormat, wav.numChannels, wav.sampleRate, wav.bitsPerSample], [1, 1, 8000, 16]);
    assert.deepEqual(wav.channels[0], sine(440, -20, 120 * 160));
    assertSox(path, 1, 120 * 160, t);
  });

  it("writes silence for skipped slots and drops a frame for a slot already written", async () => {
    const path = join(dir, "gaps.wav");
    const rec = new MonoWavRecorder({ path });
    rec.writeFrame(A(0), 0);
    rec.writeFrame(A(3), 3);
    rec.writeFrame(A(2), 2);
    assert.equal(rec.lateFrames, 1);
    await rec.close();
    const [pcm] = readWav(await readFile(path)).channels;
    assert.ok(pcm !== undefined);
    assert.equal(pcm.length, 4 * 160);
    assert.deepEqual(pcm.subarray(0, 160), A(0));
    assert.deepEqual(pcm.subarray(160, 480), new Int16Array(320));
    assert.deepEqual(pcm.subarray(480), A(3));
  });

  it("is a valid empty WAV on disk from the moment it is created", async () => {
    const path = join(dir, "streaming.wav");
    const rec = new MonoWavRecorder({ path, chunkMs: 100 });
    const bytes = await readFile(path);
    assert.equal(bytes.length, 44);
    assert.equal(readWav(bytes).channels[0]?.length, 0);
    // The header patched after each chunk, before close(), is checked by the SIGKILL tests below.
    for (let s = 0; s < 10; s++) rec.writeFrame(A(s));
    await rec.close();
    assert.equal(readWav(await readFile(path)).channels[0]?.length, 1600);
  });

  it("is idempotent on close() and rejects frames after it", async () => {
    const rec = new MonoWavRecorder({ path: join(dir, "closed.wav") });
    const first = rec.close();
    assert.equal(rec.close(), first);
    await first;
    assert.throws(() => rec.writeFrame(A(0)), ClosedError);
  });

  it("fails to open a file in an unwritable place with FILE_ERROR naming it", async () => {
    // A folder under a regular file (ENOTDIR). Not /proc: Node's recursive mkdir never returns there.
    const file = join(dir, "plain-file");
    await writeFile(file, "");
    assert.throws(
      () => new MonoWavRecorder({ path: join(file, "x.wav") }),
      (error: unknown) =>
        error instanceof SipwrightError && error.code === "FILE_ERROR" && error.message.includes("x.wav"),
    );
  });
});

describe("StereoWavRecorder", () => {
  it("writes left = sent and right = received, aligned by slot, readable by wavefile", async (t) => {
    const path = join(dir, "stereo.wav");
    const rec = new StereoWavRecorder({ path });
    // The received direction lags by 3 slots (inside the reorder window): alignment is by slot, not arrival.
    for (let s = 0; s < 103; s++) {
      if (s < 100) rec.writeFrame("sent", s, A(s));
      if (s >= 3) rec.writeFrame("received", s - 3, B(s - 3));
    }
    await rec.close();
    const wav = readWav(await readFile(path));
    assert.deepEqual([wav.audioFormat, wav.numChannels, wav.sampleRate, wav.bitsPerSample], [1, 2, 8000, 16]);
    assert.deepEqual(wav.channels[0], sine(440, -20, 100 * 160));
    assert.deepEqual(wav.channels[1], sine(1000, -20, 100 * 160));
    assertSox(path, 2, 100 * 160, t);
  });

  it("writes the missing side as silence once the other runs past the reorder window, and drops late frames", async () => {
    const path = join(dir, "one-way.wav");
    const rec = new StereoWavRecorder({ path, reorderWindowSlots: 4 });
    for (let s = 0; s < 10; s++) rec.writeFrame("sent", s, A(s));
    // Slot 2 of the received side comes after slots 0..5 were forced out by the window: too late.
    rec.writeFrame("received", 2, B(2));
    assert.equal(rec.lateFrames, 1);
    rec.writeFrame("received", 8, B(8));
    await rec.close();
    const [left, right] = readWav(await readFile(path)).channels;
    assert.ok(left !== undefined && right !== undefined);
    assert.deepEqual(left, sine(440, -20, 1600));
    assert.deepEqual(right.subarray(0, 8 * 160), new Int16Array(8 * 160));
    assert.deepEqual(right.subarray(8 * 160, 9 * 160), B(8));
    assert.deepEqual(right.subarray(9 * 160), new Int16Array(160));
  });
  it("gives up a slot the received side skipped once it has delivered 5 slots beyond it, not before", async () => {
    const rec = new StereoWavRecorder({ path: join(dir, "lossy.wav") });
    for (let s = 0; s < 12; s++) rec.writeFrame("sent", s, A(s));
    // Received slot 3 is missing; 4..7 came: slot 3 still waits (reordering), so its frame is taken late.
    for (const s of [0, 1, 2, 4, 5, 6, 7]) rec.writeFrame("received", s, B(s));
    rec.writeFrame("received", 3, B(3));
    assert.equal(rec.lateFrames, 0);
    // Received slot 9 is missing; 10..14 came: slot 9 is given up, its frame is late.
    for (const s of [8, 10, 11, 12, 13, 14]) rec.writeFrame("received", s, B(s));
    rec.writeFrame("received", 9, B(9));
    assert.equal(rec.lateFrames, 1);
    await rec.close();
    const [left, right] = readWav(await readFile(join(dir, "lossy.wav"))).channels;
    assert.ok(left !== undefined && right !== undefined);
    assert.deepEqual(left.subarray(0, 12 * 160), sine(440, -20, 12 * 160));
    assert.deepEqual(right.subarray(0, 9 * 160), sine(1000, -20, 9 * 160));
    assert.deepEqual(right.subarray(9 * 160, 10 * 160), new Int16Array(160));
    assert.deepEqual(right.subarray(10 * 160, 15 * 160), sine(1000, -20, 5 * 160, 10 * 160));
  });

  it("keeps every file whole when many recorders share the pooled chunks", async () => {
    const recorders = [0, 1, 2].map((i) => new StereoWavRecorder({ path: join(dir, `pooled-${i}.wav`), chunkMs: 60 }));
    // 3 frames per chunk: 40 slots make 13 full chunks per file, written and handed back while the others fill.
    for (let s = 0; s < 40; s++) {
      for (const rec of recorders) {
        rec.writeFrame("sent", s, A(s));
        rec.writeFrame("received", s, B(s));
      }
      if (s % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(recorders.map((rec) => rec.close()));
    for (let i = 0; i < 3; i++) {
      const wav = readWav(await readFile(join(dir, `pooled-${i}.wav`)));
      assert.deepEqual(wav.channels, [sine(440, -20, 40 * 160), sine(1000, -20, 40 * 160)]);
    }
  });
});

describe("CallRecorder", () => {
  it("writes <base>-sent.wav and <base>-received.wav for the per-direction layout", async () => {
    const rec = new CallRecorder({ layout: "per-direction", directory: join(dir, "calls"), baseName: "1-abc" });
    for (let s = 0; s < 5; s++) {
      rec.writeFrame("sent", s, A(s));
      rec.writeFrame("received", s, B(s));
    }
    const paths = await rec.close();
    assert.deepEqual(paths, [join(dir, "calls", "1-abc-sent.wav"), join(dir, "calls", "1-abc-received.wav")]);
    assert.equal(await rec.close(), paths);
    assert.deepEqual(readWav(await readFile(paths[0] ?? "")).channels[0], sine(440, -20, 800));
    assert.deepEqual(readWav(await readFile(paths[1] ?? "")).channels[0], sine(1000, -20, 800));
  });

  it("writes <base>.wav for the stereo layout", async () => {
    const rec = new CallRecorder({ layout: "stereo", directory: join(dir, "calls"), baseName: "2-def" });
    rec.writeFrame("received", 0, B(0));
    rec.writeFrame("sent", 0, A(0));
    const paths = await rec.close();
    assert.deepEqual(paths, [join(dir, "calls", "2-def.wav")]);
    assert.equal(readWav(await readFile(paths[0] ?? "")).numChannels, 2);
  });

  it("writes the two mono files and the stereo file from the same frames for the both layout", async () => {
    const rec = new CallRecorder({ layout: "both", directory: join(dir, "calls"), baseName: "3-ghi" });
    for (let s = 0; s < 5; s++) {
      rec.writeFrame("sent", s, A(s));
      rec.writeFrame("received", s, B(s));
    }
    const paths = await rec.close();
    const base = join(dir, "calls", "3-ghi");
    assert.deepEqual(paths, [`${base}-sent.wav`, `${base}-received.wav`, `${base}.wav`]);
    assert.deepEqual(readWav(await readFile(`${base}-sent.wav`)).channels[0], sine(440, -20, 800));
    assert.deepEqual(readWav(await readFile(`${base}-received.wav`)).channels[0], sine(1000, -20, 800));
    const stereo = readWav(await readFile(`${base}.wav`));
    assert.equal(stereo.numChannels, 2);
    assert.deepEqual(stereo.channels, [sine(440, -20, 800), sine(1000, -20, 800)]);
  });
});

describe("a recording whose process is killed (SIGKILL)", () => {
  const script = fileURLToPath(new URL("./record-until-killed.ts", import.meta.url));
  for (const layout of ["mono", "stereo"] as const) {
    it(`leaves a ${layout} WAV that wavefile opens, covering at least the last patched header`, async (t) => {
      const path = join(dir, `killed-${layout}.wav`);
      const child = spawn(process.execPath, ["--import", "tsx", script, path, layout], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      const pid = child.pid;
      assert.ok(pid !== undefined);
      children.add(pid);
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("close", (_c, s) => resolve(s)));
      const patched = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "patched" line within 20 s; stderr: ${stderr}`)), 20_000);
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const m = /patched (\d+)\n/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        void exited.then(() => reject(new Error(`child exited early; stderr: ${stderr}`)));
      });
      process.kill(pid, "SIGKILL");
      assert.equal(await exited, "SIGKILL");
      children.delete(pid);

      const bytes = await readFile(path);
      const dataBytes = bytes.readUInt32LE(40);
      assert.ok(dataBytes >= patched, `header covers ${dataBytes} bytes, ${patched} were patched before the kill`);
      assert.equal(bytes.readUInt32LE(4), 36 + dataBytes);
      const wav = readWav(bytes);
      const channels = layout === "mono" ? 1 : 2;
      assert.equal(wav.numChannels, channels);
      assert.equal(wav.channels[0]?.length, dataBytes / (2 * channels));
      const samples = dataBytes / (2 * channels);
      assert.deepEqual(wav.channels[0], sine(440, -20, samples));
      if (layout === "stereo") assert.deepEqual(wav.channels[1], sine(1000, -20, samples));
      assertSox(path, channels, samples, t);
    });
  }
});
