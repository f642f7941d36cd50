import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as alawmulawNs from "alawmulaw";
import { cjsNamespace } from "../../../../src/media/audio/cjs-namespace.js";
import { createSource } from "../../../../src/media/audio/create-source.js";
import { WavSource } from "../../../../src/media/audio/wav-source.js";
import { SipwrightError } from "../../../../src/shared/errors.js";
import { sine, wavBytes } from "./audio-test-helpers.js";

const { alaw, mulaw } = cjsNamespace(alawmulawNs, "alaw");

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "wav-source-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** Every frame until the source ends (bounded), concatenated. */
function drain(source: WavSource, maxFrames = 10_000): { pcm: Int16Array; frames: number } {
  const parts: Int16Array[] = [];
  for (let i = 0; i < maxFrames; i++) {
    const frame = source.nextFrame();
    if (frame === undefined) break;
    assert.equal(frame.length, 160);
    parts.push(frame.slice()); // lent until the next call
  }
  const pcm = new Int16Array(parts.length * 160);
  parts.forEach((p, i) => pcm.set(p, i * 160));
  return { pcm, frames: parts.length };
}

// 400 samples: two full frames and a partial third one (padded with silence).
const TONE = sine(1000, -12, 400);

describe("WavSource", () => {
  it("streams a 16-bit PCM file sample for sample, padding the last frame with silence, then ends", async () => {
    const path = await fixture("pcm16.wav", wavBytes(1, 8000, "16", TONE));
    const source = new WavSource({ path, loops: 1 });
    const { pcm, frames } = drain(source);
    assert.equal(frames, 3);
    assert.deepEqual(pcm.subarray(0, 400), TONE);
    assert.deepEqual(pcm.subarray(400), new Int16Array(80));
    assert.equal(source.nextFrame(), undefined);
  });

  it("decodes an A-law file (format 6) as alawmulaw does", async () => {
    const path = await fixture("alaw.wav", wavBytes(1, 8000, "8a", alaw.encode(TONE)));
    const { pcm } = drain(new WavSource({ path, loops: 1 }));
    assert.deepEqual(pcm.subarray(0, 400), alaw.decode(alaw.encode(TONE)));
  });

  it("decodes a µ-law file (format 7) as alawmulaw does", async () => {
    const path = await fixture("mulaw.wav", wavBytes(1, 8000, "8m", mulaw.encode(TONE)));
    const { pcm } = drain(new WavSource({ path, loops: 1 }));
    assert.deepEqual(pcm.subarray(0, 400), mulaw.decode(mulaw.encode(TONE)));
  });

  it("plays the file `loops` times, each play starting on a frame boundary", async () => {
    const path = await fixture("loop.wav", wavBytes(1, 8000, "16", TONE));
    const { pcm, frames } = drain(new WavSource({ path, loops: 3 }));
    assert.equal(frames, 9);
    for (let play = 0; play < 3; play++) assert.deepEqual(pcm.subarray(play * 480, play * 480 + 400), TONE);
  });

  it("plays nothing for loops = 0, as sipp 3.6.1's rtp_stream does", async () => {
    const path = await fixture("once.wav", wavBytes(1, 8000, "16", TONE));
    assert.equal(drain(new WavSource({ path, loops: 0 })).frames, 0);
  });

  it("loops forever for loops = -1", async () => {
    const path = await fixture("forever.wav", wavBytes(1, 8000, "16", TONE));
    const { frames, pcm } = drain(new WavSource({ path, loops: -1 }), 3000);
    assert.equal(frames, 3000);
    assert.deepEqual(pcm.subarray(999 * 480, 999 * 480 + 400), TONE);
  });

  it("rejects a stereo file with a message naming the file and the problem", async () => {
    const path = await fixture("stereo.wav", wavBytes(2, 8000, "16", [TONE, TONE]));
    assert.throws(
      () => new WavSource({ path, loops: 1 }),
      (error: unknown) =>
        error instanceof SipwrightError &&
        error.code === "FILE_ERROR" &&
        error.message.includes(path) &&
        error.message.includes("2 channels") &&
        error.message.includes("need 8 kHz mono"),
    );
  });

  it("rejects another sample rate, another bit depth, a non-WAV and a missing file, naming the file", async () => {
    const cases: [string, Uint8Array | undefined, RegExp][] = [
      ["16k.wav", wavBytes(1, 16000, "16", TONE), /16000 Hz/],
      [
        "8bit.wav",
        wavBytes(
          1,
          8000,
          "8",
          Array.from(TONE, (s) => (s >> 8) + 128),
        ),
        /8-bit PCM/,
      ],
      ["junk.wav", new TextEncoder().encode("this is not a wav file at all"), /not a WAV file/],
      ["missing.wav", undefined, /cannot read/],
    ];
    for (const [name, bytes, problem] of cases) {
      const path = bytes === undefined ? join(dir, name) : await fixture(name, bytes);
      assert.throws(
        () => new WavSource({ path, loops: 1 }),
        (error: unknown) =>
          error instanceof SipwrightError && error.message.includes(path) && problem.test(error.message),
        name,
      );
    }
  });

  it("sees a rewritten file (the decode cache is keyed by size and modification time)", async () => {
    const path = await fixture("changing.wav", wavBytes(1, 8000, "16", TONE));
    assert.deepEqual(drain(new WavSource({ path, loops: 1 })).pcm.subarray(0, 400), TONE);
    const other = sine(500, -12, 800);
    await writeFile(path, wavBytes(1, 8000, "16", other));
    assert.deepEqual(drain(new WavSource({ path, loops: 1 })).pcm, other);
  });

  it("is what createSource builds for a wav spec", async () => {
    const path = await fixture("spec.wav", wavBytes(1, 8000, "16", TONE));
    const source = createSource({ kind: "wav", path, loops: 2 });
    assert.ok(source instanceof WavSource);
    assert.equal(drain(source).frames, 6);
  });

  it("plays already-decoded samples without reading the file (createSource passes the spec's pcm)", () => {
    const path = join(dir, "never-written.wav");
    const source = createSource({ kind: "wav", path, loops: 2, pcm: TONE });
    assert.ok(source instanceof WavSource);
    const { pcm, frames } = drain(source);
    assert.equal(frames, 6);
    assert.deepEqual(pcm.subarray(480, 880), TONE);
  });
});
