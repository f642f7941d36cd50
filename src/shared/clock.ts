/**
 * An injectable clock. The engine never calls Date.now()/setTimeout directly, so retransmission and pause timing
 * can be tested deterministically with {@link FakeClock}.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds (fractional), origin arbitrary. */
  now(): number;
  /** Wall-clock epoch milliseconds. */
  wallNow(): number;
  setTimer(delayMs: number, fn: () => void): TimerHandle;
}

const origin = performance.now();

/** A Node timer as a TimerHandle: one object beside the Timeout, no closure (the engine arms several per call). */
class SystemTimer implements TimerHandle {
  readonly #timeout: NodeJS.Timeout;

  constructor(timeout: NodeJS.Timeout) {
    this.#timeout = timeout;
  }

  cancel(): void {
    clearTimeout(this.#timeout);
  }
}

export const systemClock: Clock = {
  now: () => performance.now() - origin,
  // Microsecond resolution for trace timestamps (Date.now() has only milliseconds).
  wallNow: () => performance.timeOrigin + performance.now(),
  setTimer(delayMs, fn) {
    return new SystemTimer(setTimeout(fn, Math.max(0, delayMs)));
  },
};

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A manually advanced clock for unit tests. Timers fire in due order during {@link advance}. */
export class FakeClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers: FakeTimer[] = [];
  readonly wallOrigin: number;

  constructor(wallOrigin = Date.UTC(2026, 0, 1)) {
    this.wallOrigin = wallOrigin;
  }

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.wallOrigin + this.#now;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const timer: FakeTimer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Number of timers not yet fired or cancelled. */
  get pending(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.fn();
    }
    this.#now = target;
    this.#timers = this.#timers.filter((t) => !t.cancelled);
  }
}
