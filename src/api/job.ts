/** The job object of the API (docs/api.md "Job object") and its folder on disk (`job.json`). */
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export type JobStatus = "running" | "stopping" | "succeeded" | "failed" | "stopped";

export interface JobCounts {
  created: number;
  active: number;
  succeeded: number;
  failed: number;
  aborted: number;
}

export interface Job {
  id: string;
  name: string;
  status: JobStatus;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  args: string[];
  scenario: string;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
  log_tail: string | null;
  counts: JobCounts;
}

export const JOB_FILE = "job.json";
export const LOG_FILE = "job.log";
export const LIVE_FILE = "live.ndjson";
export const MESSAGES_FILE = "messages.log";
export const JUNIT_FILE = "junit.xml";
export const RECORDS_FILE = "call_records.jsonl";
export const SUMMARY_FILE = "summary.json";
export const SCENARIO_FILE = "scenario.xml";

export const ZERO_COUNTS: JobCounts = { created: 0, active: 0, succeeded: 0, failed: 0, aborted: 0 };

export function isRunning(job: Job): boolean {
  return job.status === "running" || job.status === "stopping";
}

/** `20261202-195600-ab12`: sortable by time, unique with the random suffix. */
export function newJobId(now: Date, random: string): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19).replace(/:/g, "")}-${random}`;
}

/** The scenario a job's arguments name: the built-in (`-sn`), the file's name (`-sf`), or scenario.xml. */
export function scenarioLabel(args: readonly string[], hasXml: boolean): string {
  if (hasXml) return SCENARIO_FILE;
  let label = "uac";
  for (let i = 0; i < args.length - 1; i++) {
    const a = args[i];
    const v = args[i + 1] ?? "";
    if (a === "-sn") label = v;
    else if (a === "-sf") label = v.split("/").pop() ?? v;
  }
  return label;
}

/** Written through a temporary file and a rename: a reader never sees half a job. */
export async function saveJob(folder: string, job: Job): Promise<void> {
  const path = join(folder, JOB_FILE);
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify(job, null, 2) + "\n", "utf8");
  await rename(tmp, path);
}

export async function readJob(folder: string): Promise<Job | undefined> {
  try {
    return JSON.parse(await readFile(join(folder, JOB_FILE), "utf8")) as Job;
  } catch {
    return undefined;
  }
}
