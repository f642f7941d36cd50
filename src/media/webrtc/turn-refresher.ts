/**
 * Keeps a call's TURN credentials fresh during long calls: at the moment its source says (`refreshAtMs`, before
 * expiry: see turn-credentials.ts) the credential is re-issued and counted. What is re-issued serves new TURN
 * allocations; a running allocation keeps the username it was created with — coturn answers a Refresh with another
 * username 441 Wrong Credentials (RFC 5766 7.2) and keeps an allocation alive past its credential's expiry, so the
 * call's relay goes on. One timer per call, only when the source has credentials that expire (REST).
 */
import type { Clock, TimerHandle } from "../../shared/clock.js";
import type { TurnCredentialSource } from "./webrtc-types.js";

export class TurnRefresher {
  readonly #source: TurnCredentialSource | undefined;
  readonly #clock: Clock;
  #timer: TimerHandle | undefined;
  #expiresAtMs: number | undefined;
  #closed = false;

  constructor(source: TurnCredentialSource | undefined, clock: Clock) {
    this.#source = source;
    this.#clock = clock;
    if (source !== undefined) this.#take(source.current());
  }

  /** Expiry of the current credential (wall-clock epoch ms). */
  get expiresAtMs(): number | undefined {
    return this.#expiresAtMs;
  }

  /** Credentials re-issued during the call. */
  get refreshes(): number {
    return this.#source?.refreshes ?? 0;
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #take(credential: ReturnType<TurnCredentialSource["current"]>): void {
    this.#expiresAtMs = credential.expiresAtMs;
    const at = credential.refreshAtMs;
    if (at === undefined || this.#closed) return;
    this.#timer = this.#clock.setTimer(Math.max(0, at - this.#clock.wallNow()), () => {
      this.#timer = undefined;
      if (this.#closed || this.#source === undefined) return;
      this.#take(this.#source.current());
    });
  }
}
