/**
 * Pieces of bench/serve.ts shared by its signalling-only and its WebRTC mode: a CPU / RSS tracker of a pid, the
 * serve process (started, its base URL read from stdout), a job created through the API, and one SSE client that
 * reads a job's event stream to its `end` event.
 */
import { request } from "node:http";
import { SIPWRIGHT_BIN } from "../test/helpers/compiled-build.js";
import { LOOPBACK } from "../test/helpers/free-port.js";
import { startProcess, type StartedProcess } from "../test/helpers/processes.js";
import { cpuSeconds, procText, rssKiB } from "./proc-sampling.js";

export function cli(a: readonly string[]): Promise<StartedProcess> {
  return startProcess(process.execPath, [SIPWRIGHT_BIN, ...a], { outputLimitBytes: 64 * 1024 });
}

export interface Tracker {
  /** CPU seconds used between the first and the last sample, and the highest RSS seen (KiB). */
  stop(): Promise<{ cpu: number; maxRssKiB: number }>;
}

/** Samples a pid's CPU and RSS every 200 ms; the last values read before it exits. */
export function cpuTracker(pid: () => number | undefined): Tracker {
  let last = 0;
  let first: number | undefined;
  let maxRssKiB = 0;
  const state = { stopped: false };
  const loop = (async () => {
    while (!state.stopped) {
      const p = pid();
      const cpu = p === undefined ? undefined : await cpuSeconds(p);
      const rss = p === undefined ? undefined : await rssKiB(p);
      if (cpu !== undefined) {
        first ??= cpu;
        last = cpu;
      }
      if (rss !== undefined) maxRssKiB = Math.max(maxRssKiB, rss);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    async stop() {
      state.stopped = true;
      await loop;
      return { cpu: last - (first ?? last), maxRssKiB };
    },
  };
}

export async function childPid(parent: number): Promise<number | undefined> {
  const text = await procText(`/proc/${parent}/task/${parent}/children`);
  const first = text?.trim().split(/\s+/)[0];
  return first === undefined || first === "" ? undefined : Number(first);
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

/** `sipwright serve` on 127.0.0.1, port 0; resolves with the process and its base URL. */
export async function startServe(dataDir: string): Promise<{ serve: StartedProcess; base: string }> {
  const serve = await cli(["serve", "--listen", `${LOOPBACK}:0`, "--data", dataDir]);
  const deadline = Date.now() + 30_000;
  while (!/listening on (http:\/\/\S+)\//.test(serve.stdout()) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const base = /listening on (http:\/\/\S+)\//.exec(serve.stdout())?.[1];
  if (base === undefined) throw new Error(`serve did not start:\n${serve.stderr()}`);
  return { serve, base };
}

export async function createJob(base: string, body: { args: string[]; scenario_xml?: string }): Promise<string> {
  const res = await fetch(`${base}/api/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const job = (await res.json()) as { id?: string; error?: string };
  if (res.status !== 201 || job.id === undefined)
    throw new Error(`POST /api/jobs: ${res.status} ${JSON.stringify(job)}`);
  return job.id;
}

export interface Watched {
  /** Per `record` event: its arrival time minus the record's `ended_at`, ms. */
  readonly latencies: number[];
  readonly records: number;
  readonly counters: number;
  /** The last `counters` event's data (the one with `final: true` when the job ended normally). */
  readonly lastCounters: unknown;
}

/** One SSE client on a job's event stream, to its `end` event. */
export function watchJob(base: string, jobId: string): Promise<Watched> {
  const latencies: number[] = [];
  let records = 0;
  let counters = 0;
  let lastCounters: unknown;
  return new Promise<Watched>((resolve, reject) => {
    const req = request(`${base}/api/jobs/${jobId}/events`, (r) => {
      let buffer = "";
      r.setEncoding("utf8");
      r.on("data", (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (\w+)/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type === "record" && data !== undefined) {
            const rec = (JSON.parse(data) as { record: { ended_at: string } }).record;
            latencies.push(Date.now() - Date.parse(rec.ended_at));
            records++;
          } else if (type === "counters" && data !== undefined) {
            counters++;
            lastCounters = JSON.parse(data) as unknown;
          } else if (type === "end") {
            req.destroy();
            latencies.sort((a, b) => a - b);
            resolve({ latencies, records, counters, lastCounters });
          }
        }
      });
    });
    req.on("error", reject);
    req.end();
  });
}
