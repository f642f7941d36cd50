/**
 * argv -> Command. SIPp style: single-dash options with a separate value (`-r 10`), the positional
 * `remote_host[:port]`, and SIPp's defaults (checked against `sipp -h` of 3.6.1). SIPp behaviour: an option may
 * also be written with two dashes. Our own long options: --out, --summary-json, --records, --no-records, --status,
 * --quiet, --record, --record-stereo, --codecs.
 */
import { networkInterfaces } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "../shared/errors.js";
import {
  DEFAULT_MAX_INVITE_RETRANS,
  DEFAULT_MAX_NON_INVITE_RETRANS,
  DEFAULT_T1_MS,
  DEFAULT_T2_MS,
} from "../sip/retransmission.js";
import { TRICKLE_MODES } from "../media/webrtc/webrtc-types.js";
import type { DefaultBehavior, RunConfig, TransportMode } from "../engine/run/run-config.js";
import { DEFAULT_TURN_TTL_S, DEFAULT_TURN_USER } from "../media/webrtc/turn-credentials.js";
import { DEFAULT_WS_PING_MS } from "../sip/ws-connection.js";
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_CONNECTIONS } from "../sip/connection-limits.js";
import { checkRunOptions } from "../engine/run/run-option-checks.js";
import { parseHostPort } from "./host-port.js";
import { parseTurnCredArgs, type TurnCredOptions } from "./turn-cred.js";
import { parseServeArgs, type ServeOptions } from "../api/serve-options.js";

export type Command =
  | { kind: "run"; config: RunConfig }
  | { kind: "validate"; files: string[]; keys: Map<string, string>; webrtc: boolean }
  | { kind: "demo"; outDir: string | undefined; calls: number; rtp: boolean }
  | { kind: "turn-cred"; options: TurnCredOptions }
  | { kind: "serve"; options: ServeOptions }
  | { kind: "help" }
  | { kind: "version" };

export interface ParseEnv {
  isTTY: boolean;
  cwd: string;
  /** SIPp's default for -i is the primary host address; tests inject it. */
  primaryIp?: string;
}

const SEE_HELP = "(see sipwright -h)";
/** The RTP range is -mp (6000, SIPp's media port) to this: 7000 port pairs. */
export const DEFAULT_MAX_RTP_PORT = 19999;
const ALL_BEHAVIORS: readonly DefaultBehavior[] = ["bye", "abortunexp", "pingreply", "badcseq"];
export const DEMO_DEFAULT_CALLS = 10;

/** SIPp options that only concern SIPp's curses screen or process model: accepted, no effect. */
const IGNORED_FLAGS = new Set(["nostdin", "bg", "trace_screen", "skip_rlimit"]);
const IGNORED_WITH_VALUE = new Set(["screen_file", "timer_resol", "max_recv_loops", "max_sched_loops"]);

/** A non-negative duration in ms. SIPp behaviour: a plain number is in the option's default unit; ms/s/m/h suffixes. */
export function parseTime(option: string, value: string, defaultUnit: "ms" | "s"): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new ConfigError(`-${option}: '${value}' is not a time (e.g. 500ms, 20s, 2m, 1h) ${SEE_HELP}`);
  const n = Number(m[1]);
  const unit = m[2] ?? defaultUnit;
  const factor = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000;
  return n * factor;
}

function parseNumber(
  option: string,
  value: string,
  opts: { integer?: boolean; min?: number; max?: number } = {},
): number {
  const n = value.trim() === "" ? NaN : Number(value);
  if (!Number.isFinite(n) || (opts.integer === true && !Number.isInteger(n))) {
    throw new ConfigError(
      `-${option}: '${value}' is not ${opts.integer === true ? "an integer" : "a number"} ${SEE_HELP}`,
    );
  }
  if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    throw new ConfigError(`-${option}: ${value} is out of range (${opts.min ?? "-inf"}..${opts.max ?? "inf"})`);
  }
  return n;
}

const int = (o: string, v: string, min = 0, max?: number): number =>
  parseNumber(o, v, max === undefined ? { integer: true, min } : { integer: true, min, max });

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

/** SIPp behaviour (-default_behaviors): all | none | names, a leading "-" removes one, applied left to right. */
export function parseDefaultBehaviors(value: string): Set<DefaultBehavior> {
  const set = new Set<DefaultBehavior>();
  for (const raw of value.split(",")) {
    const item = raw.trim();
    const remove = item.startsWith("-");
    const name = remove ? item.slice(1) : item;
    const names: readonly DefaultBehavior[] =
      name === "all"
        ? ALL_BEHAVIORS
        : name === "none"
          ? []
          : name === "cseq"
            ? ["badcseq"]
            : ALL_BEHAVIORS.filter((b) => b === name);
    if (names.length === 0 && name !== "none") {
      throw new ConfigError(
        `-default_behaviors: unknown behavior '${name}' (all, none, bye, abortunexp, pingreply, badcseq)`,
      );
    }
    if (name === "none") set.clear();
    for (const b of names) {
      if (remove) set.delete(b);
      else set.add(b);
    }
  }
  return set;
}

function primaryHostIp(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

/** A RunConfig holding SIPp's defaults (localPort 0 = ephemeral, a deliberate difference). */
export function defaultRunConfig(env: ParseEnv): RunConfig {
  return {
    scenarioFile: undefined,
    // SIPp behaviour: without -sf or -sn the built-in uac scenario runs.
    scenarioName: "uac",
    oocScenarioFile: undefined,
    oocScenarioName: undefined,
    remoteHost: undefined,
    remotePort: 5060,
    remoteSendAddress: undefined,
    localIp: env.primaryIp ?? primaryHostIp(),
    localPort: 0,
    transport: "u1",
    tls: {},
    reconnect: { max: 0, sleepMs: 1000, closeCalls: true },
    ws: { path: "/", origin: undefined, pingIntervalMs: DEFAULT_WS_PING_MS },
    connectionLimits: { maxConnections: DEFAULT_MAX_CONNECTIONS, idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS },
    bufferSize: undefined,
    mediaIp: undefined,
    mediaPort: 6000,
    mediaMaxPort: DEFAULT_MAX_RTP_PORT,
    rtpEcho: false,
    record: undefined,
    codecs: ["PCMA", "PCMU"],
    webrtc: false,
    webrtcOptions: {
      iceServers: [],
      icePolicy: "all",
      iceUsername: undefined,
      iceCredential: undefined,
      turnSecret: undefined,
      turnTtlS: DEFAULT_TURN_TTL_S,
      turnUser: DEFAULT_TURN_USER,
      trickle: "auto",
      candidateAddresses: [],
      gatherTimeoutMs: 2000,
      iceTimeoutMs: 10_000,
      dtlsTimeoutMs: 10_000,
    },
    rate: 10,
    ratePeriodMs: 1000,
    rateIncrease: undefined,
    rateIntervalMs: undefined,
    rateMax: undefined,
    noRateQuit: false,
    limit: undefined,
    maxCalls: undefined,
    users: undefined,
    defaultPauseMs: 0,
    globalTimeoutMs: undefined,
    timeoutError: false,
    recvTimeoutMs: undefined,
    sendTimeoutMs: undefined,
    t1Ms: DEFAULT_T1_MS,
    t2Ms: DEFAULT_T2_MS,
    maxRetrans: undefined,
    maxInviteRetrans: DEFAULT_MAX_INVITE_RETRANS,
    maxNonInviteRetrans: DEFAULT_MAX_NON_INVITE_RETRANS,
    noRetrans: false,
    deadcallWaitMs: 33_000,
    lostPercent: 0,
    baseCseq: 1,
    callIdFormat: "%u-%p@%s",
    service: "service",
    authUsername: undefined,
    authPassword: undefined,
    authUri: undefined,
    autoAnswer: false,
    defaultBehaviors: new Set(ALL_BEHAVIORS),
    keys: new Map(),
    setVariables: new Map(),
    injectionFiles: [],
    dynamicStart: 10000,
    dynamicMax: 12000,
    dynamicStep: 4,
    trace: {
      msg: false,
      messageFile: undefined,
      shortmsg: false,
      shortmsgFile: undefined,
      err: false,
      errorFile: undefined,
      stat: false,
      statFile: undefined,
      statPeriodMs: 60_000,
      statDelimiter: ";",
      rtt: false,
      rttFile: undefined,
      rttFreq: 200,
      counts: false,
      countsFile: undefined,
      logs: false,
      logFile: undefined,
    },
    outDir: undefined,
    summaryJson: undefined,
    callRecords: true,
    callRecordsFile: undefined,
    statusMode: env.isTTY ? "tty" : "lines",
    statusPeriodMs: 1000,
  };
}

type Setter = (c: RunConfig, v: readonly string[]) => void;

/** Options that take values: [number of values, setter]. `p` resolves a path against the cwd. */
function valueOptions(p: (v: string) => string): Record<string, [number, Setter]> {
  const one = (fn: (c: RunConfig, v: string, name: string) => void, name: string): [number, Setter] => [
    1,
    (c, v) => {
      fn(c, v[0] ?? "", name);
    },
  ];
  const table: Record<string, (c: RunConfig, v: string, name: string) => void> = {
    // SIPp behaviour: the last scenario option wins.
    sf: (c, v) => ((c.scenarioFile = p(v)), (c.scenarioName = undefined)),
    sn: (c, v) => ((c.scenarioName = v), (c.scenarioFile = undefined)),
    oocsf: (c, v) => ((c.oocScenarioFile = p(v)), (c.oocScenarioName = undefined)),
    oocsn: (c, v) => ((c.oocScenarioName = v), (c.oocScenarioFile = undefined)),
    i: (c, v) => (c.localIp = v),
    p: (c, v, n) => (c.localPort = int(n, v, 0, 65535)),
    tls_cert: (c, v) => (c.tls = { ...c.tls, certFile: p(v) }),
    tls_key: (c, v) => (c.tls = { ...c.tls, keyFile: p(v) }),
    tls_ca: (c, v) => (c.tls = { ...c.tls, caFile: p(v) }),
    tls_version: (c, v) => (c.tls = { ...c.tls, minVersion: choice("-tls_version", v, ["1.2", "1.3"] as const) }),
    "tls-servername": (c, v) => (c.tls = { ...c.tls, servername: v }),
    max_reconnect: (c, v, n) => (c.reconnect.max = parseNumber(n, v, { integer: true, min: -1 })),
    reconnect_sleep: (c, v, n) => (c.reconnect.sleepMs = parseTime(n, v, "ms")),
    reconnect_close: (c, v) => (c.reconnect.closeCalls = choice("-reconnect_close", v, ["true", "false"]) === "true"),
    t: (c, v) => (c.transport = parseTransport(v)),
    buff_size: (c, v, n) => (c.bufferSize = int(n, v, 1)),
    mi: (c, v) => (c.mediaIp = v),
    mp: (c, v, n) => (c.mediaPort = int(n, v, 0, 65535)),
    min_rtp_port: (c, v, n) => (c.mediaPort = int(n, v, 0, 65535)),
    max_rtp_port: (c, v, n) => (c.mediaMaxPort = int(n, v, 1, 65535)),
    codecs: (c, v) => (c.codecs = parseCodecs(v)),
    "ice-server": (c, v) => c.webrtcOptions.iceServers.push(v),
    "ice-policy": (c, v) => (c.webrtcOptions.icePolicy = choice("--ice-policy", v, ["all", "relay"] as const)),
    "ice-username": (c, v) => (c.webrtcOptions.iceUsername = v),
    "ice-credential": (c, v) => (c.webrtcOptions.iceCredential = v),
    "turn-secret": (c, v) => (c.webrtcOptions.turnSecret = v),
    "turn-ttl": (c, v, n) => (c.webrtcOptions.turnTtlS = int(n, v, 1)),
    "turn-user": (c, v) => (c.webrtcOptions.turnUser = v),
    trickle: (c, v) => (c.webrtcOptions.trickle = choice("--trickle", v, TRICKLE_MODES)),
    "ice-address": (c, v) => c.webrtcOptions.candidateAddresses.push(v),
    "gather-timeout": (c, v, n) => (c.webrtcOptions.gatherTimeoutMs = parseTime(n, v, "ms")),
    "ice-timeout": (c, v, n) => (c.webrtcOptions.iceTimeoutMs = parseTime(n, v, "ms")),
    "dtls-timeout": (c, v, n) => (c.webrtcOptions.dtlsTimeoutMs = parseTime(n, v, "ms")),
    "ws-path": (c, v) => (c.ws.path = parseWsPath(v)),
    "ws-origin": (c, v) => (c.ws.origin = v),
    "ws-ping": (c, v, n) => (c.ws.pingIntervalMs = parseTime(n, v, "ms")),
    "max-connections": (c, v, n) => (c.connectionLimits = { ...c.connectionLimits, maxConnections: int(n, v) }),
    "idle-timeout": (c, v, n) => (c.connectionLimits = { ...c.connectionLimits, idleTimeoutMs: parseTime(n, v, "s") }),
    r: (c, v, n) => (c.rate = parseNumber(n, v, { min: 0 })),
    rp: (c, v, n) => (c.ratePeriodMs = parseTime(n, v, "ms")),
    rate_increase: (c, v, n) => (c.rateIncrease = int(n, v)),
    rate_interval: (c, v, n) => (c.rateIntervalMs = parseTime(n, v, "s")),
    rate_max: (c, v, n) => (c.rateMax = int(n, v)),
    l: (c, v, n) => (c.limit = int(n, v, 1)),
    m: (c, v, n) => (c.maxCalls = int(n, v, 1)),
    users: (c, v, n) => (c.users = int(n, v, 1)),
    d: (c, v, n) => (c.defaultPauseMs = parseTime(n, v, "ms")),
    timeout: (c, v, n) => (c.globalTimeoutMs = parseTime(n, v, "s")),
    recv_timeout: (c, v, n) => (c.recvTimeoutMs = parseTime(n, v, "ms")),
    send_timeout: (c, v, n) => (c.sendTimeoutMs = parseTime(n, v, "ms")),
    T1: (c, v, n) => (c.t1Ms = parseTime(n, v, "ms")),
    T2: (c, v, n) => (c.t2Ms = parseTime(n, v, "ms")),
    max_retrans: (c, v, n) => (c.maxRetrans = int(n, v)),
    max_invite_retrans: (c, v, n) => (c.maxInviteRetrans = int(n, v)),
    max_non_invite_retrans: (c, v, n) => (c.maxNonInviteRetrans = int(n, v)),
    deadcall_wait: (c, v, n) => (c.deadcallWaitMs = parseTime(n, v, "ms")),
    lost: (c, v, n) => (c.lostPercent = parseNumber(n, v, { min: 0, max: 100 })),
    base_cseq: (c, v, n) => (c.baseCseq = int(n, v)),
    cid_str: (c, v) => (c.callIdFormat = v),
    s: (c, v) => (c.service = v),
    au: (c, v) => (c.authUsername = v),
    ap: (c, v) => (c.authPassword = v),
    auth_uri: (c, v) => (c.authUri = v),
    default_behaviors: (c, v) => (c.defaultBehaviors = parseDefaultBehaviors(v)),
    inf: (c, v) => c.injectionFiles.push({ path: p(v), indexField: undefined }),
    dynamicStart: (c, v, n) => (c.dynamicStart = parseNumber(n, v, { integer: true })),
    dynamicMax: (c, v, n) => (c.dynamicMax = parseNumber(n, v, { integer: true })),
    dynamicStep: (c, v, n) => (c.dynamicStep = parseNumber(n, v, { integer: true })),
    rsa: (c, v, n) => (c.remoteSendAddress = parseHostPort(`-${n}`, v, 5060)),
    message_file: (c, v) => (c.trace.messageFile = p(v)),
    shortmessage_file: (c, v) => (c.trace.shortmsgFile = p(v)),
    error_file: (c, v) => (c.trace.errorFile = p(v)),
    stf: (c, v) => (c.trace.statFile = p(v)),
    fd: (c, v, n) => (c.trace.statPeriodMs = parseTime(n, v, "s")),
    stat_delimiter: (c, v) => (c.trace.statDelimiter = v),
    rtt_freq: (c, v, n) => (c.trace.rttFreq = int(n, v, 1)),
    log_file: (c, v) => (c.trace.logFile = p(v)),
    // SIPp's -f (screen refresh period) sets our status line period.
    f: (c, v, n) => (c.statusPeriodMs = parseTime(n, v, "s")),
    out: (c, v) => (c.outDir = p(v)),
    "summary-json": (c, v) => (c.summaryJson = p(v)),
    records: (c, v) => ((c.callRecordsFile = p(v)), (c.callRecords = true)),
    junit: (c, v) => (c.junitFile = p(v)),
    "live-stats": (c, v) => (c.liveStatsFile = p(v)),
    status: (c, v) => {
      if (v !== "tty" && v !== "lines" && v !== "none")
        throw new ConfigError(`--status: '${v}' is not tty, lines or none`);
      c.statusMode = v;
    },
  };
  const out: Record<string, [number, Setter]> = {};
  for (const [name, fn] of Object.entries(table)) out[name] = one(fn, name);
  out.key = [2, (c, [k = "", v = ""]) => c.keys.set(k, v)];
  out.set = [2, (c, [k = "", v = ""]) => c.setVariables.set(k, v)];
  out.infindex = [
    2,
    (c, [file = "", field = ""]) => {
      applyInfIndex(c, p(file), file, int("infindex", field));
    },
  ];
  return out;
}

function applyInfIndex(c: RunConfig, path: string, given: string, field: number): void {
  const spec = c.injectionFiles.find((f) => f.path === path || f.path.endsWith(`/${given}`));
  if (!spec) throw new ConfigError(`-infindex ${given}: no -inf file by that name (give -inf first)`);
  spec.indexField = field;
}

const FLAGS: Record<string, (c: RunConfig) => void> = {
  no_rate_quit: (c) => (c.noRateQuit = true),
  timeout_error: (c) => (c.timeoutError = true),
  nr: (c) => (c.noRetrans = true),
  aa: (c) => (c.autoAnswer = true),
  "tls-insecure": (c) => (c.tls = { ...c.tls, insecure: true }),
  "tls-client-cert": (c) => (c.tls = { ...c.tls, requestClientCert: true }),
  nd: (c) => (c.defaultBehaviors = new Set()),
  trace_msg: (c) => (c.trace.msg = true),
  trace_shortmsg: (c) => (c.trace.shortmsg = true),
  trace_err: (c) => (c.trace.err = true),
  trace_stat: (c) => (c.trace.stat = true),
  trace_rtt: (c) => (c.trace.rtt = true),
  trace_counts: (c) => (c.trace.counts = true),
  trace_logs: (c) => (c.trace.logs = true),
  quiet: (c) => (c.statusMode = "none"),
  "no-records": (c) => (c.callRecords = false),
  rtp_echo: (c) => (c.rtpEcho = true),
  // Both given: both layouts, written from the same frames (issue 9 item 9).
  record: (c) => (c.record = c.record === "stereo" || c.record === "both" ? "both" : "per-direction"),
  "record-stereo": (c) => (c.record = c.record === "per-direction" || c.record === "both" ? "both" : "stereo"),
  webrtc: (c) => (c.webrtc = true),
};

function choice<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new ConfigError(`${option}: '${value}' is not one of ${allowed.join(", ")}`);
  return found;
}

/** `--codecs PCMA,PCMU`: G.711 only, each once, in preference order. */
function parseCodecs(value: string): RunConfig["codecs"] {
  const codecs: RunConfig["codecs"] = [];
  for (const name of value.split(",").map((n) => n.trim().toUpperCase())) {
    if (name !== "PCMA" && name !== "PCMU") {
      throw new ConfigError(`--codecs: '${name}' is not a codec sipwright carries (PCMA, PCMU)`);
    }
    if (!codecs.includes(name)) codecs.push(name);
  }
  return codecs;
}

function parseRun(args: readonly string[], env: ParseEnv): Command {
  const config = defaultRunConfig(env);
  const path = (v: string): string => (isAbsolute(v) ? v : resolve(env.cwd, v));
  const options = valueOptions(path);
  let positional: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (!arg.startsWith("-") || arg === "-") {
      if (positional !== undefined)
        throw new ConfigError(`unexpected argument '${arg}': only one remote_host[:port] is allowed`);
      positional = arg;
      continue;
    }
    const name = arg.replace(/^--?/, "");
    if (name === "h" || name === "help") return { kind: "help" };
    if (name === "v" || name === "version") return { kind: "version" };
    const flag = FLAGS[name];
    if (flag) {
      flag(config);
      continue;
    }
    if (IGNORED_FLAGS.has(name)) continue;
    const valueCount = IGNORED_WITH_VALUE.has(name) || name.startsWith("watchdog_") ? 1 : options[name]?.[0];
    if (valueCount === undefined) throw new ConfigError(`unknown option ${arg} ${SEE_HELP}`);
    const values = args.slice(i + 1, i + 1 + valueCount);
    if (values.length < valueCount) {
      throw new ConfigError(`option ${arg} needs ${valueCount === 1 ? "a value" : `${valueCount} values`} ${SEE_HELP}`);
    }
    i += valueCount;
    options[name]?.[1](config, values);
  }
  if (positional !== undefined) {
    const { host, port } = parseHostPort("remote address", positional, 5060);
    config.remoteHost = host;
    config.remotePort = port;
  }
  // Checked now, whatever the scenario: a bad option never reaches a bound socket (issue 9 items 1-2).
  checkRunOptions(config);
  return { kind: "run", config };
}

function parseDemo(args: readonly string[], env: ParseEnv): Command {
  let outDir: string | undefined;
  let calls = DEMO_DEFAULT_CALLS;
  let rtp = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const value = args[i + 1];
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    if (arg === "--rtp") {
      rtp = true;
      continue;
    }
    if (arg !== "--out" && arg !== "--calls")
      throw new ConfigError(`demo: unknown option ${arg} (demo [--out DIR] [--calls N] [--rtp])`);
    if (value === undefined) throw new ConfigError(`demo: option ${arg} needs a value`);
    i++;
    if (arg === "--out") outDir = isAbsolute(value) ? value : resolve(env.cwd, value);
    else calls = int("-calls", value, 1);
  }
  return { kind: "demo", outDir, calls, rtp };
}

export function parseArgs(argv: readonly string[], env: ParseEnv): Command {
  const [first, ...rest] = argv;
  switch (first) {
    case "-h":
    case "--help":
    case "help":
      return { kind: "help" };
    case "-v":
    case "--version":
      return { kind: "version" };
    case "validate":
      return parseValidate(rest, env);
    case "demo":
      return parseDemo(rest, env);
    case "turn-cred": {
      const options = parseTurnCredArgs(rest);
      return options === "help" ? { kind: "help" } : { kind: "turn-cred", options };
    }
    case "serve": {
      const options = parseServeArgs(rest, env.cwd);
      return options === "help" ? { kind: "help" } : { kind: "serve", options };
    }
    case "run":
      return parseRun(rest, env);
    case undefined:
    default:
      return parseRun(argv, env);
  }
}

/**
 * `validate [--webrtc] [-key NAME VALUE]... FILE...`: -key names the custom keywords the scenarios may use;
 * --webrtc checks them as a `--webrtc` run would.
 */
function parseValidate(args: readonly string[], env: ParseEnv): Command {
  const files: string[] = [];
  const keys = new Map<string, string>();
  let webrtc = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--webrtc") {
      webrtc = true;
    } else if (arg === "-key" || arg === "--key") {
      const name = args[i + 1];
      const value = args[i + 2];
      if (name === undefined || value === undefined) throw new ConfigError("-key needs a NAME and a VALUE");
      keys.set(name, value);
      i += 2;
    } else if (arg.startsWith("-")) {
      throw new ConfigError(`unknown option ${arg} for validate (only --webrtc and -key NAME VALUE) ${SEE_HELP}`);
    } else {
      files.push(isAbsolute(arg) ? arg : resolve(env.cwd, arg));
    }
  }
  if (files.length === 0) throw new ConfigError("validate needs at least one scenario FILE");
  return { kind: "validate", files, keys, webrtc };
}
