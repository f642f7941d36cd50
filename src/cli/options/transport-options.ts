/**
 * `*** IP, port and protocol options` of the help; docs/cli.md "Addresses and transport", "TLS", "WebSocket
 * (RFC 7118)" and "Stream connection limits".
 */
import { ConfigError } from "../../shared/errors.js";
import type { TransportMode } from "../../engine/run/run-config.js";
import { parseHostPort } from "../host-port.js";
import { choice, flag, int, one, parseNumber, parseTime, shown, shownTime, type OptionGroup } from "./option-spec.js";

const addresses = "Addresses and transport";
const tls = "TLS";
const ws = "WebSocket (RFC 7118)";
const limits = "Stream connection limits";

/** The -t modes this build implements, in the order the help lists them (TRANSPORT_MODES names them all). */
const SUPPORTED_TRANSPORTS: readonly TransportMode[] = [
  "u1",
  "un",
  "t1",
  "tn",
  "l1",
  "ln",
  "ws1",
  "wsn",
  "wss1",
  "wssn",
];

function parseTransport(value: string): TransportMode {
  const mode = SUPPORTED_TRANSPORTS.find((m) => m === value);
  if (mode !== undefined) return mode;
  const use = `use ${SUPPORTED_TRANSPORTS.slice(0, -1).join(", ")} or ${SUPPORTED_TRANSPORTS.at(-1) ?? ""}`;
  const what: Record<string, string> = {
    s1: "SCTP (s1)",
    sn: "SCTP (sn)",
    ui: "UDP per injection-file IP (ui)",
    c1: "compression (c1)",
    cn: "compression (cn)",
  };
  const name = what[value];
  if (name !== undefined) throw new ConfigError(`-t ${value}: ${name} is not supported; ${use}`);
  throw new ConfigError(`-t: unknown transport '${value}'; ${use}`);
}

/** `--ws-path`: an absolute request path (RFC 6455 3: the resource name), without a fragment. */
function parseWsPath(value: string): string {
  if (!value.startsWith("/") || value.includes("#") || /\s/.test(value)) {
    throw new ConfigError(`--ws-path: '${value}' is not a request path (it starts with "/", no spaces or "#")`);
  }
  return value;
}

export const TRANSPORT_OPTIONS: OptionGroup = {
  title: "IP, port and protocol options",
  before: "   remote_host[:port]  The peer (default port 5060). IPv6 in brackets: [::1]:5070.",
  options: [
    one("-t", "MODE", (c, v) => (c.transport = parseTransport(v)), {
      help:
        "Transport: u1 (UDP, one socket), un (UDP, socket per call),\n" +
        "t1 (TCP, one socket), tn (TCP, socket per call),\n" +
        "l1 (TLS, one connection), ln (TLS, connection per call),\n" +
        "ws1 / wsn (WebSocket, RFC 7118), wss1 / wssn (secure WebSocket).",
      default: shown((d) => d.transport),
      doc: addresses,
    }),
    one("-tls_cert", "FILE", (c, v, u) => (c.tls = { ...c.tls, certFile: u.path(v) }), {
      help: "PEM certificate (TLS / WSS server; client certificate when asked).",
      doc: tls,
    }),
    one("-tls_key", "FILE", (c, v, u) => (c.tls = { ...c.tls, keyFile: u.path(v) }), {
      help: "PEM private key of -tls_cert.",
      doc: tls,
    }),
    one("-tls_ca", "FILE", (c, v, u) => (c.tls = { ...c.tls, caFile: u.path(v) }), {
      help: "CAs a TLS / WSS client trusts.",
      default: "Node's bundle",
      doc: tls,
    }),
    one(
      "-tls_version",
      "V",
      (c, v) => (c.tls = { ...c.tls, minVersion: choice("-tls_version", v, ["1.2", "1.3"] as const) }),
      { help: "Lowest TLS version, 1.2 or 1.3.", default: shown((d) => d.tls.minVersion ?? ""), doc: tls },
    ),
    one("--tls-servername", "NAME", (c, v) => (c.tls = { ...c.tls, servername: v }), {
      help: "SNI and name checked.",
      default: "the remote host when it is a name",
      doc: tls,
    }),
    flag("--tls-client-cert", (c) => (c.tls = { ...c.tls, requestClientCert: true }), {
      help: "Server: require a client certificate signed by -tls_ca.",
      doc: tls,
    }),
    flag("--tls-insecure", (c) => (c.tls = { ...c.tls, insecure: true }), {
      help: "Lab switch: accept any server certificate (verification is on by default).",
      doc: tls,
    }),
    one("-max_reconnect", "N", (c, v, u) => (c.reconnect.max = parseNumber(u.name, v, { integer: true, min: -1 })), {
      help: "Reopen a lost shared t1/l1/ws1/wss1 connection N times (-1: always).",
      default: shown((d) => d.reconnect.max),
      doc: tls,
    }),
    one("-reconnect_sleep", "MS", (c, v, u) => (c.reconnect.sleepMs = parseTime(u.name, v, "ms")), {
      help: "Wait before reconnecting.",
      default: shownTime((d) => d.reconnect.sleepMs, "ms"),
      doc: tls,
    }),
    one(
      "-reconnect_close",
      "B",
      (c, v) => (c.reconnect.closeCalls = choice("-reconnect_close", v, ["true", "false"]) === "true"),
      {
        help: "true: calls on a lost connection fail; false: they go on.",
        default: shown((d) => d.reconnect.closeCalls),
        doc: tls,
      },
    ),
    one("--ws-path", "PATH", (c, v) => (c.ws.path = parseWsPath(v)), {
      help: "WebSocket request path, client and server.",
      default: shown((d) => d.ws.path),
      doc: ws,
    }),
    one("--ws-origin", "URL", (c, v) => (c.ws.origin = v), {
      help: "Origin header of WebSocket client connections.",
      default: "none",
      doc: ws,
    }),
    one("--ws-ping", "TIME", (c, v, u) => (c.ws.pingIntervalMs = parseTime(u.name, v, "ms")), {
      help: "WebSocket ping interval; a missing pong loses the connection.",
      default: shownTime((d) => d.ws.pingIntervalMs, "ms", ", 0 off"),
      doc: ws,
    }),
    one(
      "--max-connections",
      "N",
      (c, v, u) => (c.connectionLimits = { ...c.connectionLimits, maxConnections: int(u.name, v) }),
      {
        help: "TCP/TLS/WS/WSS server: accepted connections open at once.",
        default: shown((d) => d.connectionLimits.maxConnections, ", 0 no cap"),
        doc: limits,
      },
    ),
    one(
      "--idle-timeout",
      "TIME",
      (c, v, u) => (c.connectionLimits = { ...c.connectionLimits, idleTimeoutMs: parseTime(u.name, v, "s") }),
      {
        help: "Close an accepted connection idle this long.",
        default: shownTime((d) => d.connectionLimits.idleTimeoutMs, "s", ", 0 off"),
        doc: limits,
      },
    ),
    one("-i", "IP", (c, v) => (c.localIp = v), {
      help: "Local IP for Via/Contact/From.",
      default: "primary host address",
      doc: addresses,
    }),
    one("-p", "PORT", (c, v, u) => (c.localPort = int(u.name, v, 0, 65535)), {
      help: "Local port.",
      default: shown((d) => d.localPort, ", a free port chosen by the system"),
      doc: addresses,
    }),
    one("-rsa", "HOST:PORT", (c, v, u) => (c.remoteSendAddress = parseHostPort(`-${u.name}`, v, 5060)), {
      help: "Send every message to this address instead of remote_host.",
      doc: addresses,
    }),
    one("-buff_size", "BYTES", (c, v, u) => (c.bufferSize = int(u.name, v, 1)), {
      help: "Socket send and receive buffer size.",
      doc: addresses,
    }),
  ],
};
