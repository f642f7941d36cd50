/**
 * The files a run writes besides summary.json: SIPp-compatible traces (-trace_msg, -trace_shortmsg, -trace_err,
 * -trace_logs, -trace_rtt) and the periodic ones (-trace_stat, -trace_counts), all in the run's output folder unless
 * an explicit path was given.
 */
import type { Clock, TimerHandle } from "../../shared/clock.js";
import type { Scenario } from "../../scenario/model.js";
import type { SipMessage } from "../../sip/message.js";
import type { Peer, TransportName } from "../../sip/transport.js";
import type { RunConfig } from "../run/run-config.js";
import type { Statistics } from "./statistics.js";
import type { TraceSink } from "../run/run-environment.js";
import { resolveTracePaths } from "./trace-paths.js";
import { ErrorTraceWriter, LogTraceWriter, MessageTraceWriter, ShortMessageTraceWriter } from "./trace-writers.js";
import { RttTraceWriter } from "./rtt-trace-writer.js";
import { StatCsvWriter } from "./stat-csv-writer.js";
import { CountsTraceWriter } from "./counts-trace-writer.js";

export interface RunOutputsOptions {
  readonly config: RunConfig;
  readonly scenario: Scenario;
  /** Scenario file path or built-in name, for SIPp's default trace file names. */
  readonly scenarioLabel: string;
  readonly outDir: string;
  readonly clock: Clock;
  readonly stats: Statistics;
}

export class RunOutputs implements TraceSink {
  readonly paths: Partial<Record<string, string>>;
  readonly #clock: Clock;
  readonly #stats: Statistics;
  readonly #start: number;
  readonly #messages: MessageTraceWriter | undefined;
  readonly #short: ShortMessageTraceWriter | undefined;
  readonly #errors: ErrorTraceWriter | undefined;
  readonly #logs: LogTraceWriter | undefined;
  readonly #rtt: RttTraceWriter | undefined;
  readonly #stat: StatCsvWriter | undefined;
  readonly #counts: CountsTraceWriter | undefined;
  #timer: TimerHandle | undefined;
  readonly #periodMs: number;

  constructor(opts: RunOutputsOptions) {
    const { config, outDir } = opts;
    const trace = config.trace;
    this.#clock = opts.clock;
    this.#stats = opts.stats;
    this.#start = opts.clock.now();
    this.#periodMs = trace.statPeriodMs;
    const paths = resolveTracePaths(trace, { outDir, scenario: opts.scenarioLabel, pid: process.pid });
    this.paths = paths;
    const delimiter = trace.statDelimiter;
    this.#messages = paths.messages !== undefined ? new MessageTraceWriter(paths.messages) : undefined;
    this.#short = paths.shortmessages !== undefined ? new ShortMessageTraceWriter(paths.shortmessages) : undefined;
    this.#errors = paths.errors !== undefined ? new ErrorTraceWriter(paths.errors) : undefined;
    this.#logs = paths.logs !== undefined ? new LogTraceWriter(paths.logs) : undefined;
    this.#rtt =
      paths.rtt !== undefined ? new RttTraceWriter({ path: paths.rtt, delimiter, freq: trace.rttFreq }) : undefined;
    this.#stat = paths.stat !== undefined ? new StatCsvWriter({ path: paths.stat, delimiter }) : undefined;
    this.#counts =
      paths.counts !== undefined
        ? new CountsTraceWriter({ path: paths.counts, steps: opts.scenario.steps, delimiter })
        : undefined;
  }

  /** Writes the first periodic rows and schedules one per -fd period. */
  startPeriodic(): void {
    if (this.#stat === undefined && this.#counts === undefined) return;
    this.#writePeriodic();
    const tick = (): void => {
      this.#writePeriodic();
      this.#timer = this.#clock.setTimer(this.#periodMs, tick);
    };
    this.#timer = this.#clock.setTimer(this.#periodMs, tick);
  }

  #writePeriodic(): void {
    const snapshot = this.#stats.snapshot();
    this.#stat?.writeRow(snapshot);
    this.#counts?.writeRow(snapshot);
    this.#stats.resetPeriodic();
  }

  sent(data: Buffer, transport: TransportName, _peer: Peer, _callId: string | undefined): void {
    if (this.#messages === undefined && this.#short === undefined) return;
    const wall = this.#clock.wallNow();
    const text = data.toString("latin1");
    this.#messages?.sent(transport, data, wall);
    this.#short?.recordMessage("S", text, wall);
  }

  received(message: SipMessage, transport: TransportName, _peer: Peer): void {
    if (this.#messages === undefined && this.#short === undefined) return;
    const wall = this.#clock.wallNow();
    this.#messages?.received(transport, message.raw, wall);
    this.#short?.record(
      "R",
      { callId: message.callId, cseq: message.header("CSeq") ?? "", firstLine: message.startLine },
      wall,
    );
  }

  error(text: string): void {
    this.#errors?.error(text, this.#clock.wallNow());
  }

  log(text: string): void {
    this.#logs?.log(text);
  }

  rtd(name: string, ms: number): void {
    this.#rtt?.record(this.#clock.now() - this.#start, ms, name);
  }

  /** Final periodic rows, then flush and close every file. */
  async close(): Promise<void> {
    this.#timer?.cancel();
    this.#timer = undefined;
    if (this.#stat !== undefined || this.#counts !== undefined) this.#writePeriodic();
    await Promise.all([
      this.#messages?.close(),
      this.#short?.close(),
      this.#errors?.close(),
      this.#logs?.close(),
      this.#rtt?.close(),
      this.#stat?.close(),
      this.#counts?.close(),
    ]);
  }
}
