/**
 * SIPp's `-trace_stat` CSV: the columns of SIPp 3.6.1 in SIPp's order (CStat::dumpData), so tools that read
 * columns by position keep working (SIPp regress #0152 reads columns 12 and 18).
 *
 * Column layout, checked against real sipp 3.6.1 output:
 *   StartTime LastResetTime CurrentTime ElapsedTime(P) ElapsedTime(C) TargetRate CallRate(P) CallRate(C)
 *   IncomingCall(P/C) OutgoingCall(P/C) TotalCallCreated CurrentCall SuccessfulCall(P/C) FailedCall(P/C)
 *   Failed<class>(P/C) x 17, OutOfCallMsgs DeadCallMsgs Retransmissions AutoAnswered Warnings FatalErrors
 *   WatchdogMajor WatchdogMinor (P/C each), per RTD: ResponseTime<n>(P/C) ResponseTime<n>StDev(P/C),
 *   CallLength(P/C) CallLengthStDev(P/C), user counters <name>(P/C), per RTD ResponseTimeRepartition<n> buckets,
 *   CallLengthRepartition buckets. Every field, the last one included, is followed by the delimiter.
 */
import { FAILURE_CLASSES, SIPP_FAILURE_COLUMN, type FailureClass } from "../../shared/failure.js";
import type { DurationStats, PairCount, StatsSnapshot } from "./statistics.js";
import { TraceFile } from "./trace-file.js";
import { formatG, formatHhMmSs, formatHhMmSsUs, formatSippDate } from "./trace-format.js";

/** The failure classes that have a SIPp column, in SIPp's column order. */
const SIPP_FAILURES: readonly [FailureClass, string][] = FAILURE_CLASSES.flatMap((f) => {
  const column = SIPP_FAILURE_COLUMN[f];
  return column === undefined ? [] : [[f, column] as [FailureClass, string]];
});

const TAIL_COUNTERS = ["OutOfCallMsgs", "DeadCallMsgs", "Retransmissions", "AutoAnswered", "Warnings", "FatalErrors"];

export interface StatCsvWriterOptions {
  path: string;
  /** -stat_delimiter (SIPp default ";"). */
  delimiter?: string;
}

function pc(name: string): string[] {
  return [`${name}(P)`, `${name}(C)`];
}

function repartitionHeader(name: string, edges: readonly number[]): string[] {
  // SIPp behaviour (CStat::sRepartitionHeader): a column named after the repartition, then one per bucket.
  if (edges.length === 0) return [];
  const cols = [name, ...edges.map((e) => `${name}_<${e}`)];
  cols.push(`${name}_>=${edges[edges.length - 1] ?? 0}`);
  return cols;
}

function repartitionRow(d: DurationStats): string[] {
  // SIPp behaviour (CStat::sRepartitionInfo): the name column is left empty.
  if (d.repartition.edges.length === 0) return [];
  return ["", ...d.repartition.counts.map(String)];
}

/** The header fields for a snapshot's RTDs, counters and repartitions. */
export function statCsvHeader(s: StatsSnapshot): string[] {
  const cols = ["StartTime", "LastResetTime", "CurrentTime", ...pc("ElapsedTime"), "TargetRate", ...pc("CallRate")];
  cols.push(...pc("IncomingCall"), ...pc("OutgoingCall"), "TotalCallCreated", "CurrentCall");
  cols.push(...pc("SuccessfulCall"), ...pc("FailedCall"));
  for (const [, column] of SIPP_FAILURES) cols.push(...pc(column));
  for (const t of TAIL_COUNTERS) cols.push(...pc(t));
  cols.push(...pc("WatchdogMajor"), ...pc("WatchdogMinor"));
  for (const r of s.rtds) cols.push(...pc(`ResponseTime${r.name}`), ...pc(`ResponseTime${r.name}StDev`));
  cols.push(...pc("CallLength"), ...pc("CallLengthStDev"));
  // SIPp behaviour: a purely numeric counter name is written as GenericCounter<n>.
  for (const c of s.counters) cols.push(...pc(/^\d+$/.test(c.name) ? `GenericCounter${c.name}` : c.name));
  for (const r of s.rtds)
    cols.push(...repartitionHeader(`ResponseTimeRepartition${r.name}`, r.stats.repartition.edges));
  cols.push(...repartitionHeader("CallLengthRepartition", s.callLength.repartition.edges));
  return cols;
}

function pair(p: PairCount): string[] {
  return [String(p.periodic), String(p.cumulative)];
}

/** One data row for a snapshot, field for field under {@link statCsvHeader}. */
export function statCsvRow(s: StatsSnapshot): string[] {
  const row = [
    formatSippDate(s.startWallMs),
    formatSippDate(s.periodStartWallMs),
    formatSippDate(s.wallMs),
    formatHhMmSs(s.periodElapsedMs),
    formatHhMmSs(s.elapsedMs),
    formatG(s.target),
    formatG(s.callRate.periodic),
    formatG(s.callRate.cumulative),
    ...pair(s.incoming),
    ...pair(s.outgoing),
    String(s.created.cumulative),
    String(s.current),
    ...pair(s.succeeded),
    ...pair(s.failed),
  ];
  for (const [f] of SIPP_FAILURES) row.push(...pair(s.failures[f]));
  for (const p of [s.outOfCall, s.deadCall, s.retransmissions, s.autoAnswered, s.warnings, s.fatalErrors]) {
    row.push(...pair(p));
  }
  // No watchdog in sipwright: the columns stay for position compatibility.
  row.push("0", "0", "0", "0");
  const dur = (d: DurationStats): string[] => [
    formatHhMmSsUs(d.periodic.mean),
    formatHhMmSsUs(d.mean),
    formatHhMmSsUs(d.periodic.stdev),
    formatHhMmSsUs(d.stdev),
  ];
  for (const r of s.rtds) row.push(...dur(r.stats));
  row.push(...dur(s.callLength));
  for (const c of s.counters) row.push(...pair(c.value));
  for (const r of s.rtds) row.push(...repartitionRow(r.stats));
  row.push(...repartitionRow(s.callLength));
  return row;
}

/**
 * Writes the stat CSV: the header before the first row, then one row per `writeRow` (the caller writes one at
 * start, one per `-fd` period, and a final one, like SIPp).
 */
export class StatCsvWriter {
  readonly #file: TraceFile;
  readonly #delimiter: string;
  #headerWritten = false;

  constructor(opts: StatCsvWriterOptions) {
    this.#file = new TraceFile(opts.path);
    this.#delimiter = opts.delimiter ?? ";";
  }

  get path(): string {
    return this.#file.path;
  }

  writeRow(snapshot: StatsSnapshot): void {
    if (this.#file.closed) return;
    const d = this.#delimiter;
    if (!this.#headerWritten) {
      this.#headerWritten = true;
      this.#file.write(
        statCsvHeader(snapshot)
          .map((c) => c + d)
          .join("") + "\n",
      );
    }
    this.#file.write(
      statCsvRow(snapshot)
        .map((c) => c + d)
        .join("") + "\n",
    );
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}
