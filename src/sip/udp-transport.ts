/**
 * SIP over UDP (`-t u1`: one shared socket; `-t un`: one more socket per call via {@link UdpTransport.openSocket}).
 * RFC 3261 18.1.1 / 18.2.1: one message per datagram; a malformed datagram is reported and dropped, never fatal.
 */
import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { BindError, ClosedError } from "../shared/errors.js";
import { lookupLiteral } from "../shared/ip-literal-lookup.js";
import { createLogger } from "../shared/logger.js";
import { parseSipMessage } from "./parse-sip-message.js";
import {
  allocateConnectionId,
  isOnlyLineEnds,
  type BindOptions,
  type Peer,
  type SipConnection,
  type TransportHandlers,
} from "./transport.js";

const log = createLogger("sip.udp");

class UdpConnection implements SipConnection {
  readonly id = allocateConnectionId();
  readonly transport = "UDP" as const;
  readonly remote = undefined;
  readonly local: Peer;
  #closed = false;
  readonly #socket: Socket;
  readonly #closedPromise: Promise<void>;
  /** One callback for every send: no per-message closure. */
  readonly #afterSend: (error: Error | null) => void;
  readonly #onSendError: (error: Error) => void;
  /** Sends handed to dgram whose callback has not run yet (dgram resolves the address asynchronously). */
  #inFlight = 0;
  #closeWhenSent = false;

  constructor(socket: Socket, handlers: TransportHandlers, onClosed: (c: UdpConnection) => void) {
    this.#socket = socket;
    const address = socket.address();
    this.local = { host: address.address, port: address.port };
    this.#closedPromise = new Promise((resolve) =>
      socket.once("close", () => {
        this.#closed = true;
        onClosed(this);
        resolve();
      }),
    );
    this.#afterSend = (error) => {
      this.#inFlight--;
      if (this.#closeWhenSent && this.#inFlight === 0) this.#socket.close();
      if (error !== null) this.#onSendError(error);
    };
    this.#onSendError = (error) => {
      if (handlers.onSendError) handlers.onSendError(this, error);
      else log.warn(`send from ${this.local.host}:${this.local.port} failed: ${error.message}`);
    };
    socket.on("message", (datagram, rinfo) => {
      const from: Peer = { host: rinfo.address, port: rinfo.port };
      // RFC 5626 4.4.1 / common practice: a datagram of bare CRLFs is a keep-alive, not a message.
      if (isOnlyLineEnds(datagram)) return;
      const result = parseSipMessage(datagram);
      if (result.ok) handlers.onMessage(result.message, from, this);
      else handlers.onParseError(result.error, datagram, from, this);
    });
    // After bind, dgram only reports errors of sends made without a callback (we always pass one) and rare socket
    // failures; route them like send errors so they are counted, not lost.
    socket.on("error", (error) => {
      this.#onSendError(error);
    });
  }

  readonly pendingBytes = 0;

  get closed(): boolean {
    return this.#closed;
  }

  send(data: Buffer, to: Peer): boolean {
    if (this.#closed) return false;
    try {
      this.#socket.send(data, to.port, to.host, this.#afterSend);
      this.#inFlight++;
      return true;
    } catch (error) {
      // dgram throws synchronously for a bad port/address or a socket that is not running: report it as "not sent".
      log.debug(`send to ${to.host}:${to.port} refused: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  /** Closes once the sends already handed over have gone out: a last message (a 488 that ends the run) is not lost. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#inFlight === 0) this.#socket.close();
    else this.#closeWhenSent = true;
  }

  /** Resolves once the socket has closed. */
  whenClosed(): Promise<void> {
    return this.#closedPromise;
  }
}

function openSocket(opts: BindOptions, handlers: TransportHandlers, onClosed: (c: UdpConnection) => void) {
  return new Promise<UdpConnection>((resolve, reject) => {
    const socket = createSocket({ type: isIPv6(opts.address) ? "udp6" : "udp4", lookup: lookupLiteral });
    const onError = (error: Error): void => {
      socket.close();
      reject(new BindError(`cannot bind UDP ${opts.address}:${opts.port}: ${error.message}`, { cause: error }));
    };
    socket.once("error", onError);
    socket.bind({ address: opts.address, port: opts.port }, () => {
      socket.off("error", onError);
      if (opts.bufferSize !== undefined) {
        try {
          socket.setRecvBufferSize(opts.bufferSize);
          socket.setSendBufferSize(opts.bufferSize);
        } catch (error) {
          socket.close();
          const message = error instanceof Error ? error.message : String(error);
          reject(new BindError(`cannot set UDP buffer size ${opts.bufferSize}: ${message}`, { cause: error }));
          return;
        }
      }
      resolve(new UdpConnection(socket, handlers, onClosed));
    });
  });
}

export class UdpTransport {
  readonly main: SipConnection;
  readonly #opts: BindOptions;
  readonly #handlers: TransportHandlers;
  /** Sockets not yet closed (removed on their "close" event). */
  readonly #sockets: Set<UdpConnection>;
  #closed: Promise<void> | undefined;

  private constructor(
    opts: BindOptions,
    handlers: TransportHandlers,
    sockets: Set<UdpConnection>,
    main: UdpConnection,
  ) {
    this.#opts = opts;
    this.#handlers = handlers;
    this.#sockets = sockets;
    this.main = main;
  }

  /** Binds the main socket (-i / -p). Rejects with {@link BindError}. */
  static async bind(opts: BindOptions, handlers: TransportHandlers): Promise<UdpTransport> {
    const sockets = new Set<UdpConnection>();
    const main = await openSocket(opts, handlers, (c) => sockets.delete(c));
    sockets.add(main);
    return new UdpTransport(opts, handlers, sockets, main);
  }

  /** `un` mode: a new socket on the same address, ephemeral port; its datagrams go to the same handlers. */
  async openSocket(): Promise<SipConnection> {
    if (this.#closed) throw new ClosedError("UDP transport");
    const conn = await openSocket({ ...this.#opts, port: 0 }, this.#handlers, (c) => this.#sockets.delete(c));
    if (this.#isClosed()) {
      // close() ran while the socket was binding.
      conn.close();
      throw new ClosedError("UDP transport");
    }
    this.#sockets.add(conn);
    return conn;
  }

  /** Number of sockets open (main included). */
  get socketCount(): number {
    return this.#sockets.size;
  }

  #isClosed(): boolean {
    return this.#closed !== undefined;
  }

  /** Closes every socket; idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      const sockets = [...this.#sockets];
      for (const conn of sockets) conn.close();
      this.#closed = Promise.all(sockets.map((c) => c.whenClosed())).then(() => undefined);
    }
    return this.#closed;
  }
}
