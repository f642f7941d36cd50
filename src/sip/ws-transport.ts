/**
 * SIP over WebSocket and secure WebSocket (RFC 7118; `-t ws1` / `wsn` / `wss1` / `wssn`): an HTTP(S) server on
 * -i/-p that upgrades requests for the configured path, plus client connections to ws(s)://host:port/path.
 * RFC 7118 4: both sides require the `sip` subprotocol (`Sec-WebSocket-Protocol: sip`); a client that does not
 * offer it is refused with HTTP 400 and a reason, and a server that does not select it fails the connection.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { isIP, type Socket } from "node:net";
import type { WebSocket, WebSocketServer } from "ws";
import { BindError, ClosedError, SipwrightError } from "../shared/errors.js";
import { createLogger } from "../shared/logger.js";
import type { ConnectionOptions, TlsOptions } from "node:tls";
import { describeConnectionError } from "./tls-options.js";
import { WsConnection } from "./ws-connection.js";
import { capConnections, NO_CONNECTION_LIMITS, type ConnectionLimits } from "./connection-limits.js";
import type { BindOptions, Peer, SipConnection, TransportHandlers } from "./transport.js";

const log = createLogger("sip.ws");

/** RFC 7118 4: the WebSocket subprotocol of SIP. */
export const SIP_SUBPROTOCOL = "sip";

/** Bounds the opening handshake of a client connection (TCP, TLS and HTTP upgrade together). */
export const WS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Largest WebSocket message accepted: far above any SIP message, small enough to bound memory. */
const MAX_PAYLOAD = 1 << 22;

/** Run-wide WebSocket settings (`--ws-path`, `--ws-origin`, `--ws-ping`). */
export interface WsOptions {
  readonly secure: boolean;
  /** Request path the server serves and the client asks for; starts with "/". */
  readonly path: string;
  /** Origin header of client connections; none when undefined. */
  readonly origin?: string | undefined;
  /** WebSocket ping interval, ms; 0 = no pings. */
  readonly pingIntervalMs: number;
  /**
   * WSS server: node:tls options with the certificate and key (-tls_cert / -tls_key). Without them a WSS listener
   * has nothing to present and refuses every handshake (a client-only run needs no certificate).
   */
  readonly serverTls?: TlsOptions | undefined;
  /** WSS client: node:tls options for a connection to `hostName` (-tls_ca, --tls-insecure, SNI). */
  readonly clientTls?: ((hostName: string) => ConnectionOptions) | undefined;
  /** Cap and idle timeout of accepted connections (`--max-connections`, `--idle-timeout`); default none. */
  readonly limits?: ConnectionLimits | undefined;
}

export interface WsConnectOptions {
  readonly localAddress?: string | undefined;
  /** The host as the user typed it: the Host header and TLS server name (default: the IP of `to`). */
  readonly hostName?: string | undefined;
}

/**
 * The `ws` module, loaded by the first WS(S) listener: a UDP/TCP/TLS run does not pay for loading it (about 80 ms of
 * CPU at start-up, which a short load run counts per call).
 */
let wsModule: typeof import("ws") | undefined;

function loadedWs(): typeof import("ws") {
  if (wsModule === undefined) throw new Error("ws-transport: the ws module is used before WsTransport.listen");
  return wsModule;
}

const bracket = (host: string): string => (isIP(host) === 6 ? `[${host}]` : host);

export class WsTransport {
  readonly local: Peer;
  readonly #options: WsOptions;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #handlers: TransportHandlers;
  readonly #connections = new Set<WsConnection>();
  #closed: Promise<void> | undefined;

  private constructor(server: Server, local: Peer, options: WsOptions, handlers: TransportHandlers) {
    this.#server = server;
    this.local = local;
    this.#options = options;
    this.#handlers = handlers;
    this.#wss = new (loadedWs().WebSocketServer)({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: MAX_PAYLOAD,
      handleProtocols: (protocols) => (protocols.has(SIP_SUBPROTOCOL) ? SIP_SUBPROTOCOL : false),
    });
    capConnections(server, options.limits ?? NO_CONNECTION_LIMITS, handlers);
    server.on("upgrade", (request: IncomingMessage, socket: Socket, head: Buffer) => {
      this.#upgrade(request, socket, head);
    });
    server.on("request", (_request, response) => {
      // RFC 7118 is WebSocket only: a plain HTTP request is told to upgrade (RFC 9110 15.5.22).
      response.writeHead(426, { Upgrade: "websocket", "Content-Type": "text/plain", Connection: "close" });
      response.end("SIP over WebSocket (RFC 7118): upgrade to websocket with Sec-WebSocket-Protocol: sip\n");
    });
    server.on("tlsClientError", (error: Error) => {
      log.warn(`TLS handshake with a WSS client failed: ${error.message}`);
    });
  }

  /** The WS(S) server on -i/-p. Rejects with {@link BindError}. */
  static async listen(bind: BindOptions, options: WsOptions, handlers: TransportHandlers): Promise<WsTransport> {
    wsModule ??= await import("ws");
    const server = options.secure ? createHttpsServer({ ...options.serverTls }) : createHttpServer();
    const name = options.secure ? "WSS" : "WS";
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        reject(
          new BindError(`cannot listen on ${name} ${bind.address}:${bind.port}: ${error.message}`, { cause: error }),
        );
      };
      server.once("error", onError);
      server.listen({ host: bind.address, port: bind.port }, () => {
        server.off("error", onError);
        server.on("error", (error) => {
          log.error(`server socket error: ${error.message}`);
        });
        const address = server.address();
        const local =
          address !== null && typeof address === "object"
            ? { host: address.address, port: address.port }
            : { host: bind.address, port: bind.port };
        resolve(new WsTransport(server, local, options, handlers));
      });
    });
  }

  /** Client connection to ws(s)://to/path; rejects with an error with code CONNECT_FAILED naming the reason. */
  connect(to: Peer, opts: WsConnectOptions = {}): Promise<SipConnection> {
    if (this.#closed) return Promise.reject(new ClosedError("WebSocket transport"));
    const o = this.#options;
    const name = opts.hostName ?? to.host;
    const url = `${o.secure ? "wss" : "ws"}://${bracket(to.host)}:${to.port}${o.path}`;
    const shown = `${o.secure ? "wss" : "ws"}://${bracket(name)}:${to.port}${o.path}`;
    const ws = new (loadedWs().WebSocket)(url, [SIP_SUBPROTOCOL], {
      ...(o.secure ? o.clientTls?.(name) : undefined),
      // RFC 6455 4.1: Host names the server as the user knows it (proxies check it against their aliases).
      headers: { Host: `${bracket(name)}:${to.port}` },
      ...(o.origin !== undefined ? { origin: o.origin } : {}),
      ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}),
      perMessageDeflate: false,
      maxPayload: MAX_PAYLOAD,
      handshakeTimeout: WS_HANDSHAKE_TIMEOUT_MS,
      followRedirects: false,
    });
    return new Promise((resolve, reject) => {
      let socket: Socket | undefined;
      let settled = false;
      const fail = (reason: string, cause?: unknown): void => {
        if (settled) return;
        settled = true;
        ws.terminate();
        reject(new SipwrightError("CONNECT_FAILED", `cannot connect to ${shown}: ${reason}`, { cause }));
      };
      ws.once("upgrade", (response: IncomingMessage) => {
        socket = response.socket;
      });
      ws.once("unexpected-response", (request, response: IncomingMessage) => {
        readSome(response, (body) => {
          request.destroy();
          const text = body === "" ? "" : `: ${body}`;
          fail(`the server answered HTTP ${response.statusCode ?? 0} ${response.statusMessage ?? ""}${text}`.trim());
        });
      });
      ws.on("error", (error: Error) => {
        fail(explainClientError(error), error);
      });
      ws.once("open", () => {
        if (settled) return;
        settled = true;
        if (this.#closed !== undefined || socket === undefined) {
          ws.terminate();
          reject(new ClosedError("WebSocket transport"));
          return;
        }
        resolve(this.#adopt(ws, socket));
      });
    });
  }

  /** Closes every connection with a close frame 1000 (no onConnectionClosed callbacks), then the server. */
  close(): Promise<void> {
    if (!this.#closed) {
      const connections = [...this.#connections].map((c) => c.shutdown());
      const serverClosed = new Promise<void>((resolve) => {
        this.#server.close(() => {
          resolve();
        });
        this.#server.closeAllConnections();
      });
      this.#closed = Promise.all(connections)
        .then(() => serverClosed)
        .then(() => {
          this.#wss.close();
        });
    }
    return this.#closed;
  }

  #upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    if (path !== this.#options.path) {
      refuse(socket, 404, "Not Found", `no SIP WebSocket at ${path} (this server serves ${this.#options.path})`);
      return;
    }
    const offered = (request.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
    if (!offered.includes(SIP_SUBPROTOCOL)) {
      const what = offered.join(", ") === "" ? "no subprotocol" : `"${offered.join(", ")}"`;
      const reason = `RFC 7118 requires the WebSocket subprotocol "sip" (Sec-WebSocket-Protocol); the client offered ${what}`;
      log.warn(`refused a WebSocket client from ${socket.remoteAddress ?? "?"}: ${reason}`);
      refuse(socket, 400, "Bad Request", reason);
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      if (this.#closed) {
        ws.terminate();
        return;
      }
      this.#adopt(ws, socket, (this.#options.limits ?? NO_CONNECTION_LIMITS).idleTimeoutMs);
    });
  }

  #adopt(ws: WebSocket, socket: Socket, idleTimeoutMs = 0): WsConnection {
    const conn = new WsConnection(ws, {
      idleTimeoutMs,
      transport: this.#options.secure ? "WSS" : "WS",
      socket,
      pingIntervalMs: this.#options.pingIntervalMs,
      handlers: this.#handlers,
      onClosed: (c) => this.#connections.delete(c),
    });
    this.#connections.add(conn);
    return conn;
  }
}

/** Answers an upgrade request with an HTTP error and a plain-text reason, then closes. */
function refuse(socket: Socket, status: number, text: string, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Up to 1 KiB of a refused upgrade's body: the server's reason. */
function readSome(response: IncomingMessage, done: (body: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    done(Buffer.concat(chunks).toString("utf8").slice(0, 1024).trim());
  };
  response.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= 1024) finish();
  });
  response.on("end", finish);
  response.on("error", finish);
  response.on("close", finish);
}

/** The ws package's handshake errors in RFC 7118 / TLS words. */
function explainClientError(error: Error): string {
  if (error.message === "Server sent no subprotocol" || error.message === "Server sent an invalid subprotocol") {
    return `the server did not select the WebSocket subprotocol "sip" (RFC 7118 4 requires it): ${error.message}`;
  }
  if (error.message === "Opening handshake has timed out") {
    return `no WebSocket handshake within ${WS_HANDSHAKE_TIMEOUT_MS} ms`;
  }
  return describeConnectionError(error);
}
