/**
 * The live status on stderr, replacing SIPp's curses screens:
 *   tty    one compact line redrawn in place every 200 ms
 *   lines  a plain line every `periodMs` (for CI logs)
 *   none   silent
 * `stop()` prints the final summary block (totals, failures by class, RTD and call-length statistics).
 */
import type { Clock, TimerHandle } from "../shared/clock.js";
import { FAILURE_CLASSES } from "../shared/failure.js";
import type { DurationStats, StatsSnapshot } from "../engine/outputs/statistics.js";

export type StatusMode = "tty" | "lines" | "none";

export interface StatusWritable {
  write(chunk: string): unknown;
}

export interface StatusReporterOptions {
  snapshot: () => StatsSnapshot;
  output: StatusWritable;
  mode: StatusMode;
  clock: Clock;
  /** Period of "lines" mode (RunConfig.statusPeriodMs). */
  periodMs?: number;
}

const TTY_REFRESH_MS = 200;
/** The rate shown is measured over at least this window, so a 200 ms redraw does not jitter. */
const RATE_WINDOW_MS = 1000;
const CLEAR_LINE = "\r\x1b[2K";

/** `elapsed 12.3s | rate 50.0/s | calls 600 started, 3 active, 597 ok, 0 failed | retrans 0 | unexp 0` */
export function formatStatusLine(s: StatsSnapshot, ratePerSecond: number): string {
  return [
    `elapsed ${(s.elapsedMs / 1000).toFixed(1)}s`,
    `rate ${ratePerSecond.toFixed(1)}/s`,
    `calls ${s.created.cumulative} started, ${s.current} active, ${s.succeeded.cumulative} ok, ${s.failed.cumulative} failed`,
    `retrans ${s.retransmissions.cumulative}`,
    `unexp ${s.unexpected.cumulative}`,
  ].join(" | ");
}

function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function durationLine(label: string, d: DurationStats): string {
  if (d.count === 0) return `  ${label}: no samples`;
  return (
    `  ${label}: n=${d.count} mean ${ms(d.mean)} ms, stdev ${ms(d.stdev)}, min ${ms(d.min)}, ` +
    `p50 ${ms(d.p50)}, p95 ${ms(d.p95)}, p99 ${ms(d.p99)}, max ${ms(d.max)}`
  );
}

/** The block printed when the run ends. */
export function formatFinalSummary(s: StatsSnapshot): string {
  const seconds = s.elapsedMs / 1000;
  const lines = [
    "-".repeat(78),
    `${s.created.cumulative} calls in ${seconds.toFixed(1)}s (${s.callRate.cumulative.toFixed(1)} calls/s): ` +
      `${s.succeeded.cumulative} successful, ${s.failed.cumulative} failed, ${s.current} active` +
      ` (${s.outgoing.cumulative} outgoing, ${s.incoming.cumulative} incoming, peak ${s.peakCurrent} simultaneous)`,
  ];
  const failures = FAILURE_CLASSES.filter((f) => s.failures[f].cumulative > 0).map(
    (f) => `${f} ${s.failures[f].cumulative}`,
  );
  if (failures.length > 0) lines.push(`  failures: ${failures.join(", ")}`);
  lines.push(
    `  retransmissions ${s.retransmissions.cumulative} | unexpected ${s.unexpected.cumulative} | ` +
      `out-of-call ${s.outOfCall.cumulative} | dead-call ${s.deadCall.cumulative} | ` +
      `parse errors ${s.parseErrors.cumulative} | warnings ${s.warnings.cumulative} | fatal ${s.fatalErrors.cumulative}`,
  );
  for (const r of s.rtds) lines.push(durationLine(`response time ${r.name}`, r.stats));
  lines.push(durationLine("call length", s.callLength));
  for (const c of s.counters) lines.push(`  counter ${c.name}: ${c.value.cumulative}`);
  return lines.join("\n") + "\n";
}

export class StatusReporter {
  readonly #opts: StatusReporterOptions;
  #timer: TimerHandle | undefined;
  #running = false;
  #done = false;
  #rateAtMs = 0;
  #rateCreated = 0;
  #rate = 0;

  constructor(opts: StatusReporterOptions) {
    this.#opts = opts;
  }

  start(): void {
    if (this.#running || this.#opts.mode === "none") return;
    this.#running = true;
    this.#rateAtMs = this.#opts.clock.now();
    this.#schedule();
  }

  /** Stops the updates and prints the final summary once (nothing in "none" mode). Idempotent. */
  stop(): void {
    this.#running = false;
    this.#timer?.cancel();
    this.#timer = undefined;
    if (this.#done || this.#opts.mode === "none") return;
    this.#done = true;
    const prefix = this.#opts.mode === "tty" ? CLEAR_LINE : "";
    this.#opts.output.write(prefix + formatFinalSummary(this.#opts.snapshot()));
  }

  #schedule(): void {
    const period = this.#opts.mode === "tty" ? TTY_REFRESH_MS : (this.#opts.periodMs ?? 1000);
    this.#timer = this.#opts.clock.setTimer(period, () => {
      if (!this.#running) return;
      this.#draw();
      this.#schedule();
    });
  }

  #draw(): void {
    const s = this.#opts.snapshot();
    const now = this.#opts.clock.now();
    const dt = now - this.#rateAtMs;
    if (dt >= RATE_WINDOW_MS || this.#opts.mode === "lines") {
      this.#rate = dt > 0 ? ((s.created.cumulative - this.#rateCreated) * 1000) / dt : 0;
      this.#rateAtMs = now;
      this.#rateCreated = s.created.cumulative;
    }
    const line = formatStatusLine(s, this.#rate);
    this.#opts.output.write(this.#opts.mode === "tty" ? CLEAR_LINE + line : line + "\n");
  }
}
