/**
 * summary.json: one JSON document per run with totals, rates, failure classes, RTD and call-length statistics
 * with their repartition buckets. snake_case keys, versioned by `schema`. Field reference: docs/summary.md.
 */
import { rename, rm, writeFile } from "node:fs/promises";
import type { FailureClass } from "../shared/failure.js";
import { SipwrightError } from "../shared/errors.js";
import { makeParentDirs } from "../shared/make-dirs.js";

export const SUMMARY_SCHEMA = "sipwright.summary/1";

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
    /** Calls aborted when the run stopped (their records say failure.class "aborted"); not in `failed`. */
    aborted: number;
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
  /** Stream server connections refused beyond --max-connections. */
  connections_refused: number;
  /** Accepted stream connections closed after --idle-timeout without traffic. */
  connections_idle_closed: number;
  response_times: ({ name: string } & SummaryDuration)[];
  call_length: SummaryDuration;
  counters: Record<string, number>;
  steps: SummaryStep[];
  /** Media totals over the calls that had a media pipeline; null when the run had no media. */
  media: SummaryMedia | null;
}

export interface SummaryMedia {
  /** Calls that had a media pipeline. */
  calls: number;
  packets_sent: number;
  packets_received: number;
  octets_sent: number;
  octets_received: number;
  /** Received packets missing by sequence number, all calls. */
  packets_lost: number;
  /** Mean over the calls that received RTP of their final RFC 3550 interarrival jitter. */
  mean_jitter_ms: number;
  max_jitter_ms: number;
  dtmf_digits_sent: number;
  dtmf_digits_received: number;
  /** WAV files written. */
  recordings: number;
  /** Of those, the files that could not be finalised (their call records say which, and why). */
  recordings_incomplete: number;
  audio_checks_passed: number;
  audio_checks_failed: number;
  /** The shared 20 ms media clock: deviation of each tick from its due time. */
  pacing: {
    ticks: number;
    skipped_ticks: number;
    p50_deviation_ms: number;
    p99_deviation_ms: number;
    max_deviation_ms: number;
  };
}

/** Writes summary.json atomically: a temporary file in the same folder, then a rename. */
export async function writeSummary(path: string, summary: Summary): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    makeParentDirs(path);
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
