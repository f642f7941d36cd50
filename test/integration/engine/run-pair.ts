/**
 * Runs a sipwright UAS and a sipwright UAC against each other in this process, over UDP on 127.0.0.1 (the UAS
 * binds port 0, the UAC sends to the port it got). Each side gets its own temp output folder.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { prepareRun, type PreparedRun, type RunResult } from "../../../src/engine/run/execute-run.js";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import type { FailureClass } from "../../../src/shared/failure.js";
import type { StatsSnapshot } from "../../../src/engine/outputs/statistics.js";
import { defaultRunConfig } from "../../../src/cli/parse-args.js";

/** Absolute path of a fixture in test/fixtures/scenarios/features/. */
export function featureFixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/scenarios/features/${name}`, import.meta.url));
}

/** Safety bound for one side: a run that hangs ends with exit code 97 instead of hanging the test. */
const SAFETY_TIMEOUT_MS = 30_000;

/** A base config for one in-process side: loopback, port 0, silent, bounded. */
export function sideConfig(outDir: string, overrides: Partial<RunConfig>): RunConfig {
  const base = defaultRunConfig({ isTTY: false, cwd: process.cwd(), primaryIp: "127.0.0.1" });
  return {
    ...base,
    localIp: "127.0.0.1",
    localPort: 0,
    statusMode: "none",
    globalTimeoutMs: SAFETY_TIMEOUT_MS,
    outDir,
    ...overrides,
  };
}

export interface PairOptions {
  /** Options of the server side (scenarioFile or scenarioName, maxCalls, keys, ...). */
  readonly uas: Partial<RunConfig>;
  /** Options of the client side; remoteHost/remotePort are filled in with the UAS's address. */
  readonly uac: Partial<RunConfig>;
}

export interface PairResult {
  readonly uas: RunResult;
  readonly uac: RunResult;
}

/** A temp folder removed after `fn`, whatever it does. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "sipwright-engine-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Prepares one side in `dir` (its outDir is `dir/name`). */
export async function prepareSide(dir: string, name: string, overrides: Partial<RunConfig>): Promise<PreparedRun> {
  return prepareRun({ config: sideConfig(join(dir, name), overrides) });
}

/** Runs the UAS and the UAC to completion and returns both results. */
export async function runPair(opts: PairOptions): Promise<PairResult> {
  return withTempDir(async (dir) => {
    const uas = await prepareSide(dir, "uas", opts.uas);
    let uac: PreparedRun;
    try {
      uac = await prepareSide(dir, "uac", {
        remoteHost: "127.0.0.1",
        remotePort: uas.environment.values.localPort,
        ...opts.uac,
      });
    } catch (error) {
      await uas.environment.close();
      throw error;
    }
    const [uasResult, uacResult] = await Promise.all([uas.run(), uac.run()]);
    return { uas: uasResult, uac: uacResult };
  });
}

/** The cumulative value of a scenario counter (0 when the scenario has no such counter). */
export function counter(snapshot: StatsSnapshot, name: string): number {
  return snapshot.counters.find((c) => c.name === name)?.value.cumulative ?? 0;
}

/** The failure classes with a non-zero cumulative count, for readable assertion messages. */
export function failureCounts(snapshot: StatsSnapshot): Partial<Record<FailureClass, number>> {
  const out: Partial<Record<FailureClass, number>> = {};
  for (const [name, count] of Object.entries(snapshot.failures) as [FailureClass, { cumulative: number }][]) {
    if (count.cumulative > 0) out[name] = count.cumulative;
  }
  return out;
}

/** A one-line description of a run's outcome for assertion messages. */
export function describeRun(result: RunResult): string {
  const s = result.snapshot;
  return (
    `exit ${result.exitCode} (${result.reason}), created ${s.created.cumulative}, ` +
    `succeeded ${s.succeeded.cumulative}, failed ${s.failed.cumulative} ${JSON.stringify(failureCounts(s))}, ` +
    `unexpected ${s.unexpected.cumulative}, out-of-call ${s.outOfCall.cumulative}`
  );
}
