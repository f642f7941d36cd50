/** A small CallState for renderer tests: fixed run values, a plain variable map, no injection files. */
import type {
  CallState,
  InjectionAccess,
  RouteSetInfo,
  RunValues,
  VariableValue,
} from "../../../src/scenario/runtime.js";
import type { SipMessage } from "../../../src/sip/message.js";
import { parseSipMessage } from "../../../src/sip/parse-sip-message.js";

export const NO_INJECTION: InjectionAccess = {
  field: () => undefined,
  lookup: () => -1,
  insert: () => undefined,
  replace: () => undefined,
  has: () => false,
};

export function fakeRun(overrides: Partial<RunValues> = {}): RunValues {
  let dynamicId = 10000;
  return {
    service: "service",
    remoteHost: "peer.example.com",
    remoteIp: "192.0.2.10",
    remotePort: 5060,
    localIp: "192.0.2.1",
    localPort: 5061,
    transport: "UDP",
    pid: 4242,
    users: 0,
    mediaIp: "192.0.2.1",
    mediaPort: 6000,
    keys: new Map(),
    authUsername: undefined,
    authPassword: undefined,
    authUri: undefined,
    sippVersion: "sipwright-test",
    // 2026-11-21T05:17:48.292Z
    startWallMs: 1795238268292,
    clockTick: () => 0,
    nextDynamicId: () => {
      const id = dynamicId;
      dynamicId += 4;
      return id;
    },
    ...overrides,
  };
}

export function fakeState(overrides: Partial<CallState> & { vars?: Record<string, VariableValue> } = {}): CallState {
  const vars = new Map(Object.entries(overrides.vars ?? {}));
  const { vars: _vars, ...rest } = overrides;
  return {
    run: fakeRun(),
    callNumber: 7,
    callId: "7-4242@192.0.2.1",
    userId: undefined,
    msgIndex: 3,
    cseq: 12,
    lastMessage: undefined,
    peerTag: undefined,
    routeSet: undefined as RouteSetInfo | undefined,
    authChallenge: undefined,
    variables: { get: (n) => vars.get(n), set: (n, v) => vars.set(n, v) },
    injection: NO_INJECTION,
    ...rest,
  };
}

/** Parses a message written with LF line ends (converted to CRLF). */
export function sipMessage(text: string): SipMessage {
  const parsed = parseSipMessage(Buffer.from(text.replace(/\r?\n/g, "\r\n"), "utf8"));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.message;
}

export function sipMessageBytes(bytes: Buffer): SipMessage {
  const parsed = parseSipMessage(bytes);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.message;
}
