import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AudioAnalyzer } from "../../../../src/media/audio/audio-analyzer.js";
import type { AudioCheckSpec, AudioDirection } from "../../../../src/media/media-pipeline.js";
import { sine } from "../../media/audio/audio-test-helpers.js";
import type { ActionResult } from "../../../../src/scenario/runtime.js";
import { FakeHost, build, mustBuild } from "./fake-host.js";

/** The reason of an action that failed with audio_check_failed. */
function checkFailure(result: ActionResult): string {
  if (result.ok) assert.fail("the check passed");
  assert.equal(result.failure, "audio_check_failed");
  return result.reason;
}

function specsOf(attrs: Record<string, string>): AudioCheckSpec[] {
  const host = new FakeHost();
  const action = mustBuild("check_audio", attrs);
  assert.equal(action.media, true);
  action.execute(host);
  return (host.mediaControl?.calls ?? []).map((c) => {
    assert.equal(c.kind, "checkAudio");
    return (c as { spec: AudioCheckSpec }).spec;
  });
}

function problemsOf(attrs: Record<string, string>): string {
  const { action, problems } = build("check_audio", attrs);
  assert.equal(action, undefined, `${JSON.stringify(attrs)} should not build`);
  return problems.join("; ");
}

/** A host whose checks are evaluated by the real analyser on 50 frames per direction. */
function hostHearing(frames: Readonly<Record<AudioDirection, (i: number) => Int16Array>>): FakeHost {
  const analyzer = new AudioAnalyzer();
  for (let i = 0; i < 50; i++) {
    analyzer.addFrame("sent", frames.sent(i), i);
    analyzer.addFrame("received", frames.received(i), i);
  }
  const host = new FakeHost();
  const control = host.mediaControl;
  assert.ok(control !== undefined);
  control.checkResult = (spec) => analyzer.check(spec, { sent: 50, received: 50 });
  return host;
}

const tone440 = (i: number): Int16Array => sine(440, -10, 160, i * 160);
const tone1000 = (i: number): Int16Array => sine(1000, -10, 160, i * 160);
const silence = (): Int16Array => new Int16Array(160);

describe("check_audio", () => {
  it("tone: defaults 2% tolerance, 80% of the frames, -40 dBFS, received audio", () => {
    assert.deepEqual(specsOf({ tone: "440" }), [
      { kind: "tone", direction: "received", frequencyHz: 440, tolerance: 0.02, minShare: 0.8, minLevelDbfs: -40 },
    ]);
  });

  it("tone: tolerance and min_share as percentages or fractions, min_level, direction", () => {
    const attrs = { tone: "1000", tolerance: "5%", min_share: "0.6", min_level: "-30", direction: "sent" };
    assert.deepEqual(specsOf(attrs), [
      { kind: "tone", direction: "sent", frequencyHz: 1000, tolerance: 0.05, minShare: 0.6, minLevelDbfs: -30 },
    ]);
    assert.equal((specsOf({ tone: "440", tolerance: "0.02" })[0] as { tolerance: number }).tolerance, 0.02);
  });

  it("max_gap, two_way (defaults -40 dBFS, 50%) and min_packets, all checked in that order", () => {
    assert.deepEqual(specsOf({ min_packets: "50", two_way: "true", max_gap: "300", tone: "440" }), [
      { kind: "tone", direction: "received", frequencyHz: 440, tolerance: 0.02, minShare: 0.8, minLevelDbfs: -40 },
      { kind: "silence-gap", direction: "received", maxGapMs: 300 },
      { kind: "two-way", minLevelDbfs: -40, minShare: 0.5 },
      { kind: "packets", minPacketsPerDirection: 50 },
    ]);
  });

  it("passes when the expected tone is heard", () => {
    const host = hostHearing({ sent: tone440, received: tone440 });
    assert.deepEqual(mustBuild("check_audio", { tone: "440", two_way: "true" }).execute(host), { ok: true });
  });

  it("fails with audio_check_failed, naming the check and its measured values, when silence comes back", () => {
    const host = hostHearing({ sent: tone440, received: silence });
    const reason = checkFailure(mustBuild("check_audio", { tone: "440" }).execute(host));
    assert.match(reason, /^check_audio tone 440 Hz on received audio: expected 440 Hz/);
    assert.match(reason, /0 % of 50 frames; .*median level -120 dBFS/);
  });

  it("fails on the wrong tone", () => {
    const result = mustBuild("check_audio", { tone: "440" }).execute(
      hostHearing({ sent: tone440, received: tone1000 }),
    );
    assert.match(checkFailure(result), /median frequency 100\d(\.\d+)? Hz/);
  });

  it("detects one-way audio", () => {
    const result = mustBuild("check_audio", { two_way: "true" }).execute(
      hostHearing({ sent: tone440, received: silence }),
    );
    assert.equal(result.ok ? "ok" : result.failure, "audio_check_failed");
    assert.match(result.ok ? "" : result.reason, /^check_audio two_way audio: one-way audio: /);
  });

  it("runs every check (each result is kept) and fails on the first failing one", () => {
    const host = hostHearing({ sent: tone440, received: silence });
    const result = mustBuild("check_audio", { max_gap: "100", tone: "440", min_packets: "10" }).execute(host);
    assert.equal(host.mediaControl?.calls.length, 3);
    assert.match(result.ok ? "" : result.reason, /^check_audio tone 440 Hz on received audio: /);
  });

  it("a check the pipeline cannot run fails the call with media_error", () => {
    const host = new FakeHost();
    host.mediaControl = undefined;
    const result = mustBuild("check_audio", { min_packets: "1" }).execute(host);
    assert.deepEqual(result, { ok: false, failure: "media_error", reason: "check_audio: this call has no media" });
  });

  it("needs at least one criterion", () => {
    assert.match(problemsOf({}), /needs at least one criterion: tone, max_gap, two_way="true" or min_packets/);
    assert.match(problemsOf({ two_way: "false" }), /needs at least one criterion/);
  });

  it("rejects a modifier that no given criterion uses", () => {
    assert.match(problemsOf({ max_gap: "300", tolerance: "2%" }), /'tolerance' applies to tone only/);
    assert.match(problemsOf({ min_packets: "5", min_level: "-30" }), /'min_level' applies to tone or two_way only/);
    assert.match(problemsOf({ two_way: "true", direction: "sent" }), /'direction' applies to tone or max_gap only/);
  });

  it("rejects ill-typed values, naming the attribute and what is allowed", () => {
    assert.match(problemsOf({ tone: "high" }), /attribute 'tone': "high" is not a frequency in Hz from 1 to 3999/);
    assert.match(
      problemsOf({ tone: "440", tolerance: "0" }),
      /'tolerance': "0" is not a share above 0% and below 100%/,
    );
    assert.match(
      problemsOf({ tone: "440", min_share: "80" }),
      /'min_share': "80" is not a share from 0% to 100% \(write 80% or 0\.8\)/,
    );
    assert.match(problemsOf({ tone: "440", min_level: "6" }), /'min_level': "6" is not a dBFS value from -120 to 0/);
    assert.match(problemsOf({ tone: "440", direction: "both" }), /"both" is not one of received, sent/);
    assert.match(problemsOf({ max_gap: "0" }), /'max_gap': "0" is not a number of ms greater than 0/);
    assert.match(problemsOf({ min_packets: "1.5" }), /'min_packets': "1.5" is not a packet count of 1 or more/);
    assert.match(problemsOf({ two_way: "yes" }), /"yes" is not a valid boolean/);
    assert.match(problemsOf({ tone: "440", loud: "1" }), /unknown attribute 'loud' \(allowed: tone, tolerance, /);
  });
});
