/**
 * Run statistics: SIPp's counters (cumulative and periodic), response-time durations (RTD), call lengths with
 * their repartition buckets and percentiles, per-step message counts and user counters.
 * Hot path: every event is a few additions on plain numbers; only `rtd()` and `counter()` look a name up.
 */
import type { Clock } from "../../shared/clock.js";
import { FAILURE_CLASSES, type FailureClass } from "../../shared/failure.js";
import type { Repartition, Scenario } from "../../scenario/model.js";
import type { ConnectionShedReason } from "../../sip/transport.js";

export interface StatisticsOptions {
  clock: Clock;
  rtdNames: readonly string[];
  counterNames: readonly string[];
  responseTimeRepartition: Repartition;
  callLengthRepartition: Repartition;
  stepCount: number;
}

/** A counter read twice: since the last `resetPeriodic()` (SIPp's "(P)") and since the start ("(C)"). */
export interface PairCount {
  periodic: number;
  cumulative: number;
}

export interface DurationStats {
  /** Cumulative sample count, mean, sample standard deviation, min, max and percentiles, in ms. */
  count: number;
  mean: number;
  stdev: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
  periodic: { count: number; mean: number; stdev: number };
  /** Cumulative bucket counts; `counts[i]` holds values `< edges[i]`, the last one values `>= edges[last]`. */
  repartition: { edges: readonly number[]; counts: number[] };
}

export interface StepCounts {
  /** Messages sent by this step (first transmissions). */
  sent: number;
  /** Retransmissions we sent for this step. */
  retransmitted: number;
  received: number;
  /** Duplicates (retransmissions from the peer) received for this step. */
  retransReceived: number;
  timeouts: number;
  unexpected: number;
  /** Calls currently paused in this step (SIPp's Pause_Sessions). */
  pauseSessions: number;
}

export interface StatsSnapshot {
  startWallMs: number;
  periodStartWallMs: number;
  wallMs: number;
  elapsedMs: number;
  periodElapsedMs: number;
  /** Target rate (calls per rate period) or user count, as set with `setTarget`. */
  target: number;
  /** Calls created per second. */
  callRate: PairCount;
  created: PairCount;
  incoming: PairCount;
  outgoing: PairCount;
  current: number;
  peakCurrent: number;
  succeeded: PairCount;
  failed: PairCount;
  /** Calls aborted when the run stopped: not failed calls (SIPp does not count them), but they end with a record. */
  aborted: PairCount;
  failures: Record<FailureClass, PairCount>;
  retransmissions: PairCount;
  outOfCall: PairCount;
  deadCall: PairCount;
  autoAnswered: PairCount;
  warnings: PairCount;
  fatalErrors: PairCount;
  parseErrors: PairCount;
  /** Stream server connections refused beyond --max-connections / closed after --idle-timeout. */
  connectionsRefused: PairCount;
  connectionsIdleClosed: PairCount;
  unexpected: PairCount;
  timeouts: PairCount;
  rtds: { name: string; stats: DurationStats }[];
  callLength: DurationStats;
  steps: StepCounts[];
  counters: { name: string; value: PairCount }[];
}

/** A counter kept twice: cumulative and periodic. */
class Pair {
  c = 0;
  p = 0;
  add(n = 1): void {
    this.c += n;
    this.p += n;
  }
  read(): PairCount {
    return { periodic: this.p, cumulative: this.c };
  }
}

// Log-linear histogram: 64 sub-buckets per power of two from 2^-4 ms to 2^24 ms, relative error below 1 %.
const SUB = 64;
const EXP_MIN = -4;
const EXP_MAX = 24;
const HIST_SIZE = (EXP_MAX - EXP_MIN) * SUB + 2;

function histIndex(v: number): number {
  if (!(v >= 2 ** EXP_MIN)) return 0;
  if (v >= 2 ** EXP_MAX) return HIST_SIZE - 1;
  const e = Math.floor(Math.log2(v));
  const sub = Math.min(SUB - 1, Math.floor((v / 2 ** e - 1) * SUB));
  return (e - EXP_MIN) * SUB + sub + 1;
}

function histValue(i: number): number {
  if (i === 0) return 0;
  if (i === HIST_SIZE - 1) return 2 ** EXP_MAX;
  const e = Math.floor((i - 1) / SUB) + EXP_MIN;
  const sub = (i - 1) % SUB;
  return 2 ** e * (1 + (sub + 0.5) / SUB);
}

function stdev(n: number, sum: number, sumSq: number): number {
  if (n <= 1) return 0;
  const v = (n * sumSq - sum * sum) / (n * (n - 1));
  return v > 0 ? Math.sqrt(v) : 0;
}

/** Accumulates one duration series (an RTD or the call length). */
class DurationSeries {
  n = 0;
  sum = 0;
  sumSq = 0;
  min = Infinity;
  max = -Infinity;
  pn = 0;
  pSum = 0;
  pSumSq = 0;
  readonly hist = new Uint32Array(HIST_SIZE);
  readonly buckets: number[];
  constructor(readonly edges: readonly number[]) {
    this.buckets = new Array<number>(edges.length + 1).fill(0);
  }

  add(ms: number): void {
    this.n++;
    this.sum += ms;
    this.sumSq += ms * ms;
    this.pn++;
    this.pSum += ms;
    this.pSumSq += ms * ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    const h = histIndex(ms);
    this.hist[h] = (this.hist[h] ?? 0) + 1;
    // SIPp behaviour (CStat::updateRepartition): first bucket whose edge is strictly greater, else the last one.
    let i = this.edges.findIndex((edge) => ms < edge);
    if (i < 0) i = this.edges.length;
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
  }

  resetPeriodic(): void {
    this.pn = 0;
    this.pSum = 0;
    this.pSumSq = 0;
  }

  percentile(p: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil(p * this.n));
    let seen = 0;
    for (let i = 0; i < HIST_SIZE; i++) {
      seen += this.hist[i] ?? 0;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, histValue(i)));
    }
    return this.max;
  }

  read(): DurationStats {
    const empty = this.n === 0;
    return {
      count: this.n,
      mean: empty ? 0 : this.sum / this.n,
      stdev: stdev(this.n, this.sum, this.sumSq),
      min: empty ? 0 : this.min,
      max: empty ? 0 : this.max,
      p50: this.percentile(0.5),
      p95: this.percentile(0.95),
      p99: this.percentile(0.99),
      periodic: {
        count: this.pn,
        mean: this.pn === 0 ? 0 : this.pSum / this.pn,
        stdev: stdev(this.pn, this.pSum, this.pSumSq),
      },
      repartition: { edges: this.edges, counts: [...this.buckets] },
    };
  }
}

const FAILURE_INDEX = new Map<FailureClass, number>(FAILURE_CLASSES.map((f, i) => [f, i]));

export class Statistics {
  /** Statistics with the RTDs, counters, repartitions and steps of a scenario. */
  static forScenario(scenario: Scenario, clock: Clock): Statistics {
    return new Statistics({
      clock,
      rtdNames: scenario.rtdNames,
      counterNames: scenario.counterNames,
      responseTimeRepartition: scenario.responseTimeRepartition,
      callLengthRepartition: scenario.callLengthRepartition,
      stepCount: scenario.steps.length,
    });
  }

  readonly #clock: Clock;
  readonly #rtdEdges: readonly number[];
  readonly #startMono: number;
  readonly #startWall: number;
  #periodStartMono: number;
  #periodStartWall: number;
  #target = 0;
  #current = 0;
  #peak = 0;
  readonly #incoming = new Pair();
  readonly #outgoing = new Pair();
  readonly #succeeded = new Pair();
  readonly #failed = new Pair();
  readonly #aborted = new Pair();
  readonly #failures = FAILURE_CLASSES.map(() => new Pair());
  readonly #retrans = new Pair();
  readonly #outOfCall = new Pair();
  readonly #deadCall = new Pair();
  readonly #autoAnswered = new Pair();
  readonly #warnings = new Pair();
  readonly #fatal = new Pair();
  readonly #parseErrors = new Pair();
  readonly #connectionsRefused = new Pair();
  readonly #connectionsIdleClosed = new Pair();
  readonly #unexpected = new Pair();
  readonly #timeouts = new Pair();
  readonly #rtdIndex = new Map<string, DurationSeries>();
  readonly #rtds: { name: string; series: DurationSeries }[] = [];
  readonly #callLength: DurationSeries;
  readonly #counterIndex = new Map<string, Pair>();
  readonly #counters: { name: string; pair: Pair }[] = [];
  readonly #steps: StepCounts[];

  constructor(opts: StatisticsOptions) {
    this.#clock = opts.clock;
    this.#rtdEdges = opts.responseTimeRepartition.edges;
    this.#callLength = new DurationSeries(opts.callLengthRepartition.edges);
    for (const name of opts.rtdNames) this.#rtdSlot(name);
    for (const name of opts.counterNames) this.#counterSlot(name);
    this.#steps = Array.from({ length: opts.stepCount }, () => ({
      sent: 0,
      retransmitted: 0,
      received: 0,
      retransReceived: 0,
      timeouts: 0,
      unexpected: 0,
      pauseSessions: 0,
    }));
    this.#startMono = this.#periodStartMono = this.#clock.now();
    this.#startWall = this.#periodStartWall = this.#clock.wallNow();
  }

  /** Active calls. */
  get current(): number {
    return this.#current;
  }

  /** The stat CSV's TargetRate column: the current rate (it follows the -rate_increase ramp), or the -users count. */
  setTarget(value: number): void {
    this.#target = value;
  }

  callCreated(direction: "incoming" | "outgoing"): void {
    (direction === "incoming" ? this.#incoming : this.#outgoing).add();
    if (++this.#current > this.#peak) this.#peak = this.#current;
  }

  callSucceeded(callLengthMs: number): void {
    this.#succeeded.add();
    this.#current--;
    this.#callLength.add(callLengthMs);
  }

  /** SIPp behaviour: a failed call counts in FailedCall and in its class, and its length is still recorded. */
  callFailed(failure: FailureClass, callLengthMs: number): void {
    this.#failed.add();
    this.#failures[FAILURE_INDEX.get(failure) ?? 0]?.add();
    this.#current--;
    this.#callLength.add(callLengthMs);
  }

  /**
   * A call aborted because the run stopped (SIGTERM, a second Ctrl-C, -timeout, stop_now): no longer active, counted
   * under failures.aborted as its call record says, but not a FailedCall (SIPp counts none at shutdown).
   */
  callAborted(): void {
    this.#aborted.add();
    this.#failures[FAILURE_INDEX.get("aborted") ?? 0]?.add();
    this.#current--;
  }

  rtd(name: string, ms: number): void {
    this.#rtdSlot(name).add(ms);
  }

  messageSent(step: number): void {
    const s = this.#steps[step];
    if (s) s.sent++;
  }
  /** A retransmission we sent (SIPp's Retransmissions counter and the step's Retrans column). */
  messageRetransmitted(step: number): void {
    this.#retrans.add();
    const s = this.#steps[step];
    if (s) s.retransmitted++;
  }
  /** A retransmission received from the peer for a recv step (the step's Retrans column only). */
  retransmissionReceived(step: number): void {
    const s = this.#steps[step];
    if (s) s.retransReceived++;
  }
  messageReceived(step: number): void {
    const s = this.#steps[step];
    if (s) s.received++;
  }
  messageTimeout(step: number): void {
    this.#timeouts.add();
    const s = this.#steps[step];
    if (s) s.timeouts++;
  }
  messageUnexpected(step: number): void {
    this.#unexpected.add();
    const s = this.#steps[step];
    if (s) s.unexpected++;
  }
  /** A call entered / left a pause step (SIPp's per-step Pause_Sessions gauge). */
  pauseStarted(step: number): void {
    const s = this.#steps[step];
    if (s) s.pauseSessions++;
  }
  pauseEnded(step: number): void {
    const s = this.#steps[step];
    if (s && s.pauseSessions > 0) s.pauseSessions--;
  }
  outOfCallMessage(): void {
    this.#outOfCall.add();
  }
  deadCallMessage(): void {
    this.#deadCall.add();
  }
  autoAnswered(): void {
    this.#autoAnswered.add();
  }
  warning(): void {
    this.#warnings.add();
  }
  fatalError(): void {
    this.#fatal.add();
  }
  parseError(): void {
    this.#parseErrors.add();
  }
  connectionShed(reason: ConnectionShedReason): void {
    (reason === "refused" ? this.#connectionsRefused : this.#connectionsIdleClosed).add();
  }
  counter(name: string): void {
    this.#counterSlot(name).add();
  }

  snapshot(): StatsSnapshot {
    const now = this.#clock.now();
    const elapsedMs = now - this.#startMono;
    const periodElapsedMs = now - this.#periodStartMono;
    const created = { periodic: this.#incoming.p + this.#outgoing.p, cumulative: this.#incoming.c + this.#outgoing.c };
    const failures = {} as Record<FailureClass, PairCount>;
    FAILURE_CLASSES.forEach((f, i) => (failures[f] = this.#failures[i]?.read() ?? { periodic: 0, cumulative: 0 }));
    return {
      startWallMs: this.#startWall,
      periodStartWallMs: this.#periodStartWall,
      wallMs: this.#clock.wallNow(),
      elapsedMs,
      periodElapsedMs,
      target: this.#target,
      // SIPp behaviour (CStat::dumpData): calls created (incoming + outgoing) per second of elapsed time.
      callRate: {
        periodic: periodElapsedMs > 0 ? (1000 * created.periodic) / periodElapsedMs : 0,
        cumulative: elapsedMs > 0 ? (1000 * created.cumulative) / elapsedMs : 0,
      },
      created,
      incoming: this.#incoming.read(),
      outgoing: this.#outgoing.read(),
      current: this.#current,
      peakCurrent: this.#peak,
      succeeded: this.#succeeded.read(),
      failed: this.#failed.read(),
      aborted: this.#aborted.read(),
      failures,
      retransmissions: this.#retrans.read(),
      outOfCall: this.#outOfCall.read(),
      deadCall: this.#deadCall.read(),
      autoAnswered: this.#autoAnswered.read(),
      warnings: this.#warnings.read(),
      fatalErrors: this.#fatal.read(),
      parseErrors: this.#parseErrors.read(),
      connectionsRefused: this.#connectionsRefused.read(),
      connectionsIdleClosed: this.#connectionsIdleClosed.read(),
      unexpected: this.#unexpected.read(),
      timeouts: this.#timeouts.read(),
      rtds: this.#rtds.map((r) => ({ name: r.name, stats: r.series.read() })),
      callLength: this.#callLength.read(),
      steps: this.#steps.map((s) => ({ ...s })),
      counters: this.#counters.map((c) => ({ name: c.name, value: c.pair.read() })),
    };
  }

  /** Starts a new period: zeroes every "(P)" value. Repartition buckets and percentiles stay cumulative. */
  resetPeriodic(): void {
    const pairs = [
      this.#incoming,
      this.#outgoing,
      this.#succeeded,
      this.#failed,
      this.#aborted,
      this.#retrans,
      this.#outOfCall,
      this.#deadCall,
      this.#autoAnswered,
      this.#warnings,
      this.#fatal,
      this.#parseErrors,
      this.#connectionsRefused,
      this.#connectionsIdleClosed,
      this.#unexpected,
      this.#timeouts,
      ...this.#failures,
      ...this.#counters.map((c) => c.pair),
    ];
    for (const p of pairs) p.p = 0;
    for (const r of this.#rtds) r.series.resetPeriodic();
    this.#callLength.resetPeriodic();
    this.#periodStartMono = this.#clock.now();
    this.#periodStartWall = this.#clock.wallNow();
  }

  /** An RTD's series; a name the scenario did not declare gets a new one (appended, like SIPp's findRtd). */
  #rtdSlot(name: string): DurationSeries {
    let series = this.#rtdIndex.get(name);
    if (series === undefined) {
      series = new DurationSeries(this.#rtdEdges);
      this.#rtdIndex.set(name, series);
      this.#rtds.push({ name, series });
    }
    return series;
  }

  #counterSlot(name: string): Pair {
    let pair = this.#counterIndex.get(name);
    if (pair === undefined) {
      pair = new Pair();
      this.#counterIndex.set(name, pair);
      this.#counters.push({ name, pair });
    }
    return pair;
  }
}
