import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSource, isPcmSourceSpec } from "../../../../src/media/audio/create-source.js";
import { analyzeFrame } from "../../../../src/media/audio/frame-analysis.js";
import { encodeFrame } from "../../../../src/media/audio/g711.js";
import { SilenceSource } from "../../../../src/media/audio/silence-source.js";
import { ToneSource } from "../../../../src/media/audio/tone-source.js";
import { ConfigError } from "../../../../src/shared/errors.js";
import { sine } from "./audio-test-helpers.js";

function frames(source: { nextFrame(): Int16Array | undefined }, count: number): Int16Array {
  const out = new Int16Array(count * 160);
  for (let f = 0; f < count; f++) {
    const frame = source.nextFrame();
    assert.ok(frame !== undefined, `frame ${f} missing`);
    assert.equal(frame.length, 160);
    out.set(frame, f * 160);
  }
  return out;
}

describe("ToneSource", () => {
  for (const frequencyHz of [440, 1000, 2600, 697.5]) {
    it(`produces ${frequencyHz} Hz at the requested level, phase-continuous across frames`, () => {
      const pcm = frames(new ToneSource({ frequencyHz, levelDbfs: -20 }), 100);
      // Sample-exact against one continuous sine over 2 s: no phase jump at any frame boundary.
      const reference = sine(frequencyHz, -20, pcm.length);
      for (let i = 0; i < pcm.length; i++) {
        assert.ok(Math.abs((pcm[i] ?? 0) - (reference[i] ?? 0)) <= 1, `sample ${i}: ${pcm[i]} vs ${reference[i]}`);
      }
      for (let f = 0; f < 100; f += 9) {
        const summary = analyzeFrame(pcm.subarray(f * 160, (f + 1) * 160));
        assert.ok(Math.abs(summary.frequencyHz - frequencyHz) <= frequencyHz * 0.001, `${summary.frequencyHz}`);
        assert.ok(Math.abs(summary.levelDbfs + 20) <= 0.2, `${summary.levelDbfs} dBFS`);
      }
    });
  }

  it("peaks at 32767 · 10^(L/20): −6 dBFS peaks near 16422", () => {
    const pcm = frames(new ToneSource({ frequencyHz: 1000, levelDbfs: -6 }), 1);
    assert.equal(Math.max(...pcm), Math.round(32767 * 10 ** (-6 / 20)));
  });

  it("gives each source its own phase even when they share the cached period", () => {
    const a = new ToneSource({ frequencyHz: 440, levelDbfs: -20 });
    a.nextFrame();
    const b = new ToneSource({ frequencyHz: 440, levelDbfs: -20 });
    assert.deepEqual(b.nextFrame(), sine(440, -20, 160));
    assert.deepEqual(a.nextFrame(), sine(440, -20, 160, 160));
  });

  it("rejects a frequency at or above Nyquist and a level above 0 dBFS", () => {
    assert.throws(() => new ToneSource({ frequencyHz: 4000, levelDbfs: -20 }), ConfigError);
    assert.throws(() => new ToneSource({ frequencyHz: 0, levelDbfs: -20 }), ConfigError);
    assert.throws(() => new ToneSource({ frequencyHz: 440, levelDbfs: 3 }), ConfigError);
  });
});

describe("ToneSource encodedFrame", () => {
  it("hands out the G.711 encoding of the frame it gave last, the same as encoding it, over several cycles", () => {
    // 440 Hz repeats every 200 samples: its frames every 5; 1000 Hz every 8 samples: every frame alike.
    for (const frequencyHz of [440, 1000, 3999]) {
      const tone = new ToneSource({ frequencyHz, levelDbfs: -12 });
      for (let f = 0; f < 120; f++) {
        const frame = tone.nextFrame();
        for (const codec of ["PCMA", "PCMU"] as const) {
          const encoded = tone.encodedFrame(codec);
          assert.ok(encoded !== undefined);
          assert.deepEqual(Buffer.from(encoded), encodeFrame(codec, frame), `${frequencyHz} Hz`);
        }
      }
    }
  });

  it("leaves the encoding to the caller before the first frame and for a tone of fractional frequency", () => {
    const tone = new ToneSource({ frequencyHz: 440, levelDbfs: -12 });
    assert.equal(tone.encodedFrame("PCMA"), undefined);
    const fractional = new ToneSource({ frequencyHz: 440.5, levelDbfs: -12 });
    fractional.nextFrame();
    assert.equal(fractional.encodedFrame("PCMA"), undefined);
  });
});

describe("SilenceSource", () => {
  it("produces frames of zeros and never ends", () => {
    const s = new SilenceSource();
    for (let i = 0; i < 3; i++) assert.deepEqual(s.nextFrame(), new Int16Array(160));
  });
});

describe("createSource", () => {
  it("builds tone, silence and WAV sources from their specs", () => {
    assert.ok(createSource({ kind: "tone", frequencyHz: 440, levelDbfs: -20 }) instanceof ToneSource);
    assert.ok(createSource({ kind: "silence" }) instanceof SilenceSource);
    assert.throws(() => createSource({ kind: "wav", path: "/nonexistent/x.wav", loops: 1 }), /\/nonexistent\/x\.wav/);
  });

  it("tells PCM source specs from the RTP-level ones (pcap, echo)", () => {
    assert.equal(isPcmSourceSpec({ kind: "silence" }), true);
    assert.equal(isPcmSourceSpec({ kind: "wav", path: "a.wav", loops: 1 }), true);
    assert.equal(isPcmSourceSpec({ kind: "pcap", path: "a.pcap" }), false);
    assert.equal(isPcmSourceSpec({ kind: "echo" }), false);
  });
});
