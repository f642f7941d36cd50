/**
 * What bench/webrtc.ts makes of one pair run: set-up latencies (percentiles over the calls) and, for the
 * concurrency steps, CPU and RSS per call over the all-calls-up window, loss and pacing. Everything that makes a
 * step's figures not a clean measurement is listed in `problems`, in words.
 */
import type { TransportMode } from "../src/engine/run/run-config.js";
import type { CallRecord } from "../src/records/call-record.js";
import type { SummaryMedia } from "../src/records/summary.js";
import type { PairRun, PairSample } from "./webrtc-pair.js";

/** Rate phase: a rate is clean only with answer p95 and first-RTP p95 (UAC, end to end) under these. */
export const ANSWER_P95_LIMIT_MS = 200;
export const MEDIA_P95_LIMIT_MS = 1000;
/** The window opens this long after the last call's first RTP and closes this long before the first call ends. */
const WINDOW_OPEN_MARGIN_MS = 500;
const WINDOW_CLOSE_MARGIN_MS = 250;

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentiles; null for no values. */
export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { n: sorted.length, p50: round(at(50), 1), p95: round(at(95), 1), max: round(at(100), 1) };
}

type Timing = keyof NonNullable<CallRecord["webrtc"]>["timings_ms"];

function timing(records: readonly CallRecord[], name: Timing): Percentiles | null {
  return percentiles(records.flatMap((r) => r.webrtc?.timings_ms[name] ?? []));
}

export interface SideTimings {
  /** ms from the bridge's creation: offer or answer ready, ICE connected, DTLS connected, first RTP received. */
  ready: Percentiles | null;
  ice: Percentiles | null;
  dtls: Percentiles | null;
  first_rtp: Percentiles | null;
  /** ms from ICE connected to DTLS connected, and to the first RTP received (issue 8: tens of ms on loopback). */
  ice_to_dtls: Percentiles | null;
  ice_to_rtp: Percentiles | null;
  /** The DTLS role this side took (RFC 8842), as the records say. */
  dtls_role: string;
  /** Calls that never received RTP. */
  no_rtp: number;
}

function sinceIce(records: readonly CallRecord[], name: "dtls_connected" | "first_rtp"): Percentiles | null {
  return percentiles(
    records.flatMap((r) => {
      const t = r.webrtc?.timings_ms;
      const ice = t?.ice_connected ?? null;
      const at = t?.[name] ?? null;
      return ice === null || at === null ? [] : [at - ice];
    }),
  );
}

function sideTimings(records: readonly CallRecord[]): SideTimings {
  return {
    ready: timing(records, "offer_or_answer_ready"),
    ice: timing(records, "ice_connected"),
    dtls: timing(records, "dtls_connected"),
    first_rtp: timing(records, "first_rtp"),
    ice_to_dtls: sinceIce(records, "dtls_connected"),
    ice_to_rtp: sinceIce(records, "first_rtp"),
    dtls_role: [...new Set(records.map((r) => r.webrtc?.dtls.role ?? "none"))].join("/") || "none",
    no_rtp: records.filter((r) => (r.webrtc?.timings_ms.first_rtp ?? null) === null).length,
  };
}

function failureCounts(records: readonly CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) if (r.failure !== null) out[r.failure.class] = (out[r.failure.class] ?? 0) + 1;
  return out;
}

export interface SetupResult {
  phase: "latency" | "rate";
  /** The -t mode SIP ran over (`--sip-transport`). */
  transport: TransportMode;
  rate: number;
  calls: number;
  exits: { uac: string; uas: string };
  successful: { uac: number; uas: number };
  failures: { uac: Record<string, number>; uas: Record<string, number> };
  /** At the UAS: INVITE received -> 200 OK with [webrtc_answer] sent (-trace_shortmsg). */
  answer_ms: Percentiles | null;
  uac: SideTimings;
  uas: SideTimings;
  /** Rate phase: no problem, answer p95 and UAC first-RTP p95 under the limits. */
  clean: boolean;
  problems: string[];
}

/** Failed exits, failed or missing calls, calls without RTP, the pair's own notes. */
function commonProblems(calls: number, run: PairRun): string[] {
  const out = [...run.notes];
  for (const [name, exit, records] of [
    ["UAC", run.uacExit, run.uac],
    ["UAS", run.uasExit, run.uas],
  ] as const) {
    if (exit !== "0") out.push(`${name} exit ${exit}`);
    const ok = records.filter((r) => r.result === "success").length;
    if (ok !== calls) out.push(`${name}: ${ok}/${calls} calls successful ${JSON.stringify(failureCounts(records))}`);
    const noRtp = records.filter((r) => (r.webrtc?.timings_ms.first_rtp ?? null) === null).length;
    if (noRtp > 0) out.push(`${name}: ${noRtp} calls received no RTP`);
  }
  return out;
}

export function setupResult(
  phase: "latency" | "rate",
  transport: TransportMode,
  rate: number,
  calls: number,
  run: PairRun,
): SetupResult {
  const problems = commonProblems(calls, run);
  const answer = percentiles(run.answerMs);
  const uac = sideTimings(run.uac);
  const slow: string[] = [];
  if (answer !== null && answer.p95 > ANSWER_P95_LIMIT_MS) slow.push(`answer p95 ${answer.p95} ms`);
  if (uac.first_rtp !== null && uac.first_rtp.p95 > MEDIA_P95_LIMIT_MS)
    slow.push(`UAC first RTP p95 ${uac.first_rtp.p95} ms`);
  return {
    phase,
    transport,
    rate,
    calls,
    exits: { uac: run.uacExit, uas: run.uasExit },
    successful: {
      uac: run.uac.filter((r) => r.result === "success").length,
      uas: run.uas.filter((r) => r.result === "success").length,
    },
    failures: { uac: failureCounts(run.uac), uas: failureCounts(run.uas) },
    answer_ms: answer,
    uac,
    uas: sideTimings(run.uas),
    clean: problems.length === 0 && slow.length === 0 && answer !== null,
    problems: [...problems, ...slow],
  };
}

export interface SideLoad {
  /** Share of one core over the window (all threads). */
  core_share: number | null;
  /** core_share / N, in % of a core per call. */
  core_pct_per_call: number | null;
  rss_mb: number | null;
  /** (RSS at the end of the window − the UAS's RSS before its first call) / N. */
  rss_kb_per_call: number | null;
  /** (peak RSS of the whole run − the UAS's RSS before its first call) / N. */
  peak_rss_kb_per_call: number | null;
  media: SummaryMedia | null;
}

/** Which configuration a concurrency step ran and when. */
export interface StepMeta {
  /** `--media-workers` of both sides (null: not given). */
  media_workers: number | null;
  /** 1-based round (`--rounds`). */
  round: number;
  /** The host's 1-minute load average when the step started. */
  load_1m: number;
}

export interface ConcurrencyResult extends StepMeta {
  calls: number;
  ramp_rate: number;
  exits: { uac: string; uas: string };
  successful: { uac: number; uas: number };
  window_s: number | null;
  answer_ms: Percentiles | null;
  uac_first_rtp_ms: Percentiles | null;
  uac: SideLoad;
  uas: SideLoad;
  /** (UAC sent − UAS received) / UAC sent, and the other way. */
  shortfall: { uac_to_uas: number | null; uas_to_uac: number | null };
  problems: string[];
}

/** The samples bracketing the all-calls-up window, from the records' wall-clock times, or why there is none. */
function allUpWindow(run: PairRun): { start: PairSample; end: PairSample } | string {
  const firstRtp = [...run.uac, ...run.uas].map((r) => {
    const ms = r.webrtc?.timings_ms.first_rtp ?? null;
    return ms === null ? NaN : Date.parse(r.started_at) + ms;
  });
  if (firstRtp.length === 0 || firstRtp.some(Number.isNaN)) return "no window: some call never received RTP";
  const opens = Math.max(...firstRtp) + WINDOW_OPEN_MARGIN_MS;
  const closes = Math.min(...run.uac.map((r) => Date.parse(r.ended_at))) - WINDOW_CLOSE_MARGIN_MS;
  const inside = run.samples.filter((s) => s.wallMs >= opens && s.wallMs <= closes);
  const start = inside[0];
  const end = inside[inside.length - 1];
  if (start === undefined || end === undefined || end === start)
    return `no window: the last call's media started ${Math.round(opens - closes)} ms after the first call ended`;
  return { start, end };
}

function sideLoad(
  window: { start: PairSample; end: PairSample } | undefined,
  calls: number,
  idleRssKiB: number | undefined,
  peakRssKiB: number,
  media: SummaryMedia | null,
  pick: (s: PairSample) => readonly [number, number],
): SideLoad {
  const peak = idleRssKiB === undefined ? null : round((peakRssKiB - idleRssKiB) / calls, 0);
  if (window === undefined)
    return {
      core_share: null,
      core_pct_per_call: null,
      rss_mb: null,
      rss_kb_per_call: null,
      peak_rss_kb_per_call: peak,
      media,
    };
  const seconds = (window.end.wallMs - window.start.wallMs) / 1000;
  const share = (pick(window.end)[0] - pick(window.start)[0]) / seconds;
  const rss = pick(window.end)[1];
  return {
    core_share: round(share, 3),
    core_pct_per_call: round((share * 100) / calls, 3),
    rss_mb: round(rss / 1024, 1),
    rss_kb_per_call: idleRssKiB === undefined ? null : round((rss - idleRssKiB) / calls, 0),
    peak_rss_kb_per_call: peak,
    media,
  };
}

const shortfall = (sent: number | undefined, received: number | undefined): number | null =>
  sent === undefined || received === undefined || sent === 0 ? null : round((sent - received) / sent, 5);

export function concurrencyResult(calls: number, rampRate: number, run: PairRun, meta: StepMeta): ConcurrencyResult {
  const problems = commonProblems(calls, run);
  const found = allUpWindow(run);
  if (typeof found === "string") problems.push(found);
  const window = typeof found === "string" ? undefined : found;
  const uacMedia = run.uacSummary?.media ?? null;
  const uasMedia = run.uasSummary?.media ?? null;
  for (const [name, media] of [
    ["UAC", uacMedia],
    ["UAS", uasMedia],
  ] as const) {
    if ((media?.packets_lost ?? 0) > 0) problems.push(`${name}: ${media?.packets_lost} packets lost (sequence gaps)`);
    if ((media?.pacing.skipped_ticks ?? 0) > 0)
      problems.push(`${name}: media clock skipped ${media?.pacing.skipped_ticks} ticks`);
  }
  return {
    ...meta,
    calls,
    ramp_rate: rampRate,
    exits: { uac: run.uacExit, uas: run.uasExit },
    successful: {
      uac: run.uac.filter((r) => r.result === "success").length,
      uas: run.uas.filter((r) => r.result === "success").length,
    },
    window_s: window === undefined ? null : round((window.end.wallMs - window.start.wallMs) / 1000, 1),
    answer_ms: percentiles(run.answerMs),
    uac_first_rtp_ms: timing(run.uac, "first_rtp"),
    uac: sideLoad(window, calls, run.idleRssKiB, run.uacPeakRssKiB, uacMedia, (s) => [s.uacCpu, s.uacRssKiB]),
    uas: sideLoad(window, calls, run.idleRssKiB, run.uasPeakRssKiB, uasMedia, (s) => [s.uasCpu, s.uasRssKiB]),
    shortfall: {
      uac_to_uas: shortfall(uacMedia?.packets_sent, uasMedia?.packets_received),
      uas_to_uac: shortfall(uasMedia?.packets_sent, uacMedia?.packets_received),
    },
    problems,
  };
}
