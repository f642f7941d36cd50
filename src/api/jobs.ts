/**
 * The jobs of a `sipwright serve`: created from API requests, run by a JobRunner, watched by a JobMonitor, and
 * recorded in their folders under the data folder (job.json plus the run's own files), from which a restarted
 * server lists them again. Events for the SSE streams go out through `on("event")`.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TypedEmitter } from "../shared/typed-emitter.js";
import type { CallRecord } from "../records/call-record.js";
import type { Summary } from "../records/summary.js";
import type { JobProcess, JobRunner } from "./job-runner.js";
import { JobMonitor, type CountersEvent } from "./job-monitor.js";
import { checkJobRequest, type CheckResult } from "./job-validate.js";
import {
  JUNIT_FILE,
  LIVE_FILE,
  LOG_FILE,
  MESSAGES_FILE,
  SCENARIO_FILE,
  SUMMARY_FILE,
  ZERO_COUNTS,
  isRunning,
  newJobId,
  readJob,
  saveJob,
  scenarioLabel,
  type Job,
  type JobCounts,
} from "./job.js";

export type JobEvent =
  | { type: "state"; data: { job_id: string; job: Job; counters: CountersEvent | null } }
  | { type: "counters"; data: CountersEvent }
  | { type: "record"; data: { job_id: string; record: CallRecord } }
  | { type: "end"; data: { job_id: string; job: Job } };

interface Events {
  event: JobEvent;
}

interface Live {
  readonly process: JobProcess;
  readonly monitor: JobMonitor;
  stops: number;
  killTimer: NodeJS.Timeout | undefined;
  readonly done: Promise<void>;
}

export interface CreateJobRequest {
  readonly name?: string | undefined;
  readonly args: readonly string[];
  readonly scenario_xml?: string | undefined;
}

/** A folder name the API can use as an id (no dot files, no separators). */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const LOG_TAIL_BYTES = 4096;
const KILL_AFTER_MS = 5000;

export function countsFromSummary(summary: Summary): JobCounts {
  const c = summary.calls;
  return { created: c.created, active: c.active, succeeded: c.successful, failed: c.failed, aborted: c.aborted };
}

async function readSummary(folder: string): Promise<Summary | undefined> {
  try {
    return JSON.parse(await readFile(join(folder, SUMMARY_FILE), "utf8")) as Summary;
  } catch {
    return undefined;
  }
}

async function logTail(path: string): Promise<string | null> {
  try {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - LOG_TAIL_BYTES);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      const text = buffer.toString("utf8");
      return (start > 0 ? text.slice(text.indexOf("\n") + 1) : text).trimEnd() || null;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

export class JobManager extends TypedEmitter<Events> {
  readonly dataDir: string;
  readonly #runner: JobRunner;
  readonly #allowExec: boolean;
  readonly #cwd: string;
  readonly #jobs = new Map<string, Job>();
  readonly #live = new Map<string, Live>();
  /** The last counters of each job watched since this server started (kept after the job ends). */
  readonly #lastCounters = new Map<string, CountersEvent>();

  constructor(opts: { dataDir: string; runner: JobRunner; allowExec: boolean; cwd: string }) {
    super();
    this.dataDir = opts.dataDir;
    this.#runner = opts.runner;
    this.#allowExec = opts.allowExec;
    this.#cwd = opts.cwd;
  }

  folder(id: string): string {
    return join(this.dataDir, id);
  }

  /**
   * Every job folder of the data folder not known yet; CLI runs (summary.json, no job.json) become finished jobs.
   * Called at start and again on each job listing, so a CLI run made into the data folder appears without a restart.
   */
  async load(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    for (const entry of await readdir(this.dataDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !SAFE_ID.test(entry.name) || this.#jobs.has(entry.name)) continue;
      const folder = this.folder(entry.name);
      const saved = await readJob(folder);
      if (saved !== undefined) {
        if (isRunning(saved)) {
          const summary = await readSummary(folder);
          Object.assign(saved, {
            status: "failed",
            reason: "server restarted while the job ran",
            ended_at: saved.ended_at ?? summary?.ended_at ?? new Date().toISOString(),
            log_tail: await logTail(join(folder, LOG_FILE)),
            counts: summary === undefined ? saved.counts : countsFromSummary(summary),
          });
          await saveJob(folder, saved);
        }
        this.#jobs.set(saved.id, { ...saved, id: entry.name });
        continue;
      }
      const summary = await readSummary(folder);
      if (summary === undefined) continue;
      this.#jobs.set(entry.name, {
        id: entry.name,
        name: entry.name,
        status: summary.exit_code === 0 ? "succeeded" : "failed",
        created_at: summary.started_at,
        started_at: summary.started_at,
        ended_at: summary.ended_at,
        args: [],
        scenario: summary.scenario,
        exit_code: summary.exit_code,
        signal: null,
        reason: summary.exit_code === 0 ? null : `exit code ${summary.exit_code}`,
        log_tail: null,
        counts: countsFromSummary(summary),
      });
    }
  }

  list(): Job[] {
    return [...this.#jobs.values()].sort((a, b) => b.created_at.localeCompare(a.created_at) || (b.id < a.id ? -1 : 1));
  }

  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  latestCounters(id: string): CountersEvent | null {
    return this.#lastCounters.get(id) ?? null;
  }

  runningCount(): number {
    return this.#live.size;
  }

  check(request: CreateJobRequest): Promise<CheckResult> {
    return checkJobRequest(request.args, request.scenario_xml, { allowExec: this.#allowExec, cwd: this.#cwd });
  }

  /** Checks, then starts; `{ ok: false }` when refused (nothing was started). */
  async create(request: CreateJobRequest): Promise<{ ok: true; job: Job } | Extract<CheckResult, { ok: false }>> {
    const checked = await this.check(request);
    if (!checked.ok) return checked;
    const now = new Date();
    let id = newJobId(now, randomBytes(2).toString("hex"));
    while (this.#jobs.has(id)) id = newJobId(now, randomBytes(3).toString("hex"));
    const folder = this.folder(id);
    await mkdir(folder, { recursive: true });
    const hasXml = request.scenario_xml !== undefined;
    if (hasXml) await writeFile(join(folder, SCENARIO_FILE), request.scenario_xml ?? "", "utf8");
    const job: Job = {
      id,
      name: request.name ?? id,
      status: "running",
      created_at: now.toISOString(),
      started_at: now.toISOString(),
      ended_at: null,
      args: [...request.args],
      scenario: scenarioLabel(request.args, hasXml),
      exit_code: null,
      signal: null,
      reason: null,
      log_tail: null,
      counts: { ...ZERO_COUNTS },
    };
    this.#jobs.set(id, job);
    await saveJob(folder, job);
    this.#start(job, folder, hasXml);
    return { ok: true, job };
  }

  #start(job: Job, folder: string, hasXml: boolean): void {
    const args = [
      ...job.args,
      ...(hasXml ? ["-sf", join(folder, SCENARIO_FILE)] : []),
      "--out",
      folder,
      "-trace_msg",
      "-message_file",
      join(folder, MESSAGES_FILE),
      "--junit",
      join(folder, JUNIT_FILE),
      "--live-stats",
      join(folder, LIVE_FILE),
    ];
    const monitor = new JobMonitor({
      jobId: job.id,
      folder,
      args: job.args,
      onCounters: (counters) => {
        job.counts = { ...counters.calls };
        this.#lastCounters.set(job.id, counters);
        this.emit("event", { type: "counters", data: counters });
      },
      onRecord: (record) => this.emit("event", { type: "record", data: { job_id: job.id, record } }),
    });
    const process = this.#runner.start({ id: job.id, args, logPath: join(folder, LOG_FILE) });
    monitor.start();
    const live: Live = {
      process,
      monitor,
      stops: 0,
      killTimer: undefined,
      done: process.exited.then((exit) => this.#finish(job, folder, live, exit)),
    };
    this.#live.set(job.id, live);
  }

  async #finish(
    job: Job,
    folder: string,
    live: Live,
    exit: { code: number | null; signal: string | null; error: string | null },
  ): Promise<void> {
    if (live.killTimer !== undefined) clearTimeout(live.killTimer);
    await live.monitor.stop().catch(() => undefined);
    const summary = await readSummary(folder);
    const stopped = live.stops > 0;
    job.exit_code = exit.code;
    job.signal = exit.signal;
    job.ended_at = new Date().toISOString();
    if (summary !== undefined) job.counts = countsFromSummary(summary);
    if (exit.error !== null) {
      job.status = "failed";
      job.reason = `could not start: ${exit.error}`;
    } else if (stopped && exit.signal !== "SIGKILL") {
      job.status = "stopped";
    } else if (exit.code === 0) {
      job.status = "succeeded";
    } else {
      job.status = stopped ? "stopped" : "failed";
      job.reason = exit.signal !== null ? `killed by signal ${exit.signal}` : `exit code ${exit.code ?? "?"}`;
    }
    job.log_tail = job.status === "succeeded" ? null : await logTail(join(folder, LOG_FILE));
    await saveJob(folder, job).catch(() => undefined);
    this.#live.delete(job.id);
    this.emit("event", { type: "state", data: { job_id: job.id, job, counters: live.monitor.latest ?? null } });
    this.emit("event", { type: "end", data: { job_id: job.id, job } });
  }

  /** First stop: SIGUSR1 (drain). A second: SIGTERM, then SIGKILL if still running after 5 s. */
  async stop(id: string): Promise<Job | "not-found" | "not-running"> {
    const job = this.#jobs.get(id);
    if (job === undefined) return "not-found";
    const live = this.#live.get(id);
    if (live === undefined) return "not-running";
    live.stops++;
    if (live.stops === 1) {
      live.process.signal("SIGUSR1");
      job.status = "stopping";
      await saveJob(this.folder(id), job).catch(() => undefined);
      this.emit("event", { type: "state", data: { job_id: id, job, counters: live.monitor.latest ?? null } });
    } else {
      live.process.signal("SIGTERM");
      live.killTimer ??= setTimeout(() => live.process.signal("SIGKILL"), KILL_AFTER_MS);
      live.killTimer.unref();
    }
    return job;
  }

  async remove(id: string): Promise<"ok" | "not-found" | "running"> {
    const job = this.#jobs.get(id);
    if (job === undefined) return "not-found";
    if (this.#live.has(id)) return "running";
    this.#jobs.delete(id);
    this.#lastCounters.delete(id);
    await rm(this.folder(id), { recursive: true, force: true });
    return "ok";
  }

  /** Ends every running job (SIGTERM) and waits for them: the server is shutting down. */
  async close(): Promise<void> {
    const lives = [...this.#live.values()];
    for (const live of lives) {
      live.stops = Math.max(live.stops, 1);
      live.process.signal("SIGTERM");
    }
    await Promise.all(lives.map((l) => l.done));
  }

  /** The pid of a running job's process (tests, metrics). */
  pid(id: string): number | undefined {
    return this.#live.get(id)?.process.pid;
  }

  /** Resolves when the job has ended (immediately when it is not running). */
  async ended(id: string): Promise<void> {
    await this.#live.get(id)?.done;
  }
}
