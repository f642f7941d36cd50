/**
 * The network side of a run: the bound transport (UDP u1/un, TCP t1/tn), the remote peer, the run-wide keyword
 * values, and the trace hooks. The RunController only sees this interface.
 */
import { lookup } from "node:dns/promises";
import { createSocket } from "node:dgram";
import { isIP } from "node:net";
import { BindError, ConfigError, SipwrightError } from "../shared/errors.js";
import type { Clock } from "../shared/clock.js";
import type { RunValues } from "../scenario/runtime.js";
import type { SipMessage } from "../sip/message.js";
import type { Peer, SipConnection, TransportHandlers, TransportName } from "../sip/transport.js";
import { UdpTransport } from "../sip/udp-transport.js";
import { StreamTransport } from "../sip/stream-transport.js";
import type { RunConfig } from "./run-config.js";

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

async function resolveHost(host: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  try {
    return (await lookup(host)).address;
  } catch (error) {
    throw new ConfigError(`cannot resolve remote host "${host}": ${error instanceof Error ? error.message : ""}`);
  }
}

export interface OpenEnvironmentOptions {
  readonly config: RunConfig;
  readonly clock: Clock;
  readonly traces: TraceSink;
}

class ForwardingHandlers implements TransportHandlers {
  target: TransportHandlers | undefined;
  onMessage(message: SipMessage, from: Peer, connection: SipConnection): void {
    this.target?.onMessage(message, from, connection);
  }
  onParseError(error: string, raw: Buffer, from: Peer, connection: SipConnection): void {
    this.target?.onParseError(error, raw, from, connection);
  }
  onConnectionClosed(connection: SipConnection, error: Error | undefined): void {
    this.target?.onConnectionClosed?.(connection, error);
  }
}

export async function openNetworkEnvironment(opts: OpenEnvironmentOptions): Promise<RunEnvironment> {
  const { config, clock, traces } = opts;
  const remoteSend =
    config.remoteSendAddress ??
    (config.remoteHost !== undefined ? { host: config.remoteHost, port: config.remotePort } : undefined);
  const remoteIp = config.remoteHost !== undefined ? await resolveHost(config.remoteHost) : "";
  const remote =
    remoteSend !== undefined ? { host: await resolveHost(remoteSend.host), port: remoteSend.port } : undefined;
  const localIp =
    config.localIp !== "" ? config.localIp : remote !== undefined ? await routeLocalAddress(remote.host) : "127.0.0.1";
  const handlers = new ForwardingHandlers();
  const bind = { address: localIp, port: config.localPort, bufferSize: config.bufferSize };
  const tcp = config.transport === "t1" || config.transport === "tn";

  let udp: UdpTransport | undefined;
  let tcpTransport: StreamTransport | undefined;
  let main: SipConnection;
  let localPort: number;
  try {
    if (tcp) {
      tcpTransport = await StreamTransport.listen(bind, handlers);
      localPort = tcpTransport.local.port;
      main =
        config.transport === "t1" && remote !== undefined
          ? await tcpTransport.connect(remote, { localAddress: localIp })
          : placeholderConnection(tcpTransport.local);
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
    transport: tcp ? "TCP" : "UDP",
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
      if (config.transport === "tn" && tcpTransport !== undefined && remote !== undefined) {
        return tcpTransport.connect(remote, { localAddress: localIp });
      }
      return main;
    },
    releaseConnection(connection) {
      if (connection !== main) connection.close();
    },
    traceSent: (data, _connection, peer, callId) => traces.sent(data, transportName, peer, callId),
    traceReceived: (message, _connection, from) => traces.received(message, transportName, from),
    traceError: (text) => traces.error(text),
    traceLog: (text) => traces.log(text),
    traceRtd: (name, ms) => traces.rtd(name, ms),
    async close() {
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

/** TCP server runs have no single connection: calls answer on the connection their first message came in on. */
function placeholderConnection(local: Peer): SipConnection {
  return {
    id: 0,
    transport: "TCP",
    local,
    remote: undefined,
    closed: false,
    pendingBytes: 0,
    send: () => false,
    close: () => undefined,
  };
}
