/**
 * One SIP-over-WebSocket connection (RFC 7118), accepted or connected: one SIP message per WebSocket message, a
 * WebSocket ping every `pingIntervalMs` whose pong must come back before the next one, a close frame 1000 on a
 * local close. The peer address never changes: `send()` ignores `to`, as on TCP.
 */
import { isUtf8 } from "node:buffer";
import type { Socket } from "node:net";
import type { RawData, WebSocket } from "ws";
import { SipwrightError } from "../shared/errors.js";
import { parseSipMessage } from "./parse-sip-message.js";
import { IdleWatch, idleError } from "./connection-limits.js";
import {
  allocateConnectionId,
  isOnlyLineEnds,
  type Peer,
  type SipConnection,
  type TransportHandlers,
} from "./transport.js";

/** `--ws-ping` default: a WebSocket ping every 30 s (a pong missing at the next ping loses the connection). */
export const DEFAULT_WS_PING_MS = 30_000;

/** How long a local close waits for the peer's close frame before the socket is destroyed. */
export const WS_CLOSE_WAIT_MS = 1000;

/** RFC 6455 7.4.1: 1000 indicates a normal closure. */
const NORMAL_CLOSURE = 1000;

const CRLF_PONG = Buffer.from("\r\n");
const DOUBLE_CRLF = Buffer.from("\r\n\r\n");

export interface WsConnectionOptions {
  readonly transport: "WS" | "WSS";
  readonly socket: Socket;
  /** Interval of WebSocket pings (RFC 6455 5.5.2); 0 sends none. A ping unanswered at the next tick is a loss. */
  readonly pingIntervalMs: number;
  readonly handlers: TransportHandlers;
  readonly onClosed: (connection: WsConnection) => void;
  /** Accepted connections: closed after this long without a SIP message either way (0 or absent: never). */
  readonly idleTimeoutMs?: number | undefined;
}

/** The reason a WebSocket connection ended, as the call records show it. */
export function describeWsClose(code: number, reason: string): string {
  const why = reason === "" ? "" : `: ${reason}`;
  if (code === NORMAL_CLOSURE) return `closed by peer (close frame 1000${why})`;
  // RFC 6455 7.1.5: 1006 is "closed abnormally": the TCP connection went away without a close frame.
  if (code === 1006) return "connection lost (closed without a close frame)";
  return `closed by peer (close frame ${code}${why})`;
}

export class WsConnection implements SipConnection {
  readonly id = allocateConnectionId();
  readonly transport: "WS" | "WSS";
  readonly local: Peer;
  readonly remote: Peer;
  readonly #ws: WebSocket;
  readonly #handlers: TransportHandlers;
  #closed = false;
  #closedLocally = false;
  #error: Error | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #awaitingPong = false;
  readonly #closedPromise: Promise<void>;
  readonly #idle: IdleWatch;

  constructor(ws: WebSocket, opts: WsConnectionOptions) {
    this.#ws = ws;
    const idleMs = opts.idleTimeoutMs ?? 0;
    // WebSocket pings do not count: a peer that answers them but sends no SIP is idle.
    this.#idle = new IdleWatch(
      idleMs,
      () => {
        this.#error ??= idleError(idleMs);
        opts.handlers.onConnectionShed?.("idle", this.remote);
        ws.terminate();
      },
      () => opts.handlers.connectionInUse?.(this) ?? false,
    );
    this.#handlers = opts.handlers;
    this.transport = opts.transport;
    const socket = opts.socket;
    this.local = { host: socket.localAddress ?? "", port: socket.localPort ?? 0 };
    this.remote = { host: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 };
    socket.setNoDelay(true);
    ws.binaryType = "nodebuffer";
    ws.on("message", (data: RawData) => {
      this.#receive(toBuffer(data));
    });
    ws.on("pong", () => {
      this.#awaitingPong = false;
    });
    ws.on("error", (error) => {
      // Always followed by "close", which reports it.
      this.#error ??= error;
    });
    this.#closedPromise = new Promise((resolve) => {
      ws.on("close", (code: number, reason: Buffer) => {
        this.#closed = true;
        this.#idle.stop();
        this.#stopPing();
        opts.onClosed(this);
        if (!this.#closedLocally) {
          const error = this.#error ?? new SipwrightError("CLOSED", describeWsClose(code, reason.toString("utf8")));
          this.#handlers.onConnectionClosed?.(this, error);
        }
        resolve();
      });
    });
    if (opts.pingIntervalMs > 0) {
      this.#pingTimer = setInterval(() => {
        this.#ping(opts.pingIntervalMs);
      }, opts.pingIntervalMs);
      this.#pingTimer.unref();
    }
  }

  get pendingBytes(): number {
    return this.#ws.bufferedAmount;
  }

  get closed(): boolean {
    return this.#closed || this.#closedLocally;
  }

  /** RFC 7118 5: one SIP message per WebSocket message; a text frame when the message is UTF-8, else binary. */
  send(data: Buffer, _to: Peer): boolean {
    if (this.closed || this.#ws.readyState !== this.#ws.OPEN) return false;
    this.#idle.touch();
    this.#ws.send(data, { binary: !isUtf8(data) });
    return true;
  }

  /** Sends a close frame 1000 (RFC 6455 7.1.2) and waits briefly for the peer's. Does not call onConnectionClosed. */
  close(): void {
    if (this.closed) return;
    this.#closedLocally = true;
    this.#stopPing();
    this.#ws.close(NORMAL_CLOSURE);
    const timer = setTimeout(() => {
      this.#ws.terminate();
    }, WS_CLOSE_WAIT_MS);
    timer.unref();
    void this.#closedPromise.then(() => {
      clearTimeout(timer);
    });
  }

  /** Closes cleanly (close frame 1000), bounded by {@link WS_CLOSE_WAIT_MS}; resolves once the socket is gone. */
  shutdown(): Promise<void> {
    this.close();
    return this.#closedPromise;
  }

  #receive(data: Buffer): void {
    this.#idle.touch();
    // RFC 5626 4.4.1 as SIP.js uses it over WebSocket: a double CRLF is a keep-alive ping answered by one CRLF;
    // a lone CRLF is such a pong. Neither is a SIP message.
    if (isOnlyLineEnds(data)) {
      if (data.equals(DOUBLE_CRLF)) this.send(CRLF_PONG, this.remote);
      return;
    }
    // RFC 7118 5: each WebSocket message carries exactly one SIP message, so no stream framing; Content-Length
    // may be absent and the body is then the rest of the message (the parser's datagram rule).
    const result = parseSipMessage(data);
    if (result.ok) this.#handlers.onMessage(result.message, this.remote, this);
    else this.#handlers.onParseError(result.error, data, this.remote, this);
  }

  #ping(intervalMs: number): void {
    if (this.closed) return;
    if (this.#awaitingPong) {
      this.#error ??= new SipwrightError("CLOSED", `connection lost (no WebSocket pong within ${intervalMs} ms)`);
      this.#ws.terminate();
      return;
    }
    this.#awaitingPong = true;
    this.#ws.ping();
  }

  #stopPing(): void {
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
