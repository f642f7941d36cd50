/**
 * The network side of a run: the bound transport (UDP u1/un, TCP t1/tn), the remote peer, the run-wide keyword
 * values, and the trace hooks. The RunController only sees this interface.
 */
import { lookup } from "node:dns/promises";
import { createSocket } from "node:dgram";
import { isIP } from "node:net";
import { BindError, ConfigError, SipwrightError } from "../../shared/errors.js";
import type { Clock } from "../../shared/clock.js";
import type { RunValues } from "../../scenario/runtime.js";
import type { SipMessage } from "../../sip/message.js";
import type {
  BindOptions,
  ConnectionShedReason,
  Peer,
  SipConnection,
  TransportHandlers,
  TransportName,
} from "../../sip/transport.js";
import { UdpTransport } from "../../sip/udp-transport.js";
import { StreamTransport } from "../../sip/stream-transport.js";
import { tlsClientOptions, tlsServerOptions } from "../../sip/tls-options.js";
import { WsTransport, type WsOptions } from "../../sip/ws-transport.js";
import { TRANSPORT_MODES, type RunConfig } from "./run-config.js";
import { SharedConnection, type LossPlan } from "./shared-connection.js";
import { checkAddressFamilies } from "./run-option-checks.js";

export const SIPWRIGHT_VERSION = "sipwright 0.1.0";

/** How long a TCP client keeps its connections open after its last call ends. */
const TCP_CLOSE_LINGER_MS = 500;

/** Where traffic is written for -trace_msg / -trace_shortmsg / -trace_err / -trace_logs. */
export interface TraceSink {
  sent(data: Buffer, transport: TransportName, peer: Peer, callId: string | undefined): void;
  received(message: SipMessage, transport: TransportName, peer: Peer): void;
  error(text: string): void;
  log(text: string): void;
  rtd(name: string, ms: number): void;
}

export interface RunEnvironment {
  readonly transport: TransportName;
  readonly values: RunValues;
  readonly mainConnection: SipConnection;
  /** Where client calls send to (-rsa or the positional remote host); undefined in pure server runs. */
  readonly remote: Peer | undefined;
  attach(handlers: TransportHandlers): void;
  connectionForNewCall(): Promise<SipConnection> | SipConnection;
  releaseConnection(connection: SipConnection): void;
  traceSent(data: Buffer, connection: SipConnection, peer: Peer, callId: string | undefined): void;
  traceReceived(message: SipMessage, connection: SipConnection, from: Peer): void;
  traceError(text: string): void;
  traceLog(text: string): void;
  traceRtd(name: string, ms: number): void;
  /**
   * A client's shared stream connection (t1, l1, ws1, wss1) was lost: whether its calls fail now and whether it
   * reconnects (-max_reconnect, -reconnect_close; see shared-connection.ts). Absent: no reconnection.
   */
  mainConnectionLost?(reason: string): LossPlan;
  close(): Promise<void>;
}

/** Picks the local address that routes to `remote` (a connected UDP socket sends nothing). */
async function routeLocalAddress(remote: string): Promise<string> {
  const socket = createSocket(isIP(remote) === 6 ? "udp6" : "udp4");
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(9, remote, () => resolve());
    });
    return socket.address().address;
  } finally {
    socket.close();
  }
}

/** A host name resolves to an address of the local address's family (4 or 6; 0 when -i is not given). */
async function resolveHost(host: string, family: number): Promise<string> {
  if (isIP(host) !== 0) return host;
  try {
    return (await lookup(host, { family })).address;
  } catch (error) {
    const of = family === 0 ? "" : ` to an IPv${family} address (as -i)`;
    throw new ConfigError(`cannot resolve remote host "${host}"${of}: ${error instanceof Error ? error.message : ""}`);
  }
}

export interface OpenEnvironmentOptions {
  readonly config: RunConfig;
  readonly clock: Clock;
  readonly traces: TraceSink;
}

/** Hands transport events to the run; the socket under the shared connection is reported as that connection. */
class ForwardingHandlers implements TransportHandlers {
  target: TransportHandlers | undefined;
  shared: SharedConnection | undefined;
  onMessage(message: SipMessage, from: Peer, connection: SipConnection): void {
    this.target?.onMessage(message, from, this.#map(connection));
  }
  onParseError(error: string, raw: Buffer, from: Peer, connection: SipConnection): void {
    this.target?.onParseError(error, raw, from, this.#map(connection));
  }
  onConnectionClosed(connection: SipConnection, error: Error | undefined): void {
    this.target?.onConnectionClosed?.(this.#map(connection), error);
  }
  onConnectionShed(reason: ConnectionShedReason, remote: Peer): void {
    this.target?.onConnectionShed?.(reason, remote);
  }
  connectionInUse(connection: SipConnection): boolean {
    return this.target?.connectionInUse?.(this.#map(connection)) ?? false;
  }
  #map(connection: SipConnection): SipConnection {
    return this.shared?.owns(connection) === true ? this.shared : connection;
  }
}

export async function openNetworkEnvironment(opts: OpenEnvironmentOptions): Promise<RunEnvironment> {
  const { config, clock, traces } = opts;
  const remoteSend =
    config.remoteSendAddress ??
    (config.remoteHost !== undefined ? { host: config.remoteHost, port: config.remotePort } : undefined);
  const family = isIP(config.localIp);
  const remoteIp = config.remoteHost !== undefined ? await resolveHost(config.remoteHost, family) : "";
  const remote =
    remoteSend !== undefined ? { host: await resolveHost(remoteSend.host, family), port: remoteSend.port } : undefined;
  const localIp =
    config.localIp !== "" ? config.localIp : remote !== undefined ? await routeLocalAddress(remote.host) : "127.0.0.1";
  if (remote !== undefined && remoteSend !== undefined) {
    checkAddressFamilies(localIp, { host: remote.host, given: remoteSend.host });
  }
  const handlers = new ForwardingHandlers();
  const bind = { address: localIp, port: config.localPort, bufferSize: config.bufferSize };
  const mode = TRANSPORT_MODES[config.transport];
  // The host as typed (a name or an IP): TLS server name and the WebSocket Host header.
  const connectOptions = { localAddress: localIp, hostName: remoteSend?.host };

  let udp: UdpTransport | undefined;
  let tcpTransport: ConnectingTransport | undefined;
  let main: SipConnection;
  let localPort: number;
  try {
    if (mode.transport !== "UDP") {
      tcpTransport = await listenConnecting(mode.transport, bind, config, handlers);
      localPort = tcpTransport.local.port;
      const stream = tcpTransport;
      if (!mode.perCall && remote !== undefined) {
        const first = await stream.connect(remote, connectOptions);
        const dial = (): Promise<SipConnection> => stream.connect(remote, connectOptions);
        const shared = new SharedConnection(first, config.reconnect, dial, clock, {
          // A failed reconnection is one more loss of the shared connection: the policy decides again.
          reconnectFailed: (error) => handlers.target?.onConnectionClosed?.(shared, error),
          reconnected: () => traces.log(`the ${mode.transport} connection to the remote host was reopened`),
        });
        handlers.shared = shared;
        main = shared;
      } else {
        main = placeholderConnection(tcpTransport.local, mode.transport);
      }
    } else {
      udp = await UdpTransport.bind(bind, handlers);
      main = udp.main;
      localPort = main.local.port;
    }
  } catch (error) {
    await udp?.close();
    await tcpTransport?.close();
    if (error instanceof SipwrightError) throw error;
    throw new BindError(
      `cannot bind ${localIp}:${config.localPort}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  const start = clock.now();
  let dynamicId = config.dynamicStart;
  const values: RunValues = {
    service: config.service,
    remoteHost: config.remoteHost ?? "",
    remoteIp,
    remotePort: config.remotePort,
    localIp,
    localPort,
    transport: mode.transport,
    pid: process.pid,
    // SIPp behaviour: [users] is -1 when -users is not given.
    users: config.users ?? -1,
    mediaIp: config.mediaIp ?? localIp,
    mediaPort: config.mediaPort,
    keys: config.keys,
    authUsername: config.authUsername,
    authPassword: config.authPassword,
    authUri: config.authUri,
    sippVersion: SIPWRIGHT_VERSION,
    startWallMs: clock.wallNow(),
    clockTick: () => Math.floor(clock.now() - start),
    nextDynamicId: () => {
      const id = dynamicId;
      dynamicId += config.dynamicStep;
      if (dynamicId > config.dynamicMax) dynamicId = config.dynamicStart;
      return id;
    },
  };
  const transportName = values.transport;
  return {
    transport: transportName,
    values,
    mainConnection: main,
    remote,
    attach(target) {
      handlers.target = target;
    },
    connectionForNewCall() {
      if (config.transport === "un" && udp !== undefined) return udp.openSocket();
      if (mode.perCall && tcpTransport !== undefined && remote !== undefined) {
        return tcpTransport.connect(remote, connectOptions);
      }
      // While the shared connection reconnects, new calls wait for it (they count against -l as pending).
      return handlers.shared?.ready() ?? main;
    },
    releaseConnection(connection) {
      if (connection !== main) connection.close();
    },
    traceSent: (data, _connection, peer, callId) => traces.sent(data, transportName, peer, callId),
    traceReceived: (message, _connection, from) => traces.received(message, transportName, from),
    traceError: (text) => traces.error(text),
    traceLog: (text) => traces.log(text),
    traceRtd: (name, ms) => traces.rtd(name, ms),
    mainConnectionLost: (reason) => handlers.shared?.lost(reason) ?? { closeCalls: true, reconnect: false },
    async close() {
      handlers.shared?.close();
      await udp?.close();
      if (tcpTransport !== undefined) {
        // A client closing its TCP connections the instant its last call ends can make the peer see the close
        // while it is still finishing that call (sipp 3.6.1 then counts FailedTcpClosed): linger briefly first.
        if (remote !== undefined) await new Promise<void>((resolve) => clock.setTimer(TCP_CLOSE_LINGER_MS, resolve));
        await tcpTransport.close();
      }
    },
  };
}

/** What a run needs of a connection-oriented transport (TCP, TLS, WS, WSS): a listener and client connections. */
interface ConnectingTransport {
  readonly local: Peer;
  connect(to: Peer, opts: { localAddress?: string; hostName?: string | undefined }): Promise<SipConnection>;
  close(): Promise<void>;
}

function listenConnecting(
  transport: Exclude<TransportName, "UDP">,
  bind: BindOptions,
  config: RunConfig,
  handlers: TransportHandlers,
): Promise<ConnectingTransport> {
  switch (transport) {
    case "WS":
    case "WSS":
      return WsTransport.listen(
        bind,
        {
          secure: transport === "WSS",
          path: config.ws.path,
          origin: config.ws.origin,
          pingIntervalMs: config.ws.pingIntervalMs,
          limits: config.connectionLimits,
          ...(transport === "WSS" ? wssOptions(config) : {}),
        },
        handlers,
      );
    case "TCP":
    case "TLS":
      return StreamTransport.listen(
        {
          ...bind,
          transport,
          tls: config.tls,
          clientOnly: config.remoteHost !== undefined,
          limits: config.connectionLimits,
        },
        handlers,
      );
  }
}

/**
 * WSS: -tls_cert / -tls_key serve it as they serve TLS, -tls_ca / --tls-insecure / --tls-servername check the
 * server. A client-only run without a certificate gets a listener that refuses every handshake, as for TLS.
 */
function wssOptions(config: RunConfig): Pick<WsOptions, "serverTls" | "clientTls"> {
  const tls = config.tls;
  const clientOnly = config.remoteHost !== undefined;
  const noCertificate = tls.certFile === undefined || tls.keyFile === undefined;
  return {
    serverTls: clientOnly && noCertificate ? {} : tlsServerOptions(tls),
    clientTls: (hostName) => tlsClientOptions(tls, hostName),
  };
}

/**
 * Connection-oriented server runs have no single connection: calls answer, and send their requests, on the
 * connection their first message came in on.
 */
function placeholderConnection(local: Peer, transport: TransportName): SipConnection {
  return {
    id: 0,
    transport,
    local,
    remote: undefined,
    closed: false,
    pendingBytes: 0,
    send: () => false,
    close: () => undefined,
  };
}
