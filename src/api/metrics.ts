/** `GET /metrics`: Prometheus text format (prom-client), read from the job list when scraped. */
import { Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { JobManager } from "./jobs.js";
import { isRunning } from "./job.js";

const STATUSES = ["running", "stopping", "succeeded", "failed", "stopped"] as const;

export function createMetrics(jobs: JobManager): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: "sipwright_jobs",
    help: "Jobs by status",
    labelNames: ["status"],
    registers: [registry],
    collect() {
      this.reset();
      const all = jobs.list();
      for (const status of STATUSES) this.set({ status }, all.filter((j) => j.status === status).length);
    },
  });
  const running = (): { id: string; counters: NonNullable<ReturnType<JobManager["latestCounters"]>> }[] =>
    jobs
      .list()
      .filter(isRunning)
      .map((j) => ({ id: j.id, counters: jobs.latestCounters(j.id) }))
      .filter((e): e is { id: string; counters: NonNullable<typeof e.counters> } => e.counters !== null);
  new Gauge({
    name: "sipwright_job_calls",
    help: "Latest call counters of running jobs",
    labelNames: ["job_id", "kind"],
    registers: [registry],
    collect() {
      this.reset();
      for (const { id, counters } of running()) {
        for (const [kind, n] of Object.entries(counters.calls)) this.set({ job_id: id, kind }, n);
      }
    },
  });
  new Gauge({
    name: "sipwright_job_calls_per_second",
    help: "Calls created per second over the last second, running jobs",
    labelNames: ["job_id"],
    registers: [registry],
    collect() {
      this.reset();
      for (const { id, counters } of running()) this.set({ job_id: id }, counters.calls_per_s);
    },
  });
  new Gauge({
    name: "sipwright_job_retransmissions",
    help: "Retransmissions sent, running jobs",
    labelNames: ["job_id"],
    registers: [registry],
    collect() {
      this.reset();
      for (const { id, counters } of running()) this.set({ job_id: id }, counters.retransmissions);
    },
  });
  return registry;
}
