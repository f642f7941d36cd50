/**
 * Real `sipp` (Debian package sip-tester) as a test peer.
 *
 * SIPp behaviour: sipp reads keyboard commands from stdin unless given `-nostdin`; `-timeout` ends a run with
 * exit code 97 (but did not end a UAC with stuck calls in our measurements, so waitExit's hard bound stays).
 * A sipp UAS must be stopped: start it with `-m N` so it exits by itself after N calls (and its 4 s timewait),
 * or send SIGUSR1 (soft quit) to its pid.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { startProcess, waitExit, type ExitStatus, type StartOptions, type StartedProcess } from "./processes.js";

export const SIPP = process.env.SIPP ?? "sipp";

/** SIPp behaviour: exit codes (sipp.hpp EXIT_*). */
export const SIPP_EXIT = {
  allSucceeded: 0,
  someFailed: 1,
  /** Exit on internal command or global -timeout. */
  internalCommand: 97,
  /** Normal exit without any call processed. */
  noCallProcessed: 99,
  fatal: 255,
} as const;

export interface SippOptions extends StartOptions {
  /** Hard bound for runSipp's wait (the process is SIGKILLed by pid after it); default 90 s. */
  timeoutMs?: number;
}

export interface SippResult extends ExitStatus {
  stdout: string;
  stderr: string;
}

/** Adds `-nostdin` and a `-timeout 60s` safety net unless the caller set its own. */
export function sippArgs(args: readonly string[]): string[] {
  const out = [...args];
  if (!out.includes("-nostdin")) out.push("-nostdin");
  if (!out.includes("-timeout")) out.push("-timeout", "60s");
  return out;
}

/** Starts sipp in the background (e.g. a UAS); await `waitExit(proc, ms)` or send SIGUSR1 to stop it. */
export async function startSipp(args: readonly string[], opts: StartOptions = {}): Promise<StartedProcess> {
  return startProcess(SIPP, sippArgs(args), opts);
}

/** Runs sipp to completion (bounded by `opts.timeoutMs`) and returns its exit status and output. */
export async function runSipp(args: readonly string[], opts: SippOptions = {}): Promise<SippResult> {
  const proc = await startSipp(args, opts);
  const status = await waitExit(proc, opts.timeoutMs ?? 90_000);
  return { ...status, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** One row of SIPp's `-trace_stat` CSV, by column name (`SuccessfulCall(C)`, `Retransmissions(C)`, ...). */
export type SippStatRow = Readonly<Record<string, string>>;

/** Parses SIPp's `;`-separated stat CSV text: returns the last data row keyed by the header's column names. */
export function parseSippStatCsv(text: string, delimiter = ";"): SippStatRow {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = lines[0];
  const last = lines[lines.length - 1];
  if (header === undefined || last === undefined || lines.length < 2) {
    throw new Error(`SIPp stat CSV has no data row (${lines.length} line(s))`);
  }
  const names = header.split(delimiter);
  const values = last.split(delimiter);
  const row: Record<string, string> = {};
  names.forEach((name, i) => {
    if (name !== "") row[name] = values[i] ?? "";
  });
  return row;
}

/** Reads a `-trace_stat` CSV file (`-stf path`) and returns its last row. */
export async function readSippStatCsv(path: string, delimiter = ";"): Promise<SippStatRow> {
  return parseSippStatCsv(await readFile(path, "latin1"), delimiter);
}

/** A counter column of a stat row as a number; throws naming the column if it is missing or not an integer. */
export function statCount(row: SippStatRow, column: string): number {
  const text = row[column];
  if (text === undefined) throw new Error(`SIPp stat CSV has no column ${column}`);
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isInteger(value))
    throw new Error(`SIPp stat column ${column} is not a count: "${text}"`);
  return value;
}

let probe: Promise<string | undefined> | undefined;

/** `sipp -v` → "3.6.1…", or undefined when sipp is not installed. Cached. */
export function sippVersion(): Promise<string | undefined> {
  probe ??= new Promise((resolve) => {
    const child = spawn(SIPP, ["-v"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("latin1")));
    // ENOENT: not installed — the answer is "unavailable", not a failure of the probe.
    child.once("error", () => {
      resolve(undefined);
    });
    child.once("close", () => {
      // SIPp behaviour: `sipp -v` prints " SIPp v3.6.1-..." and exits 99.
      resolve(/SIPp v([\w.-]*\w)/.exec(out)?.[1]);
    });
  });
  return probe;
}

/** True when the `sipp` binary runs. */
export async function sippAvailable(): Promise<boolean> {
  return (await sippVersion()) !== undefined;
}

/**
 * For `describe(name, { skip: await sippSkipReason() }, ...)`: false when sipp runs, else the reason to skip.
 * In CI (`CI` set) a missing sipp is an error, never a silent skip: .ci/run installs it.
 */
export async function sippSkipReason(env: NodeJS.ProcessEnv = process.env): Promise<string | false> {
  if (await sippAvailable()) return false;
  const reason = `sipp (${SIPP}) is not installed — install Debian package sip-tester to run interop tests`;
  if (env.CI !== undefined && env.CI !== "" && env.CI !== "false") throw new Error(`CI: ${reason}`);
  return reason;
}
