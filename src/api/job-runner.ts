/**
 * Starting and watching a job's process, behind a small interface: the local runner starts the sipwright CLI as a
 * child process of the server; a later runner could place a job (or shards of it) elsewhere.
 */
import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface JobExit {
  /** Exit code, or null when ended by a signal or never started. */
  readonly code: number | null;
  readonly signal: string | null;
  /** Why the process could not start (spawn error), when it did not. */
  readonly error: string | null;
}

export interface JobProcess {
  readonly pid: number | undefined;
  /** Sends a signal; false when the process has already ended. */
  signal(signal: NodeJS.Signals): boolean;
  readonly exited: Promise<JobExit>;
}

export interface JobSpec {
  readonly id: string;
  /** Full CLI arguments (the user's plus the server's). */
  readonly args: readonly string[];
  /** The process's stdout and stderr go to this file. */
  readonly logPath: string;
}

export interface JobRunner {
  start(spec: JobSpec): JobProcess;
}

/** The installed CLI launcher: `node bin/sipwright.js` (runs dist/). */
export function defaultCliCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL("../../bin/sipwright.js", import.meta.url))];
}

export class LocalJobRunner implements JobRunner {
  readonly #cli: readonly string[];
  readonly #cwd: string;

  /** `cli`: the program and its leading arguments (default `node bin/sipwright.js`); `cwd` for relative paths. */
  constructor(opts: { readonly cli?: readonly string[]; readonly cwd: string }) {
    this.#cli = opts.cli ?? defaultCliCommand();
    this.#cwd = opts.cwd;
  }

  start(spec: JobSpec): JobProcess {
    const [program = process.execPath, ...lead] = this.#cli;
    const log = openSync(spec.logPath, "a");
    let child;
    try {
      child = spawn(program, [...lead, ...spec.args], {
        cwd: this.#cwd,
        stdio: ["ignore", log, log],
        env: { ...process.env, SIPWRIGHT_JOB_ID: spec.id },
      });
    } finally {
      closeSync(log);
    }
    let ended = false;
    const exited = new Promise<JobExit>((resolve) => {
      child.once("error", (error) => {
        ended = true;
        resolve({ code: null, signal: null, error: error.message });
      });
      child.once("exit", (code, signal) => {
        ended = true;
        resolve({ code, signal, error: null });
      });
    });
    return {
      pid: child.pid,
      signal: (sig) => !ended && child.kill(sig),
      exited,
    };
  }
}
