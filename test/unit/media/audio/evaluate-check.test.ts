import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AudioAnalyzer } from "../../../../src/media/audio/audio-analyzer.js";
import { evaluateCheck } from "../../../../src/media/audio/evaluate-check.js";
import type { FrameSummary } from "../../../../src/media/audio/frame-analysis.js";
import { decodeFrame, encodeFrame } from "../../../../src/media/audio/g711.js";
import { ToneSource } from "../../../../src/media/audio/tone-source.js";
import type { AudioCheckSpec } from "../../../../src/media/media-pipeline.js";

const TONE_440: AudioCheckSpec = {
  kind: "tone",
  direction: "received",
  frequencyHz: 440,
  tolerance: 0.02,
  minShare: 0.8,
  minLevelDbfs: -30,
};

/** An analyzer fed `frames` frames per direction through PCMA: a 440 Hz tone, or silence where asked. */
function analyzer(frames: number, opts: { sentSilent?: boolean; receivedSilentFrom?: number; receivedHz?: number }) {
  const a = new AudioAnalyzer();
  const sent = new ToneSource({ frequencyHz: 1000, levelDbfs: -20 });
  const received = new ToneSource({ frequencyHz: opts.receivedHz ?? 440, levelDbfs: -20 });
  const silence = new Int16Array(160);
  for (let s = 0; s < frames; s++) {
    a.addFrame("sent", opts.sentSilent === true ? silence : sent.nextFrame(), s);
    const r = s >= (opts.receivedSilentFrom ?? Infinity) ? silence : received.nextFrame();
    a.addFrame("received", decodeFrame("PCMA", encodeFrame("PCMA", r)), s);
  }
  return a;
}

describe("audio checks", () => {
  describe("tone", () => {
    it("passes when the received audio carries 440 Hz ±2 % in at least 80 % of the frames", () => {
      const r = analyzer(250, {}).check(TONE_440);
      assert.equal(r.passed, true, r.reason);
      assert.equal(r.measured.share, 1);
      assert.ok(Math.abs((r.measured.frequency_hz ?? 0) - 440) < 1);
      assert.ok(Math.abs((r.measured.level_dbfs ?? 0) + 20) < 0.5);
    });

    it("fails on silence where the tone is expected, reporting what it measured", () => {
      const r = analyzer(250, { receivedSilentFrom: 0 }).check(TONE_440);
      assert.equal(r.passed, false);
      assert.equal(r.kind, "tone");
      const { level_dbfs, ...rest } = r.measured;
      assert.deepEqual(rest, { frames: 250, tone_frames: 0, share: 0, frequency_hz: 0 });
      // PCMA silence (0xD5) decodes to ±8: G.711 idle noise near −69 dBFS.
      assert.ok(level_dbfs !== undefined && level_dbfs < -60, `level ${level_dbfs}`);
      assert.match(r.reason, /expected 440 Hz/);
    });

    it("fails on a wrong frequency and on a tone present in too small a share of the frames", () => {
      const wrong = analyzer(100, { receivedHz: 460 }).check(TONE_440);
      assert.equal(wrong.passed, false);
      assert.ok(Math.abs((wrong.measured.frequency_hz ?? 0) - 460) < 1);
      const short = analyzer(100, { receivedSilentFrom: 70 }).check(TONE_440);
      assert.equal(short.passed, false);
      assert.equal(short.measured.share, 0.7);
    });

    it("fails when there are no frames at all", () => {
      assert.equal(evaluateCheck(TONE_440, [], []).passed, false);
    });
  });

  describe("silence-gap", () => {
    const spec: AudioCheckSpec = { kind: "silence-gap", direction: "received", maxGapMs: 500 };

    it("passes when the longest silence is within the limit", () => {
      const r = analyzer(100, { receivedSilentFrom: 80 }).check(spec);
      assert.equal(r.passed, true, r.reason);
      assert.equal(r.measured.longest_gap_ms, 400);
    });

    it("fails when the received audio stops for longer than the limit", () => {
      const r = analyzer(100, { receivedSilentFrom: 60 }).check(spec);
      assert.equal(r.passed, false);
      assert.equal(r.measured.longest_gap_ms, 800);
    });

    it("counts slots that got no frame at all (no packets) as silence", () => {
      const a = new AudioAnalyzer();
      const tone = new ToneSource({ frequencyHz: 440, levelDbfs: -20 });
      a.addFrame("received", tone.nextFrame(), 0);
      a.addFrame("received", tone.nextFrame(), 51);
      const r = a.check(spec);
      assert.equal(r.measured.longest_gap_ms, 1000);
      assert.equal(r.passed, false);
    });
  });

  describe("as of a slot (a check answered late by a media worker)", () => {
    it("judges only the frames before the slot it was asked at, in each direction", () => {
      // The tone stops at frame 50; the check was asked at slot 50 and answered 40 slots later.
      const a = analyzer(90, { receivedSilentFrom: 50 });
      const now = a.check(TONE_440);
      assert.equal(now.passed, false, "90 frames, 40 of them silent");
      const asked = a.check(TONE_440, undefined, 50);
      assert.equal(asked.passed, true, asked.reason);
      assert.equal(asked.measured.frames, 50);
      assert.equal(a.check(TONE_440, undefined, 200).measured.frames, 90, "a slot not reached yet cuts nothing");
    });
  });

  describe("two-way", () => {
    const spec: AudioCheckSpec = { kind: "two-way", minLevelDbfs: -40, minShare: 0.5 };

    it("passes with audio in both directions", () => {
      const r = analyzer(100, {}).check(spec);
      assert.equal(r.passed, true, r.reason);
      assert.deepEqual(r.measured, { sent_frames: 100, received_frames: 100, sent_share: 1, received_share: 1 });
    });

    it("fails on one-way audio (nothing comes back), naming it", () => {
      const r = analyzer(100, { receivedSilentFrom: 0 }).check(spec);
      assert.equal(r.passed, false);
      assert.equal(r.measured.received_share, 0);
      assert.match(r.reason, /^one-way audio/);
    });

    it("fails on one-way audio (we send nothing)", () => {
      const r = analyzer(100, { sentSilent: true }).check(spec);
      assert.equal(r.passed, false);
      assert.equal(r.measured.sent_share, 0);
    });
  });

  describe("packets", () => {
    const spec: AudioCheckSpec = { kind: "packets", minPacketsPerDirection: 50 };

    it("passes with enough packets both ways", () => {
      const r = evaluateCheck(spec, [], [], { sent: 50, received: 75 });
      assert.equal(r.passed, true, r.reason);
      assert.deepEqual(r.measured, { sent_packets: 50, received_packets: 75 });
    });

    it("fails when one direction is short, and when counts are missing", () => {
      assert.equal(evaluateCheck(spec, [], [], { sent: 50, received: 49 }).passed, false);
      assert.equal(evaluateCheck(spec, [], []).passed, false);
    });
  });
});

describe("AudioAnalyzer", () => {
  it("keeps at most maxFrames per direction, the most recent ones", () => {
    const a = new AudioAnalyzer({ maxFrames: 3000 });
    const tone = new ToneSource({ frequencyHz: 440, levelDbfs: -20 });
    for (let s = 0; s < 5000; s++) a.addFrame("sent", s < 4000 ? new Int16Array(160) : tone.nextFrame());
    assert.equal(a.frameCount("sent"), 3000);
    const frames: FrameSummary[] = a.frames("sent");
    assert.equal(frames.filter((f) => f.frequencyHz > 0).length, 1000);
    assert.equal(frames[2999]?.frequencyHz !== 0, true);
    assert.equal(frames[0]?.frequencyHz, 0);
  });

  it("with frequencyEveryFrames = 5 estimates every 5th frame, keeps every level, and the checks still work", () => {
    const a = new AudioAnalyzer({ frequencyEveryFrames: 5 });
    const tone = new ToneSource({ frequencyHz: 440, levelDbfs: -20 });
    for (let s = 0; s < 100; s++) a.addFrame("received", s < 90 ? tone.nextFrame() : new Int16Array(160), s);
    const frames = a.frames("received");
    assert.equal(frames.length, 100);
    assert.equal(frames.filter((f) => !Number.isNaN(f.frequencyHz)).length, 20);
    assert.ok(frames.slice(0, 90).every((f) => Math.abs(f.levelDbfs + 20) < 0.3));
    const tone440 = a.check(TONE_440);
    assert.equal(tone440.passed, true, tone440.reason);
    assert.equal(tone440.measured.frames, 20);
    assert.equal(tone440.measured.share, 0.9);
    const gap = a.check({ kind: "silence-gap", direction: "received", maxGapMs: 100 });
    assert.equal(gap.measured.longest_gap_ms, 200);
  });

  it("ignores a frame for a slot already seen", () => {
    const a = new AudioAnalyzer();
    a.addFrame("received", new Int16Array(160), 5);
    a.addFrame("received", new Int16Array(160), 7);
    a.addFrame("received", new Int16Array(160), 6);
    assert.equal(a.frameCount("received"), 3);
  });

  it("opens its window at the first frame of either direction: slots before media flowed are no one's silence", () => {
    // A WebRTC call whose offer waited 2 s for an unreachable STUN server: the first frame is in slot 100.
    const a = new AudioAnalyzer();
    const sent = new ToneSource({ frequencyHz: 1000, levelDbfs: -20 });
    const received = new ToneSource({ frequencyHz: 440, levelDbfs: -20 });
    for (let s = 100; s < 200; s++) {
      a.addFrame("sent", sent.nextFrame(), s);
      a.addFrame("received", received.nextFrame(), s);
    }
    const r = a.check({ kind: "two-way", minLevelDbfs: -40, minShare: 0.9 });
    assert.equal(r.passed, true, r.reason);
    assert.deepEqual(r.measured, { sent_frames: 100, received_frames: 100, sent_share: 1, received_share: 1 });
  });

  it("still counts a direction that starts late as silence from the first frame of the other", () => {
    const a = new AudioAnalyzer();
    const tone = new ToneSource({ frequencyHz: 440, levelDbfs: -20 });
    for (let s = 100; s < 200; s++) a.addFrame("sent", tone.nextFrame(), s);
    for (let s = 160; s < 200; s++) a.addFrame("received", tone.nextFrame(), s);
    assert.equal(a.frameCount("received"), 100);
    const r = a.check({ kind: "two-way", minLevelDbfs: -40, minShare: 0.5 });
    assert.equal(r.passed, false);
    assert.equal(r.measured.received_share, 0.4);
    const gap = a.check({ kind: "silence-gap", direction: "received", maxGapMs: 500 });
    assert.equal(gap.measured.longest_gap_ms, 1200);
  });
});
