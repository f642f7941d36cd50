/**
 * The one connection a client run shares over a stream transport (`-t t1`, `l1`, `ws1`, `wss1`): calls hold this
 * object; it sends on the current socket and, when that socket is lost, reconnects per the run's policy.
 *
 * SIPp behaviour (SIPpSocket::reset_connection, socket.cpp): reconnecting is allowed while -max_reconnect is
 * above 0 (or -1: always), each reconnection uses one; otherwise "Max number of reconnections reached" ends the
 * run. With -reconnect_close true (the default) the calls on the socket are closed first (counted
 * FailedTcpClosed in SIPp; `transport_error` here for TLS / WS / WSS); then SIPp sleeps -reconnect_sleep ms and
 * reconnects; if that fails ("Could not reconnect TCP socket") the calls are closed and the next loss decides
 * again. Here a failed reconnection uses the policy the same way, so a run never waits on a peer that is gone.
 */
import type { Clock, TimerHandle } from "../../shared/clock.js";
import { allocateConnectionId, type Peer, type SipConnection, type TransportName } from "../../sip/transport.js";
import type { ReconnectPolicy } from "./run-config.js";

export interface LossPlan {
  /** Fail the calls on the connection now (-reconnect_close, or no reconnection). */
  readonly closeCalls: boolean;
  /** A new connection will be opened after -reconnect_sleep. */
  readonly reconnect: boolean;
}

export interface SharedConnectionEvents {
  /** A reconnection attempt failed: another loss of this connection (the policy decides again, `lost()`). */
  reconnectFailed(error: Error): void;
  reconnected(): void;
}

export class SharedConnection implements SipConnection {
  readonly id = allocateConnectionId();
  readonly transport: TransportName;
  readonly #dial: () => Promise<SipConnection>;
  readonly #clock: Clock;
  readonly #events: SharedConnectionEvents;
  #current: SipConnection;
  #left: number;
  #timer: TimerHandle | undefined;
  #down = false;
  #closedLocally = false;
  /** New calls waiting for the reconnection (SIPp opens none while it reconnects). */
  #waiters: { resolve: (c: SipConnection) => void; reject: (e: Error) => void }[] = [];
  /** Set once nothing more will be tried: new calls fail at once with it. */
  #gaveUp: Error | undefined;
  readonly #policy: ReconnectPolicy;
  /** Reconnections made so far. */
  reconnections = 0;

  constructor(
    first: SipConnection,
    policy: ReconnectPolicy,
    dial: () => Promise<SipConnection>,
    clock: Clock,
    events: SharedConnectionEvents,
  ) {
    this.#current = first;
    this.transport = first.transport;
    this.#left = policy.max;
    this.#policy = policy;
    this.#dial = dial;
    this.#clock = clock;
    this.#events = events;
  }

  /** True for the socket currently under this connection (messages from it belong to this connection). */
  owns(connection: SipConnection): boolean {
    return connection === this.#current;
  }

  get local(): Peer {
    return this.#current.local;
  }

  get remote(): Peer | undefined {
    return this.#current.remote;
  }

  get closed(): boolean {
    return this.#closedLocally || this.#down;
  }

  get pendingBytes(): number {
    return this.#down ? 0 : this.#current.pendingBytes;
  }

  /** Between a loss and the reconnection nothing can be sent: false, and the call fails as on a closed socket. */
  send(data: Buffer, to: Peer): boolean {
    if (this.closed) return false;
    return this.#current.send(data, to);
  }

  /** This connection for a new call: now, or once reconnected (rejects if the connection is given up). */
  ready(): SipConnection | Promise<SipConnection> {
    if (this.#gaveUp !== undefined) return Promise.reject(this.#gaveUp);
    if (!this.#down || this.#closedLocally) return this;
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  close(): void {
    this.#giveUp(new Error("the run is over"));
    this.#closedLocally = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#current.close();
  }

  /**
   * The current socket was lost (closed by the peer, reset, or a reconnection failed; `reason` says how): what
   * happens now.
   */
  lost(reason: string): LossPlan {
    this.#down = true;
    if (this.#closedLocally || this.#left === 0) {
      this.#giveUp(new Error(`the shared connection is lost (${reason}); Max number of reconnections reached`));
      return { closeCalls: true, reconnect: false };
    }
    if (this.#left > 0) this.#left--;
    this.#timer = this.#clock.setTimer(this.#policy.sleepMs, () => {
      this.#timer = undefined;
      this.#reconnect();
    });
    return { closeCalls: this.#policy.closeCalls, reconnect: true };
  }

  #reconnect(): void {
    this.#dial().then(
      (connection) => {
        if (this.#closedLocally) {
          connection.close();
          return;
        }
        this.#current = connection;
        this.#down = false;
        this.reconnections++;
        this.#events.reconnected();
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const w of waiters) w.resolve(this);
      },
      (error: unknown) => {
        if (this.#closedLocally) return;
        this.#events.reconnectFailed(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  #giveUp(error: Error): void {
    this.#gaveUp ??= error;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(error);
  }
}
