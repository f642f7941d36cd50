/**
 * Audio checks on per-frame summaries (frame-analysis.ts). Every result carries what was measured, with snake_case
 * keys as they appear in the call record, and a reason a person can read.
 *
 * - tone: the share of the direction's frames whose dominant frequency is within `tolerance` of the expected one
 *   AND whose level is at least `minLevelDbfs` must reach `minShare`. Frames without an estimate (frequency NaN,
 *   see AudioAnalyzer's `frequencyEveryFrames`) are left out of the count.
 * - silence-gap: the longest run of frames quieter than {@link SILENCE_THRESHOLD_DBFS} must not exceed `maxGapMs`.
 * - two-way: in each direction, the share of frames at `minLevelDbfs` or louder must reach `minShare`
 *   (one-way audio detection).
 * - packets: at least `minPacketsPerDirection` packets sent and received (SIPp -rtpcheck-like).
 * A direction with no frames at all fails the frame-based checks: there is nothing to vouch for.
 */
import type { AudioCheckResult, AudioCheckSpec, AudioDirection } from "../media-pipeline.js";
import { FRAME_MS, MIN_LEVEL_DBFS } from "./audio-format.js";
import type { FrameSummary } from "./frame-analysis.js";

/** A frame below this level counts as silence for the silence-gap check (G.711 idle noise is near −70 dBFS). */
export const SILENCE_THRESHOLD_DBFS = -55;

export interface PacketCounts {
  readonly sent: number;
  readonly received: number;
}

export function evaluateCheck(
  spec: AudioCheckSpec,
  sent: readonly FrameSummary[],
  received: readonly FrameSummary[],
  packets?: PacketCounts,
): AudioCheckResult {
  switch (spec.kind) {
    case "tone":
      return checkTone(spec, spec.direction === "sent" ? sent : received);
    case "silence-gap":
      return checkSilenceGap(spec, spec.direction === "sent" ? sent : received);
    case "two-way":
      return checkTwoWay(spec, sent, received);
    case "packets":
      return checkPackets(spec, packets);
  }
}

function checkTone(spec: Extract<AudioCheckSpec, { kind: "tone" }>, all: readonly FrameSummary[]): AudioCheckResult {
  const frames = all.filter((f) => !Number.isNaN(f.frequencyHz));
  const maxDeviation = spec.frequencyHz * spec.tolerance;
  let toneFrames = 0;
  const loudFrequencies: number[] = [];
  for (const f of frames) {
    if (f.levelDbfs < spec.minLevelDbfs) continue;
    loudFrequencies.push(f.frequencyHz);
    if (Math.abs(f.frequencyHz - spec.frequencyHz) <= maxDeviation) toneFrames++;
  }
  const share = frames.length === 0 ? 0 : toneFrames / frames.length;
  const frequencyHz = median(loudFrequencies) ?? 0;
  const levelDbfs = median(frames.map((f) => f.levelDbfs)) ?? MIN_LEVEL_DBFS;
  const passed = frames.length > 0 && share >= spec.minShare;
  const wanted =
    `${spec.frequencyHz} Hz ±${percent(spec.tolerance)} at ${spec.minLevelDbfs} dBFS or louder ` +
    `in ${percent(spec.minShare)} of the ${spec.direction} frames`;
  const found =
    frames.length === 0
      ? `no ${spec.direction} frames`
      : `${percent(share)} of ${frames.length} frames; loud frames' median frequency ${round(frequencyHz)} Hz, ` +
        `median level ${round(levelDbfs)} dBFS`;
  return {
    kind: "tone",
    passed,
    measured: {
      frames: frames.length,
      tone_frames: toneFrames,
      share: round(share, 4),
      frequency_hz: round(frequencyHz),
      level_dbfs: round(levelDbfs),
    },
    reason: `${passed ? "found" : "expected"} ${wanted}: ${found}`,
  };
}

function checkSilenceGap(
  spec: Extract<AudioCheckSpec, { kind: "silence-gap" }>,
  frames: readonly FrameSummary[],
): AudioCheckResult {
  let longest = 0;
  let run = 0;
  for (const f of frames) {
    run = f.levelDbfs < SILENCE_THRESHOLD_DBFS ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  const longestMs = longest * FRAME_MS;
  const passed = frames.length > 0 && longestMs <= spec.maxGapMs;
  const found =
    frames.length === 0
      ? `no ${spec.direction} frames`
      : `longest ${spec.direction} silence ${longestMs} ms in ${frames.length * FRAME_MS} ms`;
  return {
    kind: "silence-gap",
    passed,
    measured: { frames: frames.length, longest_gap_ms: longestMs, max_gap_ms: spec.maxGapMs },
    reason: `${found} (limit ${spec.maxGapMs} ms, silence below ${SILENCE_THRESHOLD_DBFS} dBFS)`,
  };
}

function checkTwoWay(
  spec: Extract<AudioCheckSpec, { kind: "two-way" }>,
  sent: readonly FrameSummary[],
  received: readonly FrameSummary[],
): AudioCheckResult {
  const shareOf = (frames: readonly FrameSummary[]): number =>
    frames.length === 0 ? 0 : frames.filter((f) => f.levelDbfs >= spec.minLevelDbfs).length / frames.length;
  const shares: Record<AudioDirection, number> = { sent: shareOf(sent), received: shareOf(received) };
  const silent = (["sent", "received"] as const).filter((d) => shares[d] < spec.minShare);
  const passed = silent.length === 0;
  const detail =
    `sent audio in ${percent(shares.sent)} of ${sent.length} frames, received in ${percent(shares.received)} of ` +
    `${received.length} (need ${percent(spec.minShare)} at ${spec.minLevelDbfs} dBFS or louder)`;
  const verdict = passed ? "two-way audio" : silent.length === 2 ? "no audio either way" : `one-way audio`;
  return {
    kind: "two-way",
    passed,
    measured: {
      sent_frames: sent.length,
      received_frames: received.length,
      sent_share: round(shares.sent, 4),
      received_share: round(shares.received, 4),
    },
    reason: `${verdict}: ${detail}`,
  };
}

function checkPackets(
  spec: Extract<AudioCheckSpec, { kind: "packets" }>,
  packets: PacketCounts | undefined,
): AudioCheckResult {
  if (packets === undefined) {
    return { kind: "packets", passed: false, measured: {}, reason: "packet counts are not available" };
  }
  const passed = packets.sent >= spec.minPacketsPerDirection && packets.received >= spec.minPacketsPerDirection;
  return {
    kind: "packets",
    passed,
    measured: { sent_packets: packets.sent, received_packets: packets.received },
    reason:
      `${packets.sent} packets sent, ${packets.received} received ` +
      `(need ${spec.minPacketsPerDirection} per direction)`,
  };
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function percent(share: number): string {
  return `${round(share * 100, 1)} %`;
}
