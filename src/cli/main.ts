/**
 * The `sipwright` command: `run` (default, SIPp-compatible options), `validate`, `demo`, `turn-cred`, `-h`, `-v`.
 * Returns the process exit code (SIPp's codes for runs).
 */
import { readFile } from "node:fs/promises";
import { BindError, ConfigError, ScenarioError, SipwrightError, formatLocation } from "../shared/errors.js";
import { LOG_LEVELS, setLogLevel, setLogSink, type LogRecord } from "../shared/logger.js";
import { readScenarioFile } from "../scenario/load-scenario.js";
import { validateScenarioText } from "../scenario/scenario-checks.js";
import { prepareRun, type RunResult } from "../engine/run/execute-run.js";
import { SIPWRIGHT_VERSION } from "../engine/run/run-environment.js";
import { EXIT_BIND, EXIT_FATAL } from "../engine/run/exit-code.js";
import type { RunConfig } from "../engine/run/run-config.js";
import { parseArgs } from "./parse-args.js";
import { helpText } from "./help-text.js";
import { StatusReporter } from "./status-line.js";
import { runDemo } from "./demo.js";
import { runTurnCred } from "./turn-cred.js";
import { LiveStatsWriter, liveWebRtc } from "./live-stats.js";
import type { Call } from "../engine/call/call.js";
import { exitOnceOutputsAreFinal } from "./exit-backstop.js";
import { readCallRecords, writeJunit } from "./junit.js";
import { buildCallRecord } from "../engine/outputs/call-record-builder.js";
import type { CallRecord } from "../records/call-record.js";
import type { Summary } from "../records/summary.js";

/** SIPWRIGHT_LOG=debug|info|warn|error; by default warnings, or only errors when the run is quiet (--status none). */
function installLogSink(quiet = false): void {
  setLogSink((record: LogRecord) => {
    const context = record.context ? ` ${record.context}` : "";
    process.stderr.write(`${record.level} ${record.namespace}${context}: ${record.message}\n`);
  });
  const asked = process.env.SIPWRIGHT_LOG;
  const level = LOG_LEVELS.find((l) => l === asked);
  setLogLevel(level ?? (quiet ? "error" : "warn"));
}

/** Prints a failure the way a user can act on it, and picks the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof ScenarioError) {
    for (const p of error.problems) process.stderr.write(`${formatLocation(p.loc)}: error: ${p.message}\n`);
    return EXIT_FATAL;
  }
  if (error instanceof BindError) {
    process.stderr.write(`sipwright: ${error.message}\n`);
    return EXIT_BIND;
  }
  if (error instanceof ConfigError || error instanceof SipwrightError) {
    process.stderr.write(`sipwright: ${error.message}\n`);
    return EXIT_FATAL;
  }
  process.stderr.write(
    `sipwright: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT_FATAL;
}

/**
 * `sipwright validate`: every problem of every file at once (the loader's, then the checks a run makes before its
 * first call: custom keywords against -key, SDP against --webrtc), and notes on the media files a scenario names.
 */
async function validate(
  files: readonly string[],
  opts: { readonly keys: ReadonlyMap<string, string>; readonly webrtc: boolean },
): Promise<number> {
  let problems = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readScenarioFile(file);
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      process.stderr.write(`${file}: error: cannot read: ${cause}\n`);
      problems++;
      continue;
    }
    const found = validateScenarioText(text, file, opts);
    for (const p of found.problems) process.stdout.write(`${formatLocation(p.loc)}: error: ${p.message}\n`);
    for (const n of found.notes) process.stdout.write(`${formatLocation(n.loc)}: note: ${n.message}\n`);
    if (found.problems.length === 0) process.stdout.write(`${file}: ok\n`);
    problems += found.problems.length;
  }
  return problems > 0 ? 1 : 0;
}

/** --junit: the records from call_records.jsonl (or built as the calls ended), the run from summary.json. */
async function writeRunJunit(path: string, result: RunResult, built: readonly CallRecord[]): Promise<void> {
  const summary = JSON.parse(await readFile(result.summaryPath, "utf8")) as Summary;
  const records = result.callRecordsPath === undefined ? built : readCallRecords(result.callRecordsPath);
  await writeJunit(path, {
    runId: summary.run_id,
    scenario: summary.scenario,
    startedAt: summary.started_at,
    durationMs: summary.duration_ms,
    exitCode: result.exitCode,
    records,
  });
}

/** Runs a scenario with signals wired like SIPp: SIGINT/SIGUSR1 stop gracefully, a second SIGINT or SIGTERM now. */
export async function runCommand(config: RunConfig): Promise<number> {
  const prepared = await prepareRun({ config });
  const { controller } = prepared;
  const status = new StatusReporter({
    snapshot: () => controller.stats.snapshot(),
    output: process.stderr,
    mode: config.statusMode,
    periodMs: config.statusPeriodMs,
    clock: controller.clock,
  });
  let interrupts = 0;
  const graceful = (): void => {
    interrupts++;
    controller.stop(interrupts > 1 ? "now" : "graceful", "signal");
  };
  const now = (): void => controller.stop("now", "signal");
  process.on("SIGINT", graceful);
  process.on("SIGUSR1", graceful);
  process.on("SIGTERM", now);
  // --live-stats: the calls in progress are followed for their live WebRTC state.
  const inProgress = new Set<Call>();
  const follow =
    config.liveStatsFile === undefined
      ? []
      : [
          controller.on("callStarted", (call) => inProgress.add(call)),
          controller.on("callEnded", (call) => inProgress.delete(call)),
        ];
  const live =
    config.liveStatsFile === undefined
      ? undefined
      : new LiveStatsWriter(config.liveStatsFile, {
          snapshot: () => controller.stats.snapshot(),
          media: () => controller.media?.summary(),
          webrtc: () => liveWebRtc(inProgress),
        });
  // --junit with --no-records: the records are built here, as the calls end (without their media blocks).
  const junitRecords: CallRecord[] = [];
  const unsubscribe =
    config.junitFile !== undefined && !config.callRecords
      ? controller.on("callEnded", (call) => junitRecords.push(buildCallRecord(call, { runId: prepared.runId })))
      : undefined;
  status.start();
  live?.start();
  let result: RunResult;
  try {
    result = await prepared.run();
  } catch (error) {
    live?.abandon();
    throw error;
  } finally {
    status.stop();
    unsubscribe?.();
    for (const off of follow) off();
    process.off("SIGINT", graceful);
    process.off("SIGUSR1", graceful);
    process.off("SIGTERM", now);
  }
  live?.close();
  if (config.junitFile !== undefined) await writeRunJunit(config.junitFile, result, junitRecords);
  if (result.fatalMessage !== undefined) process.stderr.write(`sipwright: fatal: ${result.fatalMessage}\n`);
  // `--status none` / `--quiet` print nothing but errors (docs/cli.md): the exit code and summary.json say the rest.
  if (config.statusMode === "none") return result.exitCode;
  const records = result.callRecordsPath === undefined ? "" : `call records: ${result.callRecordsPath}\n`;
  process.stderr.write(
    `outputs: ${result.outDir}\nsummary: ${result.summaryPath}\n${records}exit code ${result.exitCode}\n`,
  );
  return result.exitCode;
}

export async function main(argv: readonly string[]): Promise<number> {
  installLogSink();
  try {
    const command = parseArgs(argv, { isTTY: process.stderr.isTTY, cwd: process.cwd() });
    switch (command.kind) {
      case "help":
        process.stdout.write(helpText());
        return 0;
      case "version":
        process.stdout.write(`${SIPWRIGHT_VERSION}\n`);
        return 0;
      case "validate":
        return await validate(command.files, { keys: command.keys, webrtc: command.webrtc });
      case "demo":
        return await runDemo({ outDir: command.outDir, calls: command.calls, rtp: command.rtp });
      case "run": {
        // `--quiet` / `--status none`: only errors reach stderr, no warnings (docs/cli.md).
        if (command.config.statusMode === "none") installLogSink(true);
        const exitCode = await runCommand(command.config);
        // Its outputs are final (records, summary, --junit, the last lines): nothing may hold the process longer.
        exitOnceOutputsAreFinal(exitCode);
        return exitCode;
      }
      case "turn-cred":
        return runTurnCred(command.options);
      case "serve": {
        // Loaded only here: a run never loads the HTTP server.
        const { runServe } = await import("../api/serve-command.js");
        return await runServe(command.options);
      }
    }
  } catch (error) {
    return reportError(error);
  }
}
