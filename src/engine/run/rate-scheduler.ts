/**
 * Decides how many new calls to open, SIPp style: `rate` calls per `periodMs`, with an optional ramp
 * (-rate_increase every -rate_interval up to -rate_max). Calls not opened on time (because of -l) are owed and
 * opened as soon as the limit allows, as SIPp's `calls_to_open = elapsed * rate - created` does.
 */
export interface RateOptions {
  rate: number;
  periodMs: number;
  increase: number | undefined;
  intervalMs: number | undefined;
  max: number | undefined;
}

export class RateScheduler {
  #rate: number;
  readonly #periodMs: number;
  readonly #opts: RateOptions;
  #credit = 0;
  #last: number;
  #nextIncrease: number;
  #reachedMax = false;

  constructor(opts: RateOptions, now: number) {
    this.#opts = opts;
    this.#rate = opts.rate;
    this.#periodMs = opts.periodMs;
    this.#last = now;
    // The first call goes out at once, as in SIPp.
    this.#credit = opts.rate > 0 ? 1 : 0;
    this.#nextIncrease = now + (opts.intervalMs ?? Infinity);
  }

  get rate(): number {
    return this.#rate;
  }

  /** True once the ramp has reached -rate_max. */
  get reachedMax(): boolean {
    return this.#reachedMax;
  }

  /** Calls per second at the current rate. */
  get callsPerSecond(): number {
    return (this.#rate * 1000) / this.#periodMs;
  }

  /** Accrues credit up to `now` and returns how many calls are owed (whole calls). */
  due(now: number): number {
    const { increase, intervalMs, max } = this.#opts;
    while (increase !== undefined && intervalMs !== undefined && now >= this.#nextIncrease) {
      this.#accrue(this.#nextIncrease);
      this.#rate += increase;
      if (max !== undefined && this.#rate >= max) {
        this.#rate = max;
        this.#reachedMax = true;
      }
      this.#nextIncrease += intervalMs;
    }
    this.#accrue(now);
    return Math.floor(this.#credit);
  }

  /** Records that `n` owed calls were opened. */
  consume(n: number): void {
    this.#credit -= n;
  }

  setRate(rate: number): void {
    this.#rate = Math.max(0, rate);
  }

  /** Milliseconds until the next whole call is owed (for scheduling the next tick). */
  msUntilNext(): number {
    if (this.#rate <= 0) return Infinity;
    const missing = 1 - (this.#credit - Math.floor(this.#credit));
    return (missing * this.#periodMs) / this.#rate;
  }

  #accrue(until: number): void {
    if (until <= this.#last) return;
    this.#credit += ((until - this.#last) * this.#rate) / this.#periodMs;
    this.#last = until;
  }
}
