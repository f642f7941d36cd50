/**
 * SIP over TCP (`-t t1` / `tn`): a listening socket on -i/-p plus client connections. Accepted and connected
 * sockets are framed the same way (RFC 3261 18.3, {@link StreamFramer}). No retransmission happens on TCP
 * (RFC 3261 17.1.1.2: Timer A only for unreliable transports); the engine reads `transport` to know.
 */
import { createServer, connect as netConnect, type Server, type Socket, type NetConnectOpts } from "node:net";
import { BindError, ClosedError, SipwrightError } from "../shared/errors.js";
import { createLogger } from "../shared/logger.js";
import { StreamFramer } from "./stream-framer.js";
import {
  allocateConnectionId,
  type BindOptions,
  type Peer,
  type SipConnection,
  type TransportHandlers,
} from "./transport.js";

const log = createLogger("sip.tcp");

/** RFC 5626 4.4.1: the answer to a double-CRLF ping is a single CRLF pong. */
const PONG = Buffer.from("\r\n");

class TcpConnection implements SipConnection {
  readonly id = allocateConnectionId();
  readonly transport = "TCP" as const;
  readonly local: Peer;
  readonly remote: Peer;
  readonly #socket: Socket;
  #closed = false;
  #closedLocally = false;
  #error: Error | undefined;

  constructor(
    socket: Socket,
    local: Peer,
    remote: Peer,
    handlers: TransportHandlers,
    onClosed: (c: TcpConnection) => void,
  ) {
    this.#socket = socket;
    this.local = local;
    this.remote = remote;
    socket.setNoDelay(true);
    const framer = new StreamFramer();
    socket.on("data", (chunk: Buffer) => {
      for (const event of framer.push(chunk)) {
        switch (event.kind) {
          case "message":
            handlers.onMessage(event.message, remote, this);
            break;
          case "error":
            handlers.onParseError(event.error, event.raw, remote, this);
            break;
          case "keepalive":
            this.send(PONG, remote);
            break;
          default: {
            const unreachable: never = event;
            return unreachable;
          }
        }
      }
    });
    socket.on("error", (error) => {
      // Always followed by "close", which reports it.
      this.#error ??= error;
    });
    socket.on("close", () => {
      this.#closed = true;
      onClosed(this);
      if (!this.#closedLocally) handlers.onConnectionClosed?.(this, this.#error);
    });
  }

  get pendingBytes(): number {
    return this.#socket.writableLength;
  }

  get closed(): boolean {
    return this.#closed || this.#closedLocally;
  }

  send(data: Buffer, _to: Peer): boolean {
    if (this.closed || !this.#socket.writable) return false;
    // Back-pressure: when write() returns false Node keeps queuing in user space; nothing else is exposed.
    this.#socket.write(data);
    return true;
  }

  /** Flushes queued writes, then closes. Does not call onConnectionClosed. */
  close(): void {
    if (this.closed) return;
    this.#closedLocally = true;
    this.#socket.end(() => this.#socket.destroy());
  }

  /** Closes at once (transport shutdown). */
  destroy(): Promise<void> {
    this.#closedLocally = true;
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#socket.once("close", () => {
        resolve();
      });
      this.#socket.destroy();
    });
  }
}

export class TcpTransport {
  readonly local: Peer;
  readonly #server: Server;
  readonly #handlers: TransportHandlers;
  readonly #connections = new Set<TcpConnection>();
  #closed: Promise<void> | undefined;

  private constructor(server: Server, local: Peer, handlers: TransportHandlers) {
    this.#server = server;
    this.local = local;
    this.#handlers = handlers;
    server.on("connection", (socket) => {
      this.#accept(socket);
    });
  }

  /** The server socket on -i/-p. Rejects with {@link BindError}. */
  static listen(opts: BindOptions, handlers: TransportHandlers): Promise<TcpTransport> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      const onError = (error: Error): void => {
        reject(new BindError(`cannot listen on TCP ${opts.address}:${opts.port}: ${error.message}`, { cause: error }));
      };
      server.once("error", onError);
      server.listen({ host: opts.address, port: opts.port }, () => {
        server.off("error", onError);
        server.on("error", (error) => {
          log.error(`server socket error: ${error.message}`);
        });
        const address = server.address();
        const local =
          address !== null && typeof address === "object"
            ? { host: address.address, port: address.port }
            : { host: opts.address, port: opts.port };
        resolve(new TcpTransport(server, local, handlers));
      });
    });
  }

  /** Client connection to `to`; rejects with an error with code CONNECT_FAILED on failure. */
  connect(to: Peer, opts: { localAddress?: string } = {}): Promise<SipConnection> {
    if (this.#closed) return Promise.reject(new ClosedError("TCP transport"));
    return new Promise((resolve, reject) => {
      const options: NetConnectOpts = { host: to.host, port: to.port, noDelay: true };
      if (opts.localAddress !== undefined) options.localAddress = opts.localAddress;
      const socket = netConnect(options);
      const onError = (error: Error): void => {
        socket.destroy();
        const message = `cannot connect to ${to.host}:${to.port}: ${error.message}`;
        reject(new SipwrightError("CONNECT_FAILED", message, { cause: error }));
      };
      socket.once("error", onError);
      socket.once("connect", () => {
        socket.off("error", onError);
        if (this.#closed) {
          socket.destroy();
          reject(new ClosedError("TCP transport"));
          return;
        }
        const local = { host: socket.localAddress ?? "", port: socket.localPort ?? 0 };
        resolve(this.#adopt(socket, local, { host: to.host, port: to.port }));
      });
    });
  }

  /** Closes the server and every connection (without onConnectionClosed callbacks); idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      const serverClosed = new Promise<void>((resolve) =>
        this.#server.close(() => {
          resolve();
        }),
      );
      const connections = [...this.#connections].map((c) => c.destroy());
      this.#closed = Promise.all([serverClosed, ...connections]).then(() => undefined);
    }
    return this.#closed;
  }

  #accept(socket: Socket): void {
    if (this.#closed || socket.remoteAddress === undefined || socket.remotePort === undefined) {
      // Already gone (reset before we saw it) or arriving during shutdown: nothing to serve.
      socket.destroy();
      return;
    }
    const local = { host: socket.localAddress ?? this.local.host, port: socket.localPort ?? this.local.port };
    this.#adopt(socket, local, { host: socket.remoteAddress, port: socket.remotePort });
  }

  #adopt(socket: Socket, local: Peer, remote: Peer): TcpConnection {
    const conn = new TcpConnection(socket, local, remote, this.#handlers, (c) => this.#connections.delete(c));
    this.#connections.add(conn);
    return conn;
  }
}
