import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as alawmulawNs from "alawmulaw";
import { cjsNamespace } from "../../../../src/media/audio/cjs-namespace.js";
import { decodeFrame, encodeFrame } from "../../../../src/media/audio/g711.js";
import { analyzeFrame } from "../../../../src/media/audio/frame-analysis.js";
import { G711_CODECS } from "../../../../src/media/media-pipeline.js";
import { sine } from "./audio-test-helpers.js";

const { alaw, mulaw } = cjsNamespace(alawmulawNs, "alaw");

describe("G.711 frames", () => {
  for (const codec of G711_CODECS) {
    describe(codec, () => {
      it("encodes one byte per sample", () => {
        assert.equal(encodeFrame(codec, new Int16Array(160)).length, 160);
      });

      it("keeps a 440 Hz tone at 440 Hz through a round trip, within the G.711 quantisation error", () => {
        const pcm = sine(440, -10, 160 * 50);
        const back = decodeFrame(codec, encodeFrame(codec, pcm));
        assert.equal(back.length, pcm.length);
        let maxError = 0;
        for (let i = 0; i < pcm.length; i++) {
          const s = pcm[i] ?? 0;
          const error = Math.abs((back[i] ?? 0) - s);
          // G.711 segments: the step doubles per segment; the error is at most half a step, 1/32 of the magnitude
          // (A-law: ≤ 1/32 of |s| + 16 near zero; µ-law: ≤ 1/32 of |s| + 8 near zero, as in the tables).
          assert.ok(error <= Math.abs(s) / 32 + 16, `sample ${i}: ${s} -> ${back[i]}`);
          maxError = Math.max(maxError, error);
        }
        assert.ok(maxError > 0, "a lossless round trip means the codec did nothing");
        assert.ok(maxError <= 512, `max error ${maxError}`);
        for (let f = 0; f < 50; f += 7) {
          const { frequencyHz } = analyzeFrame(back.subarray(f * 160, (f + 1) * 160));
          assert.ok(Math.abs(frequencyHz - 440) <= 0.5, `frame ${f}: ${frequencyHz} Hz`);
        }
      });

      it("matches alawmulaw for every 16-bit sample and every payload byte", () => {
        const lib = codec === "PCMA" ? alaw : mulaw;
        const all = new Int16Array(65536);
        for (let i = 0; i < all.length; i++) all[i] = i - 32768;
        assert.deepEqual(new Uint8Array(encodeFrame(codec, all)), lib.encode(all));
        const bytes = new Uint8Array(256);
        for (let b = 0; b < 256; b++) bytes[b] = b;
        assert.deepEqual(decodeFrame(codec, bytes), lib.decode(bytes));
      });
    });
  }

  it("uses the standard silence codes: PCMU 0xFF, PCMA 0xD5", () => {
    assert.equal(encodeFrame("PCMU", new Int16Array(1))[0], 0xff);
    assert.equal(encodeFrame("PCMA", new Int16Array(1))[0], 0xd5);
  });
});
