/**
 * The sipwright CLI as a child process, run from source: `node --import tsx test/helpers/sipwright-cli.ts ...args`.
 * Takes SIPp's options (`-sn uac`, `-p 0`, `-m`, `-r`, ...) plus `--out DIR`, `--summary-json FILE`,
 * `--status none`, and exits with SIPp's exit codes.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Summary } from "../../src/records/summary.js";
import { startProcess, waitExit, type ExitStatus, type StartOptions, type StartedProcess } from "./processes.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI_ENTRY = fileURLToPath(new URL("./sipwright-cli.ts", import.meta.url));
// Resolved here, so the child finds tsx whatever its cwd is.
const TSX_LOADER = import.meta.resolve("tsx");

export interface SipwrightOptions extends StartOptions {
  /** Hard bound for runSipwright's wait (SIGKILL by pid after it); default 90 s. */
  timeoutMs?: number;
}

export interface SipwrightResult extends ExitStatus {
  stdout: string;
  stderr: string;
}

/** The argv (after the node binary) that runs the CLI from source with `args`. */
export function sipwrightArgv(args: readonly string[]): string[] {
  return ["--import", TSX_LOADER, CLI_ENTRY, ...args];
}

/** Starts sipwright in the background; stop it with `kill("SIGUSR1")` (graceful) or await `waitExit`. */
export async function startSipwright(args: readonly string[], opts: StartOptions = {}): Promise<StartedProcess> {
  return startProcess(process.execPath, sipwrightArgv(args), opts);
}

/** Runs sipwright to completion (bounded by `opts.timeoutMs`) and returns its exit status and output. */
export async function runSipwright(args: readonly string[], opts: SipwrightOptions = {}): Promise<SipwrightResult> {
  const proc = await startSipwright(args, opts);
  const status = await waitExit(proc, opts.timeoutMs ?? 90_000);
  return { ...status, stdout: proc.stdout(), stderr: proc.stderr() };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a run's summary.json and checks the fields tests rely on (schema, calls, retransmissions). */
export async function readSummary(path: string): Promise<Summary> {
  const parsed: unknown = JSON.parse(await readFile(path, "utf8"));
  if (!isRecord(parsed) || typeof parsed.schema !== "string" || !parsed.schema.startsWith("sipwright.summary/")) {
    throw new Error(`${path}: not a sipwright summary (no "schema": "sipwright.summary/N")`);
  }
  const calls = parsed.calls;
  if (!isRecord(calls) || typeof calls.successful !== "number" || typeof calls.failed !== "number") {
    throw new Error(`${path}: summary has no numeric calls.successful / calls.failed`);
  }
  if (typeof parsed.retransmissions !== "number") throw new Error(`${path}: summary has no numeric retransmissions`);
  return parsed as unknown as Summary;
}
