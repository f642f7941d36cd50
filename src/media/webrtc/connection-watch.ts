/**
 * Bounds the time a bridge may take to connect, since werift does not always report failure itself (a wrong TURN
 * secret leaves it gathering and checking forever, libraries.md §1.5):
 *
 *   idle --start()--> ice --ICE connected--> dtls --DTLS connected--> connected
 *                      |                      |
 *                      +--iceTimeoutMs / failed--> failed(ice_failed)
 *                                             +--dtlsTimeoutMs / failed--> failed(dtls_failed)
 *   any --close()--> closed
 *
 * The failure reason names the states reached (gathering, ICE connection, DTLS) so a call record says how far
 * the connection got. werift's iceConnectionState reports "completed" when local gathering completes, before any
 * check (libraries.md §1.5): only "connected" (or "completed" after it) counts as ICE connected.
 */
import type { Clock, TimerHandle } from "../../shared/clock.js";
import type { BridgeFailure } from "./webrtc-types.js";

export const WATCH_PHASES = ["idle", "ice", "dtls", "connected", "failed", "closed"] as const;
export type WatchPhase = (typeof WATCH_PHASES)[number];

const ALLOWED_FROM: Readonly<Record<WatchPhase, readonly WatchPhase[]>> = {
  idle: [],
  ice: ["idle"],
  dtls: ["idle", "ice"],
  connected: ["idle", "ice", "dtls"],
  failed: ["ice", "dtls"],
  closed: ["idle", "ice", "dtls", "connected", "failed"],
};

export interface ConnectionStates {
  readonly gathering: string;
  readonly ice: string;
  readonly dtls: string;
}

export interface ConnectionWatchOptions {
  readonly clock: Clock;
  readonly iceTimeoutMs: number;
  readonly dtlsTimeoutMs: number;
  readonly states: () => ConnectionStates;
  readonly onConnected: () => void;
  readonly onFailed: (failure: BridgeFailure) => void;
}

export class ConnectionWatch {
  readonly #options: ConnectionWatchOptions;
  #phase: WatchPhase = "idle";
  #timer: TimerHandle | undefined;
  #iceConnected = false;
  #dtlsConnected = false;

  constructor(options: ConnectionWatchOptions) {
    this.#options = options;
  }

  get phase(): WatchPhase {
    return this.#phase;
  }

  /** The remote description is applied: the ICE clock starts (once). */
  start(): void {
    if (this.#phase !== "idle") return;
    this.#transition("ice");
    if (this.#iceConnected) this.iceConnected();
    else this.#arm(this.#options.iceTimeoutMs, "ice_failed", "ICE did not connect");
  }

  iceConnected(): void {
    this.#iceConnected = true;
    if (this.#phase !== "ice") return;
    this.#transition("dtls");
    if (this.#dtlsConnected) this.dtlsConnected();
    else this.#arm(this.#options.dtlsTimeoutMs, "dtls_failed", "DTLS did not connect");
  }

  dtlsConnected(): void {
    this.#dtlsConnected = true;
    // werift reports the peer connection "connected" only once ICE is, so DTLS up implies ICE up.
    this.#iceConnected = true;
    if (this.#phase !== "ice" && this.#phase !== "dtls") return;
    this.#transition("connected");
    this.#options.onConnected();
  }

  /** werift itself reported failure (ICE "failed", DTLS "failed"). */
  failed(what: string): void {
    if (this.#phase !== "ice" && this.#phase !== "dtls") return;
    const failure = this.#phase === "ice" ? "ice_failed" : "dtls_failed";
    this.#fail(failure, what);
  }

  close(): void {
    if (this.#phase !== "closed") this.#transition("closed");
  }

  #arm(ms: number, failure: BridgeFailure["failure"], what: string): void {
    this.#timer = this.#options.clock.setTimer(ms, () => {
      this.#fail(failure, `${what} within ${ms} ms`);
    });
  }

  #fail(failure: BridgeFailure["failure"], what: string): void {
    const s = this.#options.states();
    this.#transition("failed");
    this.#options.onFailed({
      failure,
      reason: `${what} (states reached: gathering ${s.gathering}, ICE ${s.ice}, DTLS ${s.dtls})`,
    });
  }

  #transition(to: WatchPhase): void {
    if (!ALLOWED_FROM[to].includes(this.#phase)) return;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#phase = to;
  }
}
