/**
 * `<check_audio .../>` (ours): check the call's audio so far. Each criterion is one check, evaluated in this order:
 * - `tone="440"`: the tone is present — `tolerance` (default 2%; `2%` or `0.02`), `min_share` of the frames
 *   (default 80%), `min_level` dBFS (default -40), `direction="received|sent"` (default received);
 * - `max_gap="300"`: no silence longer than this many ms in `direction`;
 * - `two_way="true"`: audio in both directions (one-way audio detection) — `min_level` (default -40 dBFS) in
 *   `min_share` of the frames (default 50%);
 * - `min_packets="50"`: at least this many packets sent and received (SIPp -rtpcheck-like).
 * Every check runs and its result is kept for the call record; the first one that fails fails the call with
 * `audio_check_failed`, the check and its measured values in the reason. A modifier that no criterion given uses, or
 * no criterion at all, is a load error.
 */
import type { AudioCheckResult, AudioCheckSpec, AudioDirection } from "../../media/media-pipeline.js";
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK, type SettledActionResult } from "../runtime.js";
import { runMedia } from "./media-result.js";
import { parseFiniteValue, parseIntegerValue, parseShareValue } from "./media-values.js";

export const CHECK_AUDIO_ATTRIBUTES = [
  "tone",
  "tolerance",
  "min_share",
  "min_level",
  "direction",
  "max_gap",
  "two_way",
  "min_packets",
] as const;

const CHECK_AUDIO_DEFAULTS = {
  tolerance: 0.02,
  toneMinShare: 0.8,
  twoWayMinShare: 0.5,
  minLevelDbfs: -40,
  direction: "received",
} as const;

const DIRECTIONS: readonly AudioDirection[] = ["received", "sent"];

/** The criteria, in the order their checks run. */
const CRITERIA: readonly string[] = ["tone", "max_gap", "two_way", "min_packets"];

/** Which criteria each modifier applies to. */
const MODIFIERS: readonly (readonly [string, readonly string[]])[] = [
  ["tolerance", ["tone"]],
  ["min_share", ["tone", "two_way"]],
  ["min_level", ["tone", "two_way"]],
  ["direction", ["tone", "max_gap"]],
];

export function buildCheckAudio(a: ActionAttributes): Action | undefined {
  const specs = parseChecks(a);
  if (specs === undefined || a.failed) return undefined;
  return {
    name: "check_audio",
    loc: a.loc,
    media: true,
    execute: (host) =>
      runMedia(host, "check_audio", (media) => {
        const results = specs.map((spec) => media.checkAudio(spec));
        // A call whose media runs on a worker answers its checks later: the call waits for them.
        if (results.some((result) => result instanceof Promise)) {
          return {
            ok: "later",
            settled: Promise.all(results.map(async (result) => result)).then((all) => judgeChecks(specs, all)),
          };
        }
        return judgeChecks(specs, results as AudioCheckResult[]);
      }),
  };
}

/** The first failed check fails the call (as the connection's failure when the connection was not up). */
function judgeChecks(specs: readonly AudioCheckSpec[], results: readonly AudioCheckResult[]): SettledActionResult {
  const index = results.findIndex((result) => !result.passed);
  const failed = results[index];
  const spec = specs[index];
  if (failed === undefined || spec === undefined) return ACTION_OK;
  const connection = failed.connectionFailure;
  if (connection !== undefined) return { ok: false, failure: connection.failure, reason: connection.reason };
  return { ok: false, failure: "audio_check_failed", reason: `check_audio ${describeCheck(spec)}: ${failed.reason}` };
}

/** How a failure reason names the check. */
function describeCheck(spec: AudioCheckSpec): string {
  switch (spec.kind) {
    case "tone":
      return `tone ${spec.frequencyHz} Hz on ${spec.direction} audio`;
    case "silence-gap":
      return `max_gap ${spec.maxGapMs} ms on ${spec.direction} audio`;
    case "two-way":
      return "two_way audio";
    case "packets":
      return `min_packets ${spec.minPacketsPerDirection} per direction`;
  }
}

function parseChecks(a: ActionAttributes): AudioCheckSpec[] | undefined {
  const twoWay = a.has("two_way") && a.bool("two_way", false);
  const criteria = CRITERIA.filter((name) => (name === "two_way" ? twoWay : a.has(name)));
  if (criteria.length === 0) {
    a.problem('needs at least one criterion: tone, max_gap, two_way="true" or min_packets');
    return undefined;
  }
  for (const [modifier, users] of MODIFIERS) {
    if (a.has(modifier) && !users.some((u) => criteria.includes(u))) {
      a.problem(`'${modifier}' applies to ${users.join(" or ")} only`);
    }
  }
  const direction = a.has("direction") ? a.choice("direction", DIRECTIONS) : CHECK_AUDIO_DEFAULTS.direction;
  const minLevelDbfs =
    numberIn(a, "min_level", -120, 0, "a dBFS value from -120 to 0") ?? CHECK_AUDIO_DEFAULTS.minLevelDbfs;
  const minShare = share(a, "min_share", false);
  const specs: AudioCheckSpec[] = [];
  if (criteria.includes("tone")) {
    const frequencyHz = numberIn(a, "tone", 1, 3999, "a frequency in Hz from 1 to 3999");
    const tolerance = share(a, "tolerance", true) ?? CHECK_AUDIO_DEFAULTS.tolerance;
    if (frequencyHz !== undefined && direction !== undefined) {
      const toneShare = minShare ?? CHECK_AUDIO_DEFAULTS.toneMinShare;
      specs.push({ kind: "tone", direction, frequencyHz, tolerance, minShare: toneShare, minLevelDbfs });
    }
  }
  if (criteria.includes("max_gap")) {
    const maxGapMs = numberIn(a, "max_gap", 1, Infinity, "a number of ms greater than 0");
    if (maxGapMs !== undefined && direction !== undefined) specs.push({ kind: "silence-gap", direction, maxGapMs });
  }
  if (criteria.includes("two_way")) {
    specs.push({ kind: "two-way", minLevelDbfs, minShare: minShare ?? CHECK_AUDIO_DEFAULTS.twoWayMinShare });
  }
  if (criteria.includes("min_packets")) {
    const raw = a.optional("min_packets") ?? "";
    const minPacketsPerDirection = parseIntegerValue(raw);
    if (minPacketsPerDirection === undefined || minPacketsPerDirection < 1) {
      a.problem(`attribute 'min_packets': "${raw}" is not a packet count of 1 or more`);
    } else {
      specs.push({ kind: "packets", minPacketsPerDirection });
    }
  }
  return a.failed ? undefined : specs;
}

/** An optional number attribute within [min, max]; undefined when absent or after a problem. */
function numberIn(a: ActionAttributes, name: string, min: number, max: number, wanted: string): number | undefined {
  const raw = a.optional(name);
  if (raw === undefined) return undefined;
  const value = parseFiniteValue(raw);
  if (value === undefined || value < min || value > max) {
    a.problem(`attribute '${name}': "${raw}" is not ${wanted}`);
    return undefined;
  }
  return value;
}

/** An optional share (`80%` or `0.8`); a tolerance must also be above 0 and below 1. */
function share(a: ActionAttributes, name: string, tolerance: boolean): number | undefined {
  const raw = a.optional(name);
  if (raw === undefined) return undefined;
  const value = parseShareValue(raw);
  if (value === undefined || (tolerance && (value <= 0 || value >= 1))) {
    const range = tolerance ? "above 0% and below 100%" : "from 0% to 100%";
    const example = tolerance ? "2% or 0.02" : "80% or 0.8";
    a.problem(`attribute '${name}': "${raw}" is not a share ${range} (write ${example})`);
    return undefined;
  }
  return value;
}
