/**
 * Limits of a stream server (TCP, TLS, WS, WSS) against a peer that opens connections and never uses them: at
 * most `maxConnections` accepted connections at once (the kernel accepts the next one, which is closed at once and
 * counted as refused), and an accepted connection on which nothing is received or sent for `idleTimeoutMs`, and
 * that no call uses, is closed (counted). Connections we open ourselves are not limited.
 */
import type { Server } from "node:net";
import type { Peer, TransportHandlers } from "./transport.js";

export interface ConnectionLimits {
  /** `--max-connections`: accepted connections open at once; 0 = no cap. */
  readonly maxConnections: number;
  /** `--idle-timeout`: ms without traffic before an accepted connection is closed; 0 = never. */
  readonly idleTimeoutMs: number;
}

export const DEFAULT_MAX_CONNECTIONS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

export const NO_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 0, idleTimeoutMs: 0 };

/** Sets the cap on `server` (net, tls, http and https servers alike) and reports each connection it refuses. */
export function capConnections(server: Server, limits: ConnectionLimits, handlers: TransportHandlers): void {
  if (limits.maxConnections <= 0) return;
  server.maxConnections = limits.maxConnections;
  server.on("drop", (data) => {
    const remote: Peer = { host: data?.remoteAddress ?? "", port: data?.remotePort ?? 0 };
    handlers.onConnectionShed?.("refused", remote);
  });
}

/**
 * Calls `onIdle` once after `idleMs` without a touch() while `inUse()` is false; 0 never. One timer per
 * connection, re-armed lazily.
 */
export class IdleWatch {
  readonly #idleMs: number;
  readonly #onIdle: () => void;
  readonly #inUse: () => boolean;
  #last = Date.now();
  #timer: NodeJS.Timeout | undefined;

  constructor(idleMs: number, onIdle: () => void, inUse: () => boolean = () => false) {
    this.#idleMs = idleMs;
    this.#onIdle = onIdle;
    this.#inUse = inUse;
    if (idleMs > 0) this.#arm(idleMs);
  }

  touch(): void {
    this.#last = Date.now();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => {
      const idle = Date.now() - this.#last;
      if (idle >= this.#idleMs && this.#inUse()) {
        this.#arm(this.#idleMs);
      } else if (idle >= this.#idleMs) {
        this.#timer = undefined;
        this.#onIdle();
      } else {
        this.#arm(this.#idleMs - idle);
      }
    }, delay);
    this.#timer.unref();
  }
}

/** The error a connection closed for idleness reports to its calls. */
export function idleError(idleMs: number): Error {
  return new Error(`closed after ${idleMs / 1000} s without traffic (--idle-timeout)`);
}
