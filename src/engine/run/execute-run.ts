/**
 * Runs one scenario end to end from a RunConfig: load and check the scenario, open injection files, bind the
 * transport, run the calls, and write the outputs (traces, stat CSV, call_records.jsonl, summary.json). Used by the
 * CLI's default command and by the demo.
 */
import { join, resolve } from "node:path";
import { ConfigError, ScenarioError } from "../../shared/errors.js";
import { checkOutputFile, makeDirs } from "../../shared/make-dirs.js";
import { systemClock, type Clock } from "../../shared/clock.js";
import type { Scenario } from "../../scenario/model.js";
import { loadScenarioFile } from "../../scenario/load-scenario.js";
import { isBuiltinScenario, loadBuiltinScenario } from "../../scenario/builtin-scenarios.js";
import { InjectionFiles } from "../../scenario/injection-files.js";
import { writeSummary, type SummaryMedia } from "../../records/summary.js";
import { buildSummary } from "../outputs/build-summary.js";
import { CALL_RECORDS_FILE, type CallRecord } from "../../records/call-record.js";
import { JsonlWriter } from "../../records/jsonl-writer.js";
import type { RunConfig } from "./run-config.js";
import { Statistics, type StatsSnapshot } from "../outputs/statistics.js";
import { RunController, type RunOutcome, type StopReason } from "./run-controller.js";
import { openNetworkEnvironment, type RunEnvironment } from "./run-environment.js";
import { RunOutputs } from "../outputs/run-outputs.js";
import { resolveTracePaths, type TraceKind } from "../outputs/trace-paths.js";
import { defaultTemplates } from "../call/default-messages.js";
import { buildCallRecord, mediaBlocks } from "../outputs/call-record-builder.js";
import { RunMedia, runHasMedia, scenarioChecksAudio } from "../media/run-media.js";
import { bridgeSettings } from "../media/webrtc-options.js";
import { runProblems } from "../../scenario/scenario-checks.js";
import { checkMediaIpBindable, checkRunOptions, checkSetVariables, type WebRtcPlan } from "./run-option-checks.js";

export interface RunResult {
  readonly runId: string;
  readonly outDir: string;
  readonly summaryPath: string;
  /** call_records.jsonl (undefined with --no-records). */
  readonly callRecordsPath: string | undefined;
  readonly exitCode: number;
  readonly reason: StopReason;
  readonly fatalMessage: string | undefined;
  readonly snapshot: StatsSnapshot;
  readonly tracePaths: Partial<Record<string, string>>;
  /** Media totals (as in summary.json) and the folder of the WAV files, when the run had media. */
  readonly media: { readonly totals: SummaryMedia; readonly recordingsDir: string } | undefined;
}

export interface PreparedRun {
  readonly runId: string;
  readonly outDir: string;
  readonly scenario: Scenario;
  readonly controller: RunController;
  readonly environment: RunEnvironment;
  /** Runs to the end and writes the outputs. */
  run(): Promise<RunResult>;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

export function makeRunId(wallMs: number, pid: number): string {
  const d = new Date(wallMs);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}-${pid}`;
}

export async function loadScenarioFor(config: Pick<RunConfig, "scenarioFile" | "scenarioName">): Promise<{
  scenario: Scenario;
  label: string;
}> {
  if (config.scenarioFile !== undefined) {
    return { scenario: await loadScenarioFile(config.scenarioFile), label: config.scenarioFile };
  }
  const name = config.scenarioName;
  if (name === undefined) throw new ConfigError("no scenario: give -sf FILE or -sn NAME");
  if (!isBuiltinScenario(name)) throw new ConfigError(`unknown built-in scenario "${name}" (see sipwright -h)`);
  return { scenario: await loadBuiltinScenario(name), label: name };
}

/**
 * Unknown keywords (SIPp does the same) and SDP that does not suit the run's media kind are rejected before any
 * call, with file:line:column: the checks `sipwright validate` makes too (scenario-checks.ts).
 */
function checkScenarioForRun(scenario: Scenario, config: RunConfig): void {
  const problems = runProblems(scenario, { keys: config.keys, webrtc: config.webrtc });
  if (problems.length > 0) throw new ScenarioError(problems);
}

export interface PrepareRunOptions {
  readonly config: RunConfig;
  readonly clock?: Clock;
  /** A scenario already loaded (the demo); otherwise loaded from the config. */
  readonly scenario?: { scenario: Scenario; label: string };
}

export async function prepareRun(opts: PrepareRunOptions): Promise<PreparedRun> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  // Configuration errors are found before any socket or file is opened (a run that fails later must close them).
  const webrtcPlan = checkRunOptions(config);
  const { scenario, label } = opts.scenario ?? (await loadScenarioFor(config));
  checkScenarioForRun(scenario, config);
  const ooc =
    config.oocScenarioFile !== undefined || config.oocScenarioName !== undefined
      ? (await loadScenarioFor({ scenarioFile: config.oocScenarioFile, scenarioName: config.oocScenarioName })).scenario
      : undefined;
  checkSetVariables(config.setVariables, [scenario, ooc]);
  if (ooc !== undefined && !scenario.isClient) {
    // SIPp behaviour: "SIPp cannot use out-of-call scenarios when running in server mode".
    throw new ConfigError("out-of-call scenarios (-oocsf/-oocsn) need a client scenario; this one starts with a recv");
  }
  if (scenario.isClient && config.remoteHost === undefined && config.remoteSendAddress === undefined) {
    throw new ConfigError(`scenario "${scenario.name}" starts with a send: give the remote host (host[:port])`);
  }
  const injection =
    config.injectionFiles.length > 0
      ? await InjectionFiles.load(config.injectionFiles, { random: Math.random })
      : undefined;
  if (config.mediaIp !== undefined && runHasMedia(scenario, ooc, config)) await checkMediaIpBindable(config.mediaIp);

  const runId = makeRunId(clock.wallNow(), process.pid);
  const outDir = resolve(config.outDir ?? join("recordings", runId));
  // Every output folder is made and every output file checked before the transport opens: one that cannot be made
  // or written ends the run here (exit 255), not once a socket is bound or at the end of the run.
  makeDirs(outDir);
  const files = outputFiles(config, outDir, label);
  for (const [option, path] of files.checked) checkOutputFile(option, path);

  const stats = Statistics.forScenario(scenario, clock);
  stats.setTarget(config.users ?? config.rate);
  const outputs = new RunOutputs({ config, scenario, scenarioLabel: label, outDir, clock, stats });
  let environment: RunEnvironment;
  try {
    environment = await openNetworkEnvironment({ config, clock, traces: outputs });
  } catch (error) {
    await outputs.close();
    throw error;
  }
  try {
    return assembleRun({
      config,
      files,
      clock,
      scenario,
      ooc,
      injection,
      runId,
      outDir,
      stats,
      outputs,
      environment,
      webrtcPlan,
    });
  } catch (error) {
    // Issue 9 item 1: an error once the transport is bound must close it, or the process never exits.
    await environment.close();
    await outputs.close();
    throw error;
  }
}

/** The option that names each trace file (or turns it on, when no option names it). */
const TRACE_OPTIONS: Record<TraceKind, string> = {
  messages: "-message_file",
  shortmessages: "-shortmessage_file",
  errors: "-error_file",
  stat: "-stf",
  rtt: "-trace_rtt",
  counts: "-trace_counts",
  logs: "-log_file",
};

interface OutputFiles {
  readonly summaryPath: string;
  /** undefined with --no-records. */
  readonly callRecordsPath: string | undefined;
  /** Every file the run will write, with the option that names it (for the error message). */
  readonly checked: readonly (readonly [option: string, path: string])[];
}

function outputFiles(config: RunConfig, outDir: string, label: string): OutputFiles {
  const summaryPath = resolve(config.summaryJson ?? join(outDir, "summary.json"));
  const callRecordsPath = config.callRecords
    ? resolve(config.callRecordsFile ?? join(outDir, CALL_RECORDS_FILE))
    : undefined;
  const traces = Object.entries(resolveTracePaths(config.trace, { outDir, scenario: label, pid: process.pid }));
  const named: [string, string | undefined][] = [
    ["--summary-json", summaryPath],
    ["--records", callRecordsPath],
    ["--junit", config.junitFile],
    ["--live-stats", config.liveStatsFile],
    ...traces.map(([kind, path]): [string, string | undefined] => [TRACE_OPTIONS[kind as TraceKind], path]),
  ];
  const checked = named.flatMap(([option, path]) => (path === undefined ? [] : [[option, resolve(path)] as const]));
  return { summaryPath, callRecordsPath, checked };
}

interface RunParts {
  readonly config: RunConfig;
  readonly files: OutputFiles;
  readonly clock: Clock;
  readonly scenario: Scenario;
  readonly ooc: Scenario | undefined;
  readonly injection: InjectionFiles | undefined;
  readonly runId: string;
  readonly outDir: string;
  readonly stats: Statistics;
  readonly outputs: RunOutputs;
  readonly environment: RunEnvironment;
  readonly webrtcPlan: WebRtcPlan;
}

/** The media, the controller and the run itself, once the transport is open (synchronous: the caller closes on error). */
function assembleRun(parts: RunParts): PreparedRun {
  const { config, clock, scenario, ooc, injection, runId, outDir, stats, outputs, environment, webrtcPlan } = parts;
  const { summaryPath, callRecordsPath } = parts.files;
  const webrtc = config.webrtc || scenario.webrtc;
  const analyze = scenarioChecksAudio(scenario) || (ooc !== undefined && scenarioChecksAudio(ooc));
  const media = runHasMedia(scenario, ooc, config)
    ? new RunMedia({
        kind: webrtc ? "webrtc" : "rtp",
        ...(webrtc ? { bridge: bridgeSettings(config, webrtcPlan, environment.values.mediaIp) } : {}),
        clock,
        mediaIp: environment.values.mediaIp,
        minPort: config.mediaPort,
        maxPort: config.mediaMaxPort,
        codecs: config.codecs,
        echo: config.rtpEcho,
        record: config.record,
        recordingsDir: join(outDir, "recordings"),
        analyze,
        workers: config.mediaWorkers,
      })
    : undefined;
  const controller = new RunController({
    config,
    scenario,
    oocScenario: ooc,
    environment,
    injection,
    defaults: defaultTemplates(scenario),
    stats,
    clock,
    media,
  });
  return {
    runId,
    outDir,
    scenario,
    controller,
    environment,
    async run() {
      const startWallMs = clock.wallNow();
      // Opened here, not in prepareRun: a prepared run that never runs leaves no file behind.
      let records: JsonlWriter<CallRecord> | undefined;
      try {
        records = callRecordsPath === undefined ? undefined : new JsonlWriter<CallRecord>({ path: callRecordsPath });
      } catch (error) {
        await environment.close();
        await outputs.close();
        throw error;
      }
      // Every call that ends gets its line, the calls aborted at shutdown included (they end before the run does).
      // A call with media gets it once its pipeline has closed: the line then names finalised recordings.
      const unsubscribe =
        records &&
        controller.on("callEnded", (call) => {
          const record = buildCallRecord(call, { runId });
          if (call.callMedia === undefined) {
            records.write(record);
            return;
          }
          media?.track(
            controller.mediaClosed(call).then((closed) => {
              records.write(closed === undefined ? record : { ...record, ...mediaBlocks(call, closed) });
            }),
          );
        });
      outputs.startPeriodic();
      let outcome: RunOutcome;
      let transportClosed = false;
      try {
        outcome = await controller.start();
        await media?.close();
        transportClosed = true;
        await environment.close();
        await outputs.close();
      } catch (error) {
        // The run's own error is the one reported; the records already written are still flushed, and the transport
        // is closed (a bound socket left open keeps the process alive after the error is printed).
        if (!transportClosed) await environment.close().catch(() => undefined);
        await records?.close().catch(() => undefined);
        throw error;
      } finally {
        unsubscribe?.();
      }
      // Flushed on every way out: SIGINT/SIGTERM stop the run and end here too. A write error is reported.
      await records?.close();
      const snapshot = stats.snapshot();
      const summary = buildSummary({
        runId,
        scenarioName: scenario.name,
        startWallMs,
        endWallMs: clock.wallNow(),
        exitCode: outcome.exitCode,
        snapshot,
        config,
        media: media?.summary(),
      });
      await writeSummary(summaryPath, summary);
      return {
        runId,
        outDir,
        summaryPath,
        callRecordsPath,
        exitCode: outcome.exitCode,
        reason: outcome.reason,
        fatalMessage: outcome.fatalMessage,
        snapshot,
        tracePaths: outputs.paths,
        media:
          media === undefined
            ? undefined
            : { totals: summary.media ?? media.summary(), recordingsDir: media.options.recordingsDir },
      };
    },
  };
}
