/**
 * SIPp's UDP retransmission of a `<send retrans="T1">` (call.cpp, call::run()):
 *   SIPp behaviour: the first retransmission comes T1 after the send; each later interval doubles
 *   (`nb_last_delay *= 2`); for a non-INVITE the doubled interval is capped at T2 (`-T2`), an INVITE is never
 *   capped. When the timer fires after the last allowed retransmission (`nb_retrans > max`), the send has timed
 *   out (FailedMaxUDPRetrans, or its `ontimeout` label). Defaults: 5 for INVITE, 7 for others; `-max_retrans`
 *   lowers both (SIPp uses min(kind max, -max_retrans)); `-nr` means no Retransmitter at all.
 * With T1 = 500 ms and 5 retransmissions an INVITE is resent at 0.5, 1.5, 3.5, 7.5, 15.5 s and times out at 31.5 s,
 * like RFC 3261 Timer B (64*T1).
 *
 *   idle --start()--> running --stop()--> stopped
 *                        |
 *                        +--(max reached, one more interval)--> exhausted
 */
import type { Clock, TimerHandle } from "../shared/clock.js";
import { SipwrightError } from "../shared/errors.js";

export interface RetransmitPolicy {
  /** First interval (the `retrans` attribute), ms. */
  t1: number;
  /** Cap for non-INVITE intervals, ms (-T2, default 4000). */
  t2: number;
  invite: boolean;
  maxRetrans: number;
}

/** RFC 3261 17.1.1.1: T1, the RTT estimate (-T1; the engine's own requests, e.g. trickle INFO, start from it). */
export const DEFAULT_T1_MS = 500;
export const DEFAULT_T2_MS = 4000;
export const DEFAULT_MAX_INVITE_RETRANS = 5;
export const DEFAULT_MAX_NON_INVITE_RETRANS = 7;

/** Builds the policy for one send from the run options, as SIPp does. */
export function retransmitPolicy(opts: {
  t1: number;
  t2: number;
  invite: boolean;
  maxInviteRetrans: number;
  maxNonInviteRetrans: number;
  /** -max_retrans, when given. */
  maxRetrans: number | undefined;
}): RetransmitPolicy {
  const kindMax = opts.invite ? opts.maxInviteRetrans : opts.maxNonInviteRetrans;
  const maxRetrans = opts.maxRetrans === undefined ? kindMax : Math.min(kindMax, opts.maxRetrans);
  return { t1: opts.t1, t2: opts.t2, invite: opts.invite, maxRetrans };
}

/**
 * Delay before retransmission #attempt (1-based), measured from the previous (re)transmission. Attempt
 * maxRetrans+1 is the wait after the last retransmission before giving up.
 */
export function retransmitDelay(policy: RetransmitPolicy, attempt: number): number {
  if (attempt <= 1) return policy.t1;
  const delay = policy.t1 * 2 ** (attempt - 1);
  // SIPp behaviour: `if (global_t2 < nb_last_delay && !bInviteTransaction) nb_last_delay = global_t2`
  return !policy.invite && delay > policy.t2 ? policy.t2 : delay;
}

export const RETRANSMITTER_STATES = ["idle", "running", "stopped", "exhausted"] as const;
export type RetransmitterState = (typeof RETRANSMITTER_STATES)[number];

const ALLOWED_FROM: Readonly<Record<RetransmitterState, readonly RetransmitterState[]>> = {
  idle: [],
  running: ["idle"],
  stopped: ["idle", "running"],
  exhausted: ["running"],
};

export interface RetransmitterOptions {
  clock: Clock;
  policy: RetransmitPolicy;
  /** Sends the message again. */
  resend: () => void;
  /** The last retransmission went unanswered for one more interval. */
  onExhausted: () => void;
}

export class Retransmitter {
  readonly #clock: Clock;
  readonly #policy: RetransmitPolicy;
  readonly #resend: () => void;
  readonly #onExhausted: () => void;
  #state: RetransmitterState = "idle";
  #count = 0;
  #timer: TimerHandle | undefined;

  constructor(opts: RetransmitterOptions) {
    this.#clock = opts.clock;
    this.#policy = opts.policy;
    this.#resend = opts.resend;
    this.#onExhausted = opts.onExhausted;
  }

  /** Retransmissions sent so far. */
  get count(): number {
    return this.#count;
  }

  get state(): RetransmitterState {
    return this.#state;
  }

  /** Arms the timer; call right after the first transmission. */
  start(): void {
    this.#transition("running");
    this.#arm();
  }

  /** A matching answer arrived (or the call ended): no more retransmissions. Idempotent. */
  stop(): void {
    if (this.#state === "stopped" || this.#state === "exhausted") return;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#transition("stopped");
  }

  #arm(): void {
    this.#timer = this.#clock.setTimer(retransmitDelay(this.#policy, this.#count + 1), () => {
      this.#fire();
    });
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#state !== "running") return;
    if (this.#count >= this.#policy.maxRetrans) {
      this.#transition("exhausted");
      this.#onExhausted();
      return;
    }
    this.#count++;
    this.#resend();
    // resend() may have stopped us (e.g. the send failed and the call ended).
    if (this.#isRunning()) this.#arm();
  }

  /** A method, not an inline comparison: TypeScript would keep the narrowing across the resend() call. */
  #isRunning(): boolean {
    return this.#state === "running";
  }

  #transition(to: RetransmitterState): void {
    if (!ALLOWED_FROM[to].includes(this.#state)) {
      throw new SipwrightError("INTERNAL", `Retransmitter: ${this.#state} -> ${to} is not allowed`);
    }
    this.#state = to;
  }
}
