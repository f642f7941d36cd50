/**
 * summary.json: one JSON document per run with totals, rates, failure classes, RTD and call-length statistics
 * with their repartition buckets. snake_case keys, versioned by `schema`. Field reference: docs/summary.md.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { FAILURE_CLASSES, type FailureClass } from "../shared/failure.js";
import { SipwrightError } from "../shared/errors.js";
import type { RunConfig } from "../engine/run-config.js";
import type { DurationStats, StatsSnapshot } from "../engine/statistics.js";

export const SUMMARY_SCHEMA = "sipwright.summary/1";

export type SummaryConfig = Pick<
  RunConfig,
  "remoteHost" | "remotePort" | "transport" | "rate" | "ratePeriodMs" | "maxCalls" | "limit" | "users"
>;

export interface SummaryInput {
  runId: string;
  scenarioName: string;
  startWallMs: number;
  endWallMs: number;
  exitCode: number;
  snapshot: StatsSnapshot;
  config: SummaryConfig;
}

export interface SummaryBucket {
  /** Inclusive lower edge in ms. */
  lower_ms: number;
  /** Exclusive upper edge in ms; null for the last, open bucket. */
  upper_ms: number | null;
  count: number;
}

export interface SummaryDuration {
  count: number;
  mean_ms: number;
  stdev_ms: number;
  min_ms: number;
  max_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  histogram: SummaryBucket[];
}

export interface SummaryStep {
  index: number;
  sent: number;
  retransmitted: number;
  received: number;
  retransmissions_received: number;
  timeouts: number;
  unexpected: number;
}

export interface Summary {
  schema: typeof SUMMARY_SCHEMA;
  run_id: string;
  scenario: string;
  started_at: string;
  ended_at: string;
  duration_ms: number;
  exit_code: number;
  config: {
    remote: string | null;
    transport: string;
    rate: number;
    rate_period_ms: number;
    target_calls_per_second: number;
    max_calls: number | null;
    limit: number | null;
    users: number | null;
  };
  calls: {
    created: number;
    outgoing: number;
    incoming: number;
    successful: number;
    failed: number;
    active: number;
    peak_active: number;
  };
  calls_per_second: number;
  failures: Record<FailureClass, number>;
  retransmissions: number;
  unexpected_messages: number;
  timeouts: number;
  out_of_call: number;
  dead_call: number;
  auto_answered: number;
  warnings: number;
  fatal_errors: number;
  parse_errors: number;
  response_times: ({ name: string } & SummaryDuration)[];
  call_length: SummaryDuration;
  counters: Record<string, number>;
  steps: SummaryStep[];
}

/** Milliseconds to 3 decimals (microseconds), so the JSON stays readable. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function duration(d: DurationStats): SummaryDuration {
  const { edges, counts } = d.repartition;
  const histogram = counts.map((count, i) => ({
    lower_ms: i === 0 ? 0 : (edges[i - 1] ?? 0),
    upper_ms: edges[i] ?? null,
    count,
  }));
  return {
    count: d.count,
    mean_ms: round(d.mean),
    stdev_ms: round(d.stdev),
    min_ms: round(d.min),
    max_ms: round(d.max),
    p50_ms: round(d.p50),
    p95_ms: round(d.p95),
    p99_ms: round(d.p99),
    histogram,
  };
}

function remote(c: SummaryConfig): string | null {
  if (c.remoteHost === undefined) return null;
  const host = c.remoteHost.includes(":") ? `[${c.remoteHost}]` : c.remoteHost;
  return `${host}:${c.remotePort}`;
}

export function buildSummary(input: SummaryInput): Summary {
  const { snapshot: s, config: c } = input;
  const durationMs = Math.max(0, input.endWallMs - input.startWallMs);
  const failures = {} as Record<FailureClass, number>;
  for (const f of FAILURE_CLASSES) failures[f] = s.failures[f].cumulative;
  return {
    schema: SUMMARY_SCHEMA,
    run_id: input.runId,
    scenario: input.scenarioName,
    started_at: new Date(input.startWallMs).toISOString(),
    ended_at: new Date(input.endWallMs).toISOString(),
    duration_ms: round(durationMs),
    exit_code: input.exitCode,
    config: {
      remote: remote(c),
      transport: c.transport,
      rate: c.rate,
      rate_period_ms: c.ratePeriodMs,
      target_calls_per_second: c.ratePeriodMs > 0 ? round((c.rate * 1000) / c.ratePeriodMs) : 0,
      max_calls: c.maxCalls ?? null,
      limit: c.limit ?? null,
      users: c.users ?? null,
    },
    calls: {
      created: s.created.cumulative,
      outgoing: s.outgoing.cumulative,
      incoming: s.incoming.cumulative,
      successful: s.succeeded.cumulative,
      failed: s.failed.cumulative,
      active: s.current,
      peak_active: s.peakCurrent,
    },
    // Calls created per second over the whole run, the drain included (SIPp's CallRate(C)).
    calls_per_second: durationMs > 0 ? round((s.created.cumulative * 1000) / durationMs) : 0,
    failures,
    retransmissions: s.retransmissions.cumulative,
    unexpected_messages: s.unexpected.cumulative,
    timeouts: s.timeouts.cumulative,
    out_of_call: s.outOfCall.cumulative,
    dead_call: s.deadCall.cumulative,
    auto_answered: s.autoAnswered.cumulative,
    warnings: s.warnings.cumulative,
    fatal_errors: s.fatalErrors.cumulative,
    parse_errors: s.parseErrors.cumulative,
    response_times: s.rtds.map((r) => ({ name: r.name, ...duration(r.stats) })),
    call_length: duration(s.callLength),
    counters: Object.fromEntries(s.counters.map((k) => [k.name, k.value.cumulative])),
    steps: s.steps.map((st, index) => ({
      index,
      sent: st.sent,
      retransmitted: st.retransmitted,
      received: st.received,
      retransmissions_received: st.retransReceived,
      timeouts: st.timeouts,
      unexpected: st.unexpected,
    })),
  };
}

/** Writes summary.json atomically: a temporary file in the same folder, then a rename. */
export async function writeSummary(path: string, summary: Summary): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, JSON.stringify(summary, null, 2) + "\n", "utf8");
    await rename(tmp, path);
  } catch (error) {
    // The failure propagates as a typed error below. Removing the temporary file is best effort: when even that
    // fails (e.g. the folder is not a folder), there is no temporary file to leave behind, so its error is dropped.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new SipwrightError(
      "FILE_ERROR",
      `cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}
