/**
 * One job's Server-Sent Events (`GET /api/jobs/:id/events`) as Preact state: the job (from `state` and `end`), the
 * latest `counters`, the time series the live chart draws, and the finished calls from `record`. EventSource
 * reconnects by itself; a late connection gets the current state first (the server sends it on connect).
 */
import { useEffect, useState } from "preact/hooks";
import { authorisedUrl, type CallRecord, type Counters, type Job, type JobStatus } from "./api.ts";

/** How many finished calls the live table keeps in memory (newest first); the records API has them all. */
export const LIVE_RECORDS_KEPT = 2000;
const SERIES_KEPT = 3600;

export interface Series {
  readonly seconds: number[];
  readonly callsPerSecond: number[];
  readonly active: number[];
}

export interface JobEvents {
  readonly job: Job | null;
  readonly counters: Counters | null;
  readonly series: Series;
  readonly records: readonly CallRecord[];
  readonly recordsSeen: number;
  readonly connected: boolean;
  readonly ended: boolean;
}

interface StatePayload {
  readonly job: Job;
  readonly counters: Counters | null;
}

function emptyState(): JobEvents {
  return {
    job: null,
    counters: null,
    series: { seconds: [], callsPerSecond: [], active: [] },
    records: [],
    recordsSeen: 0,
    connected: false,
    ended: false,
  };
}

function appendPoint(series: Series, counters: Counters): Series {
  const last = series.seconds[series.seconds.length - 1];
  const t = counters.t_ms / 1000;
  if (last !== undefined && t <= last) return series;
  const keep = <T>(values: T[], value: T): T[] => [...values, value].slice(-SERIES_KEPT);
  return {
    seconds: keep(series.seconds, t),
    callsPerSecond: keep(series.callsPerSecond, counters.calls_per_s),
    active: keep(series.active, counters.calls.active),
  };
}

export function isFinished(status: JobStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "stopped";
}

function parse(event: Event): unknown {
  try {
    return JSON.parse((event as MessageEvent<string>).data);
  } catch {
    return undefined;
  }
}

export function useJobEvents(jobId: string): JobEvents {
  const [state, setState] = useState<JobEvents>(emptyState);

  useEffect(() => {
    setState(emptyState());
    const source = new EventSource(authorisedUrl(`/api/jobs/${encodeURIComponent(jobId)}/events`));
    const seenCalls = new Set<number>();
    let live = false;
    source.addEventListener("open", () => setState((s) => ({ ...s, connected: true })));
    source.addEventListener("error", () => setState((s) => ({ ...s, connected: false })));
    source.addEventListener("state", (event) => {
      const data = parse(event) as StatePayload | undefined;
      if (data === undefined) return;
      const finished = isFinished(data.job.status);
      setState((s) => ({
        ...s,
        job: data.job,
        counters: data.counters ?? s.counters,
        series: data.counters === null ? s.series : appendPoint(s.series, data.counters),
        ended: s.ended || finished,
      }));
      // A job that had ended before we connected has nothing more to say (the records API has its calls); a job
      // watched live ends with its final counters and `end`.
      if (finished && !live) source.close();
      if (!finished) live = true;
    });
    source.addEventListener("counters", (event) => {
      const data = parse(event) as Counters | undefined;
      if (data === undefined) return;
      live = true;
      setState((s) => ({ ...s, counters: data, series: appendPoint(s.series, data) }));
    });
    source.addEventListener("record", (event) => {
      const data = parse(event) as { record: CallRecord } | undefined;
      if (data === undefined) return;
      const key = data.record.call_number;
      if (seenCalls.has(key)) return;
      seenCalls.add(key);
      setState((s) => ({
        ...s,
        records: [data.record, ...s.records].slice(0, LIVE_RECORDS_KEPT),
        recordsSeen: s.recordsSeen + 1,
      }));
    });
    source.addEventListener("end", (event) => {
      const data = parse(event) as { job: Job } | undefined;
      if (data === undefined) return;
      setState((s) => ({ ...s, job: data.job, ended: true }));
      source.close();
    });
    return () => source.close();
  }, [jobId]);

  return state;
}
