/**
 * Opens client calls: by rate (-r/-rp, with the -rate_increase ramp), or as a closed loop of -users, bounded by
 * -m (total) and -l (concurrent). Connections per call (-t un / tn) may take a moment: calls waiting for one count
 * against -l as "pending".
 */
import type { Clock, TimerHandle } from "../../shared/clock.js";
import type { SipConnection } from "../../sip/transport.js";
import { RateScheduler } from "./rate-scheduler.js";
import type { RunConfig } from "./run-config.js";

/** What the opener needs of its run. */
export interface OutgoingCallsHost {
  readonly config: RunConfig;
  readonly clock: Clock;
  /** No new calls: the run is stopping or over. */
  readonly stopping: boolean;
  readonly activeCalls: number;
  readonly createdCalls: number;
  /** Reserves the next call number (counts toward -m). */
  nextCallNumber(): number;
  connectionForNewCall(): Promise<SipConnection> | SipConnection;
  startOutgoing(number: number, userId: number | undefined, connection: SipConnection): void;
  /** The per-call connection could not be made: the call fails with tcp_connect (TCP) or transport_error. */
  connectFailed(number: number, reason: string): void;
  /** -rate_max reached without -no_rate_quit. */
  rateMaxReached(): void;
  /** The rate changed (the -rate_increase ramp, or setRate): the stat CSV's TargetRate follows it, as in SIPp. */
  rateChanged(rate: number): void;
  checkDone(): void;
}

export class OutgoingCalls {
  readonly #host: OutgoingCallsHost;
  readonly #rate: RateScheduler;
  readonly #freeUsers: number[] = [];
  readonly #closedLoop: boolean;
  #tick: TimerHandle | undefined;
  /** When the armed tick fires (monotonic ms). */
  #tickAt = 0;
  #pending = 0;

  constructor(host: OutgoingCallsHost) {
    this.#host = host;
    const config = host.config;
    this.#closedLoop = config.users !== undefined;
    for (let u = 1; u <= (config.users ?? 0); u++) this.#freeUsers.push(u);
    this.#rate = new RateScheduler(
      {
        rate: config.rate,
        periodMs: config.ratePeriodMs,
        increase: config.rateIncrease,
        // SIPp behaviour: -rate_interval defaults to the -fd period.
        intervalMs: config.rateIntervalMs ?? config.trace.statPeriodMs,
        max: config.rateMax,
      },
      host.clock.now(),
    );
  }

  /** Calls waiting for their connection. */
  get pending(): number {
    return this.#pending;
  }

  setRate(rate: number): void {
    this.#rate.setRate(rate);
    this.#host.rateChanged(this.#rate.rate);
    this.#scheduleTick();
  }

  /** A user's call ended: the user is free for its next call (-users). */
  releaseUser(userId: number): void {
    if (!this.#host.stopping) this.#freeUsers.push(userId);
  }

  stop(): void {
    this.#tick?.cancel();
    this.#tick = undefined;
  }

  /** Opens every call that is due now, then schedules the next look. */
  open(): void {
    const host = this.#host;
    if (this.#closedLoop) {
      // -users: keep every user busy with a call (closed loop), independent of the rate.
      while (this.#canOpen()) this.#openOne(this.#freeUsers.shift());
    } else {
      const before = this.#rate.rate;
      let due = this.#rate.due(host.clock.now());
      if (this.#rate.rate !== before) host.rateChanged(this.#rate.rate);
      while (due > 0 && this.#canOpen()) {
        this.#openOne(undefined);
        this.#rate.consume(1);
        due--;
      }
    }
    if (this.#rate.reachedMax && !host.config.noRateQuit) {
      host.rateMaxReached();
      return;
    }
    this.#scheduleTick();
    host.checkDone();
  }

  #canOpen(): boolean {
    const host = this.#host;
    if (host.stopping) return false;
    const max = host.config.maxCalls;
    if (max !== undefined && host.createdCalls >= max) return false;
    if (this.#closedLoop) return this.#freeUsers.length > 0;
    return host.activeCalls + this.#pending < this.#limit();
  }

  #limit(): number {
    const config = this.#host.config;
    if (config.limit !== undefined) return config.limit;
    // SIPp behaviour: the default limit is 3 x rate x max(call duration, 1 s); we use the -d pause as duration.
    return Math.max(1, Math.ceil(3 * this.#rate.callsPerSecond * Math.max(config.defaultPauseMs / 1000, 1)));
  }

  #scheduleTick(): void {
    if (this.#host.stopping || this.#closedLoop) return;
    const wait = Math.min(Math.max(this.#rate.msUntilNext(), 1), 200);
    const at = this.#host.clock.now() + wait;
    // A call's end looks again (open): a tick already armed to fire no later keeps its timer (one per tick, not
    // one per call end); firing early only looks once more.
    if (this.#tick !== undefined && this.#tickAt <= at) return;
    this.#tick?.cancel();
    this.#tickAt = at;
    this.#tick = this.#host.clock.setTimer(wait, () => {
      this.#tick = undefined;
      this.open();
    });
  }

  #openOne(userId: number | undefined): void {
    const host = this.#host;
    const number = host.nextCallNumber();
    const connection = host.connectionForNewCall();
    if (!(connection instanceof Promise)) {
      host.startOutgoing(number, userId, connection);
      return;
    }
    this.#pending++;
    connection.then(
      (conn) => {
        this.#pending--;
        host.startOutgoing(number, userId, conn);
      },
      (error: unknown) => {
        this.#pending--;
        host.connectFailed(number, error instanceof Error ? error.message : String(error));
        if (userId !== undefined) this.releaseUser(userId);
        host.checkDone();
      },
    );
  }
}
