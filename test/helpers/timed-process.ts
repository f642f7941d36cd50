/**
 * A process measured by GNU time (Debian package `time`) and bounded by coreutils `timeout`:
 *
 *   /usr/bin/time -f "%e %U %S %M" -o USAGE -- timeout --foreground -s KILL <hard s> <command> <args...>
 *
 * GNU time waits for `timeout` with wait4(), whose rusage includes the reaped grandchild (the measured program),
 * and its max RSS is the larger of the two. Reading /proc/<pid>/stat just before exit would be racy; this is not.
 * `timeout` is the hard bound: it SIGKILLs the program by pid even if our own process dies. `--foreground` makes it
 * signal only the program's pid: without it, timeout signals its whole process group, itself included, so a KILL
 * would end timeout before it reaps the program and GNU time would lose the program's usage.
 */
import { access, readFile } from "node:fs/promises";
import { constants } from "node:fs";
import { startProcess, waitExit, type ExitStatus, type StartOptions, type StartedProcess } from "./processes.js";

export const GNU_TIME = process.env.GNU_TIME ?? "/usr/bin/time";
export const TIMEOUT = "timeout";

/** coreutils timeout: 124 after its signal, or 128+9 when that signal is KILL. */
const TIMEOUT_FIRED = new Set([124, 137]);

export interface ResourceUsage {
  wallSeconds: number;
  userSeconds: number;
  systemSeconds: number;
  /** Peak resident set size in KiB (GNU time %M). */
  maxRssKiB: number;
}

export interface TimedExit extends ExitStatus {
  usage: ResourceUsage;
  /** True when the hard bound fired and the program was SIGKILLed. */
  hardTimeout: boolean;
}

export interface TimedStartOptions extends StartOptions {
  /** The hard bound in seconds, enforced by `timeout -s KILL`. */
  hardTimeoutSeconds: number;
  /** Where GNU time writes its measurement line. */
  usageFile: string;
}

export interface TimedProcess {
  /** The `time` wrapper process (its exit code is the program's). */
  readonly wrapper: StartedProcess;
  readonly usageFile: string;
  readonly hardTimeoutSeconds: number;
}

/** Throws with an install hint when GNU time is missing. */
export async function requireGnuTime(): Promise<void> {
  try {
    await access(GNU_TIME, constants.X_OK);
  } catch (error) {
    throw new Error(`${GNU_TIME} not found: install GNU time (Debian package "time"), or set GNU_TIME`, {
      cause: error,
    });
  }
}

export async function startTimedProcess(
  command: string,
  args: readonly string[],
  opts: TimedStartOptions,
): Promise<TimedProcess> {
  const wrapped = ["-f", "%e %U %S %M", "-o", opts.usageFile, "--", TIMEOUT, "--foreground", "-s", "KILL"].concat([
    String(opts.hardTimeoutSeconds),
    command,
    ...args,
  ]);
  const wrapper = await startProcess(GNU_TIME, wrapped, opts);
  return { wrapper, usageFile: opts.usageFile, hardTimeoutSeconds: opts.hardTimeoutSeconds };
}

/** Parses GNU time's output file: the last line is "%e %U %S %M" (a "Command exited..." line may precede it). */
export function parseUsage(text: string): ResourceUsage {
  const last = text.trimEnd().split("\n").pop() ?? "";
  const match = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/.exec(last.trim());
  if (!match) throw new Error(`unexpected GNU time output: ${JSON.stringify(text)}`);
  return {
    wallSeconds: Number(match[1]),
    userSeconds: Number(match[2]),
    systemSeconds: Number(match[3]),
    maxRssKiB: Number(match[4]),
  };
}

/**
 * Waits for the measured program to end (the wrapper's own bound is the hard timeout plus a margin for GNU time
 * to write its file) and returns its exit status with the resource usage.
 */
export async function waitTimedExit(proc: TimedProcess): Promise<TimedExit> {
  const status = await waitExit(proc.wrapper, (proc.hardTimeoutSeconds + 10) * 1000);
  const usage = parseUsage(await readFile(proc.usageFile, "utf8"));
  return { ...status, usage, hardTimeout: status.code !== null && TIMEOUT_FIRED.has(status.code) };
}

/** The pid of the only child of `pid`, from /proc (Linux), or undefined. */
async function onlyChild(pid: number): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/task/${pid}/children`, "latin1");
  } catch (error) {
    // ENOENT: the process has already exited, so it has no child to signal.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const pids = text.trim().split(/\s+/).filter(Boolean).map(Number);
  return pids.length === 1 ? pids[0] : undefined;
}

/**
 * Sends `signal` to the measured program itself (time -> timeout -> program), by its pid: signalling the wrapper
 * would end GNU time, not the program. Returns false when the program is already gone.
 */
export async function signalMeasuredProgram(proc: TimedProcess, signal: NodeJS.Signals): Promise<boolean> {
  const timeoutPid = await onlyChild(proc.wrapper.pid);
  const programPid = timeoutPid === undefined ? undefined : await onlyChild(timeoutPid);
  if (programPid === undefined || !proc.wrapper.isAlive()) return false;
  try {
    process.kill(programPid, signal);
    return true;
  } catch (error) {
    // ESRCH: the program exited between the lookup and the signal.
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/** Ends a measured program that is still running (SIGKILL to its pid) and waits for the wrapper to exit. */
export async function killTimedProcess(proc: TimedProcess): Promise<void> {
  if (!proc.wrapper.isAlive()) return;
  if (!(await signalMeasuredProgram(proc, "SIGKILL"))) proc.wrapper.kill("SIGKILL");
  await waitExit(proc.wrapper, 10_000);
}
