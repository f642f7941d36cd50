/** A RunConfig holding SIPp's defaults: the values a run has before any option is read. */
import { availableParallelism, networkInterfaces } from "node:os";
import {
  DEFAULT_MAX_INVITE_RETRANS,
  DEFAULT_MAX_NON_INVITE_RETRANS,
  DEFAULT_T1_MS,
  DEFAULT_T2_MS,
} from "../sip/retransmission.js";
import type { RunConfig } from "../engine/run/run-config.js";
import { DEFAULT_TURN_TTL_S, DEFAULT_TURN_USER } from "../media/webrtc/turn-credentials.js";
import { DEFAULT_WS_PING_MS } from "../sip/ws-connection.js";
import { DEFAULT_TLS_MIN_VERSION } from "../sip/tls-options.js";
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_CONNECTIONS } from "../sip/connection-limits.js";
import { ALL_BEHAVIORS } from "./options/call-options.js";

/** The environment a command line is read in. */
export interface ParseEnv {
  isTTY: boolean;
  cwd: string;
  /** SIPp's default for -i is the primary host address; tests inject it. */
  primaryIp?: string;
}

/** The RTP range is -mp (6000, SIPp's media port) to this: 7000 port pairs. */
export const DEFAULT_MAX_RTP_PORT = 19999;

function primaryHostIp(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

/**
 * `--media-workers` when not given: one worker per core (os.availableParallelism), or $SIPWRIGHT_MEDIA_WORKERS when
 * set (e.g. 0 to run a whole test suite with the media in the main thread).
 */
export function defaultMediaWorkers(): number {
  const fromEnv = process.env.SIPWRIGHT_MEDIA_WORKERS;
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) return Math.min(256, Number(fromEnv));
  return availableParallelism();
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
    tls: { minVersion: DEFAULT_TLS_MIN_VERSION },
    reconnect: { max: 0, sleepMs: 1000, closeCalls: true },
    ws: { path: "/", origin: undefined, pingIntervalMs: DEFAULT_WS_PING_MS },
    connectionLimits: { maxConnections: DEFAULT_MAX_CONNECTIONS, idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS },
    bufferSize: undefined,
    mediaIp: undefined,
    mediaPort: 6000,
    mediaMaxPort: DEFAULT_MAX_RTP_PORT,
    rtpEcho: false,
    mediaWorkers: defaultMediaWorkers(),
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
    // SIPp behaviour: -ap defaults to "password".
    authPassword: "password",
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
