/**
 * summary.json from a run's statistics: the engine's view (StatsSnapshot, RunConfig) turned into the records layer's
 * Summary shape (src/records/summary.ts, documented in docs/summary.md).
 */
import { FAILURE_CLASSES, type FailureClass } from "../../shared/failure.js";
import { SUMMARY_SCHEMA, type Summary, type SummaryDuration, type SummaryMedia } from "../../records/summary.js";
import type { RunConfig } from "../run/run-config.js";
import type { DurationStats, StatsSnapshot } from "./statistics.js";

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
  /** Media totals, when the run had media. */
  readonly media?: SummaryMedia | undefined;
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
      aborted: s.aborted.cumulative,
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
    connections_refused: s.connectionsRefused.cumulative,
    connections_idle_closed: s.connectionsIdleClosed.cumulative,
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
    media: input.media ?? null,
  };
}
