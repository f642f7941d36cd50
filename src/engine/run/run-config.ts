/**
 * Everything a run needs, independent of how it was asked for (SIPp-style argv, the HTTP API, the demo).
 * Durations are milliseconds. Undefined means "SIPp's default", resolved by the engine.
 */
import type { TlsSettings } from "../../sip/tls-options.js";
import type { TransportName } from "../../sip/transport.js";
import type { ConnectionLimits } from "../../sip/connection-limits.js";
import type { ParsedIceServer, TurnAuthPlan } from "../../media/create-pipeline.js";

/** -t: SIPp's u1/un/t1/tn/l1/ln, plus ws1/wsn/wss1/wssn (RFC 7118). "1": one shared socket; "n": one per call. */
export type TransportMode = "u1" | "un" | "t1" | "tn" | "l1" | "ln" | "ws1" | "wsn" | "wss1" | "wssn";

/** What each -t mode means: the transport, and whether each outgoing call gets its own socket / connection. */
export const TRANSPORT_MODES: Readonly<Record<TransportMode, { transport: TransportName; perCall: boolean }>> = {
  u1: { transport: "UDP", perCall: false },
  un: { transport: "UDP", perCall: true },
  t1: { transport: "TCP", perCall: false },
  tn: { transport: "TCP", perCall: true },
  l1: { transport: "TLS", perCall: false },
  ln: { transport: "TLS", perCall: true },
  ws1: { transport: "WS", perCall: false },
  wsn: { transport: "WS", perCall: true },
  wss1: { transport: "WSS", perCall: false },
  wssn: { transport: "WSS", perCall: true },
};
/**
 * SIPp behaviour (SIPpSocket::reset_connection): a lost shared connection is reconnected while `max` allows
 * (-1: always; each reconnection uses one; 0, the default: the run ends with "Max number of reconnections
 * reached"); with `closeCalls` the calls on it fail first; the new connection is opened `sleepMs` later.
 */
export interface ReconnectPolicy {
  max: number;
  sleepMs: number;
  closeCalls: boolean;
}

export type DefaultBehavior = "bye" | "abortunexp" | "pingreply" | "badcseq";

export interface TraceOptions {
  msg: boolean;
  messageFile: string | undefined;
  shortmsg: boolean;
  shortmsgFile: string | undefined;
  err: boolean;
  errorFile: string | undefined;
  stat: boolean;
  statFile: string | undefined;
  /** -fd: stat CSV period in ms (SIPp default 60 s). */
  statPeriodMs: number;
  statDelimiter: string;
  rtt: boolean;
  rttFile: string | undefined;
  /** -rtt_freq: write the RTT file every N samples. */
  rttFreq: number;
  counts: boolean;
  countsFile: string | undefined;
  logs: boolean;
  logFile: string | undefined;
}

export interface InjectionFileSpec {
  path: string;
  /** -infindex field to index (for `lookup`). */
  indexField: number | undefined;
}

/** The WebRTC bridge's options for a run (issue 4); see docs/cli.md "WebRTC". */
export interface WebRtcRunOptions {
  /** `--ice-server URL`, repeatable: stun:, turn:, turns: (with ?transport=udp|tcp, inline user:pass@). */
  iceServers: string[];
  /** `--ice-policy all|relay`. */
  icePolicy: "all" | "relay";
  /** `--ice-username` / `--ice-credential`: static TURN credentials. */
  iceUsername: string | undefined;
  iceCredential: string | undefined;
  /** `--turn-secret`, `--turn-ttl` (s), `--turn-user`: TURN REST credentials (coturn use-auth-secret). */
  turnSecret: string | undefined;
  turnTtlS: number;
  turnUser: string;
  /** `--trickle auto|trickle|half|full` (default auto). */
  trickle: "auto" | "trickle" | "half" | "full";
  /** `--ice-address IP`, repeatable: addresses our host candidates may have (default: the media IP). */
  candidateAddresses: string[];
  gatherTimeoutMs: number;
  iceTimeoutMs: number;
  dtlsTimeoutMs: number;
  /**
   * The fields above as typed values, made when the command line was read (src/cli/parse-args.ts); a config built
   * elsewhere (the demo, a test) leaves it out and prepareRun makes it from the fields (planWebRtcOptions).
   */
  plan?: WebRtcPlan;
}

/** The `--ice-server` URLs and TURN authentication of a run, parsed and checked. */
export interface WebRtcPlan {
  readonly servers: readonly ParsedIceServer[];
  readonly turnPlan: TurnAuthPlan;
}

/** SIP over WebSocket (`-t ws1|wsn|wss1|wssn`, RFC 7118); see docs/cli.md "WebSocket". */
export interface WsRunOptions {
  /** `--ws-path`: the request path the client asks for and the server serves (default "/"). */
  path: string;
  /** `--ws-origin`: the Origin header of client connections (none by default). */
  origin: string | undefined;
  /** `--ws-ping MS`: WebSocket ping interval; a ping whose pong has not come back by the next one loses the link. */
  pingIntervalMs: number;
}

export interface RunConfig {
  /** Scenario file path, or undefined when `scenarioName` picks a built-in. */
  scenarioFile: string | undefined;
  scenarioName: string | undefined;
  /** Out-of-call scenario (-oocsf / -oocsn). */
  oocScenarioFile: string | undefined;
  oocScenarioName: string | undefined;

  /** Positional remote_host[:port]; undefined in pure server mode. */
  remoteHost: string | undefined;
  remotePort: number;
  /** -rsa host:port: send to this address instead. */
  remoteSendAddress: { host: string; port: number } | undefined;
  localIp: string;
  /** -p; 0 = any free port (SIPp's default is 5060, then the next free one). */
  localPort: number;
  transport: TransportMode;
  /** -tls_cert, -tls_key, -tls_ca, -tls_version, --tls-servername, --tls-insecure: TLS (l1/ln) and WSS. */
  tls: TlsSettings;
  /** -max_reconnect, -reconnect_sleep, -reconnect_close: a client losing its shared connection (t1, l1). */
  reconnect: ReconnectPolicy;
  ws: WsRunOptions;
  /** `--max-connections`, `--idle-timeout`: accepted TCP/TLS/WS/WSS connections (connection-limits.ts). */
  connectionLimits: ConnectionLimits;
  bufferSize: number | undefined;
  mediaIp: string | undefined;
  /** `-mp` / `-min_rtp_port`: the first RTP port of the range (and SIPp's `[media_port]` in runs without media). */
  mediaPort: number;
  /** `-max_rtp_port`: the last port of the range. */
  mediaMaxPort: number;
  /** `-rtp_echo`: every call's RTP session sends back what it receives. */
  rtpEcho: boolean;
  /** `--media-workers`: worker threads the calls' pipelines live on; 0 = the engine's thread. */
  mediaWorkers: number;
  /**
   * `--record` (one WAV per direction) / `--record-stereo` (left = sent, right = received): record every call;
   * both options together: "both" (the two mono files and the stereo file).
   */
  record: "per-direction" | "stereo" | "both" | undefined;
  /** `--codecs`: G.711 codecs in our order of preference. */
  codecs: ("PCMA" | "PCMU")[];
  /** `--webrtc` (or `<scenario webrtc="true">`): every call's pipeline is a WebRTC bridge instead of plain RTP. */
  webrtc: boolean;
  webrtcOptions: WebRtcRunOptions;

  /** Calls per ratePeriodMs. */
  rate: number;
  ratePeriodMs: number;
  rateIncrease: number | undefined;
  rateIntervalMs: number | undefined;
  rateMax: number | undefined;
  noRateQuit: boolean;
  /** -l: max concurrent calls. Undefined = SIPp's computed default. */
  limit: number | undefined;
  /** -m: stop after this many calls. */
  maxCalls: number | undefined;
  /** -users: closed loop with N users. */
  users: number | undefined;

  /** -d: default pause. */
  defaultPauseMs: number;
  /** -timeout: global run timeout. */
  globalTimeoutMs: number | undefined;
  timeoutError: boolean;
  recvTimeoutMs: number | undefined;
  sendTimeoutMs: number | undefined;
  /** -T1: RFC 3261 T1 for the requests the engine builds itself (trickle INFO); a `<send>` has its `retrans`. */
  t1Ms: number;
  t2Ms: number;
  maxRetrans: number | undefined;
  maxInviteRetrans: number;
  maxNonInviteRetrans: number;
  noRetrans: boolean;
  deadcallWaitMs: number;
  /** -lost: percent of messages dropped on send and receive. */
  lostPercent: number;

  baseCseq: number;
  callIdFormat: string;
  service: string;
  authUsername: string | undefined;
  authPassword: string | undefined;
  authUri: string | undefined;
  /** -aa */
  autoAnswer: boolean;
  defaultBehaviors: ReadonlySet<DefaultBehavior>;
  keys: Map<string, string>;
  /** -set var value (globals). */
  setVariables: Map<string, string>;
  injectionFiles: InjectionFileSpec[];
  dynamicStart: number;
  dynamicMax: number;
  dynamicStep: number;

  trace: TraceOptions;
  /** Output folder for summary.json and traces (default recordings/<run-id>/). */
  outDir: string | undefined;
  summaryJson: string | undefined;
  /** Write call_records.jsonl, one line per finished call (--no-records turns it off). */
  callRecords: boolean;
  /** --records FILE: where the call records go (default `<out>/call_records.jsonl`). */
  callRecordsFile: string | undefined;
  /** --junit FILE: JUnit XML written at the end of the run, one testcase per call (src/cli/junit.ts). */
  junitFile?: string;
  /** --live-stats FILE: one NDJSON snapshot of the counters per second (src/cli/live-stats.ts). */
  liveStatsFile?: string;
  /** Status output: "tty" redraws a line, "lines" prints periodic lines, "none" is silent. */
  statusMode: "tty" | "lines" | "none";
  statusPeriodMs: number;
}

/**
 * Freezes a RunConfig all the way down once it is built (src/cli/parse-args.ts): objects and arrays are frozen and
 * the Maps and Sets refuse set/add/delete/clear, so a write anywhere throws (a TypeError in strict mode).
 */
export function freezeRunConfig(config: RunConfig): RunConfig {
  return deepFreeze(config);
}

function refuse(): never {
  throw new TypeError("a RunConfig is read-only once built");
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  if (value instanceof Map || value instanceof Set) {
    for (const item of value instanceof Map ? [...value.keys(), ...value.values()] : [...value]) deepFreeze(item);
    for (const method of ["set", "add", "delete", "clear"]) {
      if (method in value) Object.defineProperty(value, method, { value: refuse });
    }
  }
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return Object.freeze(value);
}
