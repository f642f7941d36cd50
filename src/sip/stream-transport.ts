/**
 * SIP over TCP (`-t t1` / `tn`) and over TLS (`-t l1` / `ln`, RFC 3261 26.2.1; TLS is the same stream framing
 * over node:tls): a listening socket on -i/-p plus client connections. Accepted and connected sockets are framed
 * the same way (RFC 3261 18.3, {@link StreamFramer}). No retransmission happens on a stream (RFC 3261 17.1.1.2:
 * Timer A only for unreliable transports); the engine reads `transport` to know.
 */
import { createServer, connect as netConnect, type Server, type Socket, type NetConnectOpts } from "node:net";
import {
  createServer as createTlsServer,
  connect as tlsConnect,
  type ConnectionOptions,
  type TlsOptions,
} from "node:tls";
import { BindError, ClosedError, SipwrightError } from "../shared/errors.js";
import { createLogger } from "../shared/logger.js";
import { StreamFramer } from "./stream-framer.js";
import {
  capConnections,
  IdleWatch,
  idleError,
  NO_CONNECTION_LIMITS,
  type ConnectionLimits,
} from "./connection-limits.js";
import { describeConnectionError, tlsClientOptions, tlsServerOptions, type TlsSettings } from "./tls-options.js";
import {
  allocateConnectionId,
  type BindOptions,
  type Peer,
  type SipConnection,
  type TransportHandlers,
} from "./transport.js";

const log = createLogger("sip.stream");

export type StreamTransportName = "TCP" | "TLS";

/** A connect (TCP handshake, then TLS handshake) that takes longer fails: a connection attempt never hangs. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** RFC 5626 4.4.1: the answer to a double-CRLF ping is a single CRLF pong. */
const PONG = Buffer.from("\r\n");

class StreamConnection implements SipConnection {
  readonly id = allocateConnectionId();
  readonly transport: StreamTransportName;
  readonly local: Peer;
  readonly remote: Peer;
  readonly #socket: Socket;
  #closed = false;
  #closedLocally = false;
  #shuttingDown = false;
  #error: Error | undefined;
  readonly #idle: IdleWatch;

  constructor(
    transport: StreamTransportName,
    socket: Socket,
    local: Peer,
    remote: Peer,
    handlers: TransportHandlers,
    onClosed: (c: StreamConnection) => void,
    /** Accepted connections: closed after this long without traffic (0: never). */
    idleTimeoutMs = 0,
  ) {
    this.transport = transport;
    this.#socket = socket;
    this.local = local;
    this.remote = remote;
    socket.setNoDelay(true);
    this.#idle = new IdleWatch(
      idleTimeoutMs,
      () => {
        this.#error ??= idleError(idleTimeoutMs);
        handlers.onConnectionShed?.("idle", remote);
        socket.destroy();
      },
      () => handlers.connectionInUse?.(this) ?? false,
    );
    const framer = new StreamFramer();
    socket.on("data", (chunk: Buffer) => {
      this.#idle.touch();
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
      this.#idle.stop();
      // A message cut by the end of the stream is a malformed message (counted), unless we are shutting down.
      const unfinished = this.#shuttingDown ? undefined : framer.unfinished();
      if (unfinished !== undefined) {
        handlers.onParseError(
          `connection closed inside a message (${unfinished.length} bytes)`,
          unfinished,
          remote,
          this,
        );
      }
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
    this.#idle.touch();
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
    this.#shuttingDown = true;
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#socket.once("close", () => {
        resolve();
      });
      this.#socket.destroy();
    });
  }
}

/** TLS: the settings for both sides (the server part is read only when listening as a TLS server). */
export interface StreamListenOptions extends BindOptions {
  transport?: StreamTransportName | undefined;
  tls?: TlsSettings | undefined;
  /** TLS: accept connections without a certificate of our own (a pure client run needs no -tls_cert). */
  clientOnly?: boolean | undefined;
  /** Cap and idle timeout of accepted connections; default none. */
  limits?: ConnectionLimits | undefined;
}

export interface StreamConnectOptions {
  localAddress?: string | undefined;
  /** The remote host as typed (a name gives SNI and the name checked); default `to.host`. */
  hostName?: string | undefined;
}

export class StreamTransport {
  readonly local: Peer;
  readonly transport: StreamTransportName;
  readonly #server: Server;
  readonly #handlers: TransportHandlers;
  readonly #tls: TlsSettings;
  readonly #connections = new Set<StreamConnection>();
  readonly #idleTimeoutMs: number;
  #closed: Promise<void> | undefined;

  private constructor(
    server: Server,
    local: Peer,
    handlers: TransportHandlers,
    transport: StreamTransportName,
    tls: TlsSettings,
    limits: ConnectionLimits,
  ) {
    this.#server = server;
    this.local = local;
    this.#handlers = handlers;
    this.transport = transport;
    this.#tls = tls;
    this.#idleTimeoutMs = limits.idleTimeoutMs;
    capConnections(server, limits, handlers);
    // TLS: "secureConnection" comes after the handshake; a failed handshake is a "tlsClientError".
    server.on(transport === "TLS" ? "secureConnection" : "connection", (socket: Socket) => {
      this.#accept(socket);
    });
    server.on("tlsClientError", (error: Error) => {
      log.warn(`TLS handshake with a client failed: ${describeConnectionError(error)}`);
    });
  }

  /** The server socket on -i/-p. Rejects with {@link BindError}; TLS settings errors are ConfigError. */
  static listen(opts: StreamListenOptions, handlers: TransportHandlers): Promise<StreamTransport> {
    const transport = opts.transport ?? "TCP";
    const tls = opts.tls ?? {};
    let serverOptions: TlsOptions | undefined;
    if (transport === "TLS") {
      // A client-only run without -tls_cert has nothing to present: its listener refuses every handshake.
      const noCertificate = tls.certFile === undefined || tls.keyFile === undefined;
      try {
        serverOptions = opts.clientOnly === true && noCertificate ? {} : tlsServerOptions(tls);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return new Promise((resolve, reject) => {
      const server = serverOptions !== undefined ? createTlsServer(serverOptions) : createServer();
      const onError = (error: Error): void => {
        const where = `${transport} ${opts.address}:${opts.port}`;
        reject(new BindError(`cannot listen on ${where}: ${error.message}`, { cause: error }));
      };
      server.once("error", onError);
      server.listen({ host: opts.address, port: opts.port }, () => {
        server.off("error", onError);
        server.on("error", (error: Error) => {
          log.error(`server socket error: ${error.message}`);
        });
        const address = server.address();
        const local =
          address !== null && typeof address === "object"
            ? { host: address.address, port: address.port }
            : { host: opts.address, port: opts.port };
        resolve(new StreamTransport(server, local, handlers, transport, tls, opts.limits ?? NO_CONNECTION_LIMITS));
      });
    });
  }

  /**
   * Client connection to `to` (TLS: handshake and certificate check done). Rejects with code CONNECT_FAILED and
   * a message naming the reason ({@link describeConnectionError}), within {@link CONNECT_TIMEOUT_MS}.
   */
  connect(to: Peer, opts: StreamConnectOptions = {}): Promise<SipConnection> {
    if (this.#closed) return Promise.reject(new ClosedError(`${this.transport} transport`));
    return new Promise((resolve, reject) => {
      let socket: Socket;
      if (this.transport === "TLS") {
        // tls.connect() hands the socket.connect() options (localAddress) to the TCP socket it opens.
        const options: ConnectionOptions & { localAddress?: string } = {
          ...tlsClientOptions(this.#tls, opts.hostName ?? to.host),
          host: to.host,
          port: to.port,
        };
        if (opts.localAddress !== undefined) options.localAddress = opts.localAddress;
        socket = tlsConnect(options);
      } else {
        const options: NetConnectOpts = { host: to.host, port: to.port, noDelay: true };
        if (opts.localAddress !== undefined) options.localAddress = opts.localAddress;
        socket = netConnect(options);
      }
      const fail = (error: Error): void => {
        socket.destroy();
        const what = `cannot connect to ${to.host}:${to.port} over ${this.transport}`;
        reject(new SipwrightError("CONNECT_FAILED", `${what}: ${describeConnectionError(error)}`, { cause: error }));
      };
      const onError = (error: Error): void => fail(error);
      const onTimeout = (): void => fail(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" }));
      socket.setTimeout(CONNECT_TIMEOUT_MS, onTimeout);
      socket.once("error", onError);
      socket.once(this.transport === "TLS" ? "secureConnect" : "connect", () => {
        socket.off("error", onError);
        socket.setTimeout(0);
        socket.off("timeout", onTimeout);
        if (this.#closed) {
          socket.destroy();
          reject(new ClosedError(`${this.transport} transport`));
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
    this.#adopt(socket, local, { host: socket.remoteAddress, port: socket.remotePort }, this.#idleTimeoutMs);
  }

  #adopt(socket: Socket, local: Peer, remote: Peer, idleTimeoutMs = 0): StreamConnection {
    const conn = new StreamConnection(
      this.transport,
      socket,
      local,
      remote,
      this.#handlers,
      (c) => this.#connections.delete(c),
      idleTimeoutMs,
    );
    this.#connections.add(conn);
    return conn;
  }
}
