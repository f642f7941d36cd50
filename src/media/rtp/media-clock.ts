/**
 * The one media scheduler of a run (DESIGN.md: "One shared scheduler for media pacing (20 ms frames for all calls),
 * not a timer per call"). Every session registers a callback; a single timer calls them all once per tick.
 *
 * Drift-free: tick n is due at the absolute time `start + n × interval`, and each timer is set for the next due
 * time measured from the clock, so timer lateness never accumulates. When the event loop was blocked and several
 * ticks are overdue, up to `maxCatchUpTicks` of them fire back to back (a receiver's jitter buffer absorbs a short
 * burst and no audio is lost); older overdue ticks are skipped and counted. A tick's `index` counts every slot,
 * skipped ones included, so a sender derives its RTP timestamp from it and a skip shows up as a timestamp jump.
 *
 * It measures its own pacing: |actual − ideal| of every tick fired, as p50/p99/max (for bench/rtp).
 */
import type { Clock, TimerHandle } from "../../shared/clock.js";
import { ClosedError } from "../../shared/errors.js";
import { createLogger } from "../../shared/logger.js";

const log = createLogger("media.clock");

export interface MediaTick {
  /** Slot number since the clock was created (skipped slots included); consecutive ticks differ by 1. */
  readonly index: number;
  /** When this tick was due, `Clock.now()` ms. */
  readonly idealTime: number;
  /** When it actually fired. */
  readonly now: number;
}

export type MediaTickCallback = (tick: MediaTick) => void;

export interface MediaClockOptions {
  /** Default 20 ms (one G.711 frame of 160 samples). */
  readonly intervalMs?: number;
  /** Overdue ticks fired back to back when late; older ones are skipped. Default 10 (200 ms of audio). */
  readonly maxCatchUpTicks?: number;
}

export interface PacingStats {
  readonly ticks: number;
  readonly skippedTicks: number;
  /** Callbacks that threw (logged at error level; the other sessions still got their tick). */
  readonly callbackErrors: number;
  /** Percentiles of |actual − ideal| send time, ms (0.01 ms resolution). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Histogram of deviations: 0.01 ms buckets up to 100 ms, then one overflow bucket. */
const BUCKET_MS = 0.01;
const BUCKETS = 10_000;
/** Float slack when deciding whether a tick is due (FakeClock fires exactly on time). */
const EPSILON_MS = 1e-6;

interface Registration {
  readonly callback: MediaTickCallback;
}

export class MediaClock {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #maxCatchUp: number;
  readonly #registrations = new Set<Registration>();
  #timer: TimerHandle | undefined;
  /** Time of slot 0 of the current run of the timer. */
  #start = 0;
  /** Index of the next slot to fire. */
  #next = 1;
  #closed = false;
  #ticks = 0;
  #skipped = 0;
  #errors = 0;
  #maxDeviation = 0;
  readonly #histogram = new Uint32Array(BUCKETS + 1);

  constructor(clock: Clock, options: MediaClockOptions = {}) {
    this.#clock = clock;
    this.#intervalMs = options.intervalMs ?? 20;
    this.#maxCatchUp = Math.max(1, options.maxCatchUpTicks ?? 10);
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Number of registered callbacks. */
  get size(): number {
    return this.#registrations.size;
  }

  /**
   * Calls `callback` on every tick from the next one on; returns the function that unregisters it (idempotent).
   * The timer runs only while something is registered.
   */
  register(callback: MediaTickCallback): () => void {
    if (this.#closed) throw new ClosedError("media clock");
    const registration: Registration = { callback };
    this.#registrations.add(registration);
    if (this.#timer === undefined) this.#startTimer();
    return () => {
      this.#registrations.delete(registration);
      if (this.#registrations.size === 0) this.#stopTimer();
    };
  }

  pacingStats(): PacingStats {
    return pacingStatsOf([this.pacingRecord()]);
  }

  /** The counts and the deviation histogram behind pacingStats(), to merge clocks of several media workers. */
  pacingRecord(): PacingRecord {
    return {
      ticks: this.#ticks,
      skippedTicks: this.#skipped,
      callbackErrors: this.#errors,
      maxMs: this.#maxDeviation,
      histogram: this.#histogram.slice(),
    };
  }

  resetPacingStats(): void {
    this.#ticks = 0;
    this.#skipped = 0;
    this.#errors = 0;
    this.#maxDeviation = 0;
    this.#histogram.fill(0);
  }

  /** Stops the timer and drops every registration; later registrations throw ClosedError. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#registrations.clear();
    this.#stopTimer();
  }

  #startTimer(): void {
    // The first tick is one interval from now; slot numbering continues from the previous run of the timer.
    this.#start = this.#clock.now() - (this.#next - 1) * this.#intervalMs;
    this.#schedule();
  }

  #stopTimer(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #schedule(): void {
    const due = this.#start + this.#next * this.#intervalMs;
    this.#timer = this.#clock.setTimer(due - this.#clock.now(), this.#onTimer);
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    const now = this.#clock.now();
    const last = Math.floor((now - this.#start + EPSILON_MS) / this.#intervalMs);
    const overdue = last - this.#next + 1;
    if (overdue > this.#maxCatchUp) {
      const skip = overdue - this.#maxCatchUp;
      const lateMs = now - (this.#start + this.#next * this.#intervalMs);
      this.#skipped += skip;
      this.#next += skip;
      log.debug(`event loop ${lateMs.toFixed(1)} ms late: skipped ${skip} ticks`);
    }
    // A callback may unregister everything, or re-register after that (which starts a new timer): stop then.
    while (this.#next <= last && this.#registrations.size > 0 && !this.#hasTimer()) {
      const idealTime = this.#start + this.#next * this.#intervalMs;
      this.#fire({ index: this.#next, idealTime, now });
      this.#next++;
    }
    if (this.#registrations.size > 0 && !this.#hasTimer()) this.#schedule();
  };

  #hasTimer(): boolean {
    return this.#timer !== undefined;
  }

  #fire(tick: MediaTick): void {
    this.#ticks++;
    this.#record(Math.abs(tick.now - tick.idealTime));
    for (const registration of this.#registrations) {
      try {
        registration.callback(tick);
      } catch (error) {
        // STYLE.md: a throwing listener must not break the media path of every other call; it is counted in
        // pacingStats().callbackErrors and logged, and the owner of the callback sees its own session misbehave.
        this.#errors++;
        log.error(`tick callback threw: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  #record(deviationMs: number): void {
    this.#maxDeviation = Math.max(this.#maxDeviation, deviationMs);
    const bucket = Math.min(BUCKETS, Math.floor(deviationMs / BUCKET_MS + EPSILON_MS));
    this.#histogram[bucket] = (this.#histogram[bucket] ?? 0) + 1;
  }
}

/** What a MediaClock measured, as counts: records of several clocks merge into one PacingStats. */
export interface PacingRecord {
  readonly ticks: number;
  readonly skippedTicks: number;
  readonly callbackErrors: number;
  readonly maxMs: number;
  /** Ticks by |actual − ideal|: 0.01 ms buckets up to 100 ms, then one overflow bucket. */
  readonly histogram: Uint32Array;
}

/** The pacing of one clock, or of several (media workers): percentiles over all their ticks together. */
export function pacingStatsOf(records: readonly PacingRecord[]): PacingStats {
  const histogram = new Uint32Array(BUCKETS + 1);
  let ticks = 0;
  let skippedTicks = 0;
  let callbackErrors = 0;
  let maxMs = 0;
  for (const record of records) {
    ticks += record.ticks;
    skippedTicks += record.skippedTicks;
    callbackErrors += record.callbackErrors;
    maxMs = Math.max(maxMs, record.maxMs);
    for (let i = 0; i <= BUCKETS; i++) histogram[i] = (histogram[i] ?? 0) + (record.histogram[i] ?? 0);
  }
  const percentile = (q: number): number => {
    if (ticks === 0) return 0;
    const rank = Math.ceil(q * ticks);
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += histogram[i] ?? 0;
      if (seen >= rank) return i === BUCKETS ? maxMs : i * BUCKET_MS;
    }
    return maxMs;
  };
  return { ticks, skippedTicks, callbackErrors, p50Ms: percentile(0.5), p99Ms: percentile(0.99), maxMs };
}
