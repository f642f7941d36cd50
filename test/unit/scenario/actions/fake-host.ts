/**
 * A recording ActionHost for action unit tests: a Map-backed variable store, an in-memory injection file, and every
 * side effect pushed onto `calls`; `media()` gives a recording FakeMediaControl (what media actions asked, in
 * `mediaControl.calls`). Build actions with `build()` and a context that collects problems.
 */
import type {
  AudioCheckResult,
  AudioCheckSpec,
  RecordingSpec,
  SourceControl,
  SourceSpec,
} from "../../../../src/media/media-pipeline.js";
import { SipwrightError } from "../../../../src/shared/errors.js";
import type {
  ActionHost,
  ActionResult,
  CallMediaControl,
  CallState,
  InjectionAccess,
  RunValues,
  VariableStore,
  VariableValue,
} from "../../../../src/scenario/runtime.js";
import type { SipMessage } from "../../../../src/sip/message.js";
import type { Action } from "../../../../src/scenario/actions/action.js";
import { createAction } from "../../../../src/scenario/actions/create-action.js";
import { compileTextTemplate } from "../../../../src/scenario/template.js";
import { parseSipMessage } from "../../../../src/sip/parse-sip-message.js";

export type HostCall =
  | { readonly kind: "jumpTo"; readonly index: number }
  | { readonly kind: "restorePause"; readonly untilMs: number }
  | { readonly kind: "log" | "warning" | "fatal" | "execCommand"; readonly text: string }
  | { readonly kind: "internalCommand"; readonly command: string }
  | { readonly kind: "setDestination"; readonly host: string; readonly port: number; readonly protocol: string }
  | { readonly kind: "closeConnection" };

export type MediaCall =
  | { readonly kind: "startSource"; readonly spec: SourceSpec }
  | { readonly kind: "controlSource"; readonly control: SourceControl }
  | {
      readonly kind: "sendDtmf";
      readonly digits: string;
      readonly durationMs: number;
      readonly fallbackPayloadType: number | undefined;
    }
  | { readonly kind: "startRecording"; readonly layout: RecordingSpec["layout"] }
  | { readonly kind: "checkAudio"; readonly spec: AudioCheckSpec };

/**
 * Records what media actions ask. `checkResult` decides each audio check (default: passes, nothing measured);
 * `failure`, when set, is thrown by every call after it is recorded (a pipeline that refuses).
 */
export class FakeMediaControl implements CallMediaControl {
  readonly calls: MediaCall[] = [];
  checkResult: (spec: AudioCheckSpec) => AudioCheckResult = (spec) => ({
    kind: spec.kind,
    passed: true,
    measured: {},
    reason: "fake: passed",
  });
  failure: Error | undefined = undefined;

  startSource(spec: SourceSpec): void {
    this.#record({ kind: "startSource", spec });
  }
  controlSource(control: SourceControl): void {
    this.#record({ kind: "controlSource", control });
  }
  sendDtmf(digits: string, durationMs: number, fallbackPayloadType: number | undefined): void {
    this.#record({ kind: "sendDtmf", digits, durationMs, fallbackPayloadType });
  }
  startRecording(layout: RecordingSpec["layout"]): void {
    this.#record({ kind: "startRecording", layout });
  }
  checkAudio(spec: AudioCheckSpec): AudioCheckResult {
    this.#record({ kind: "checkAudio", spec });
    return this.checkResult(spec);
  }

  #record(call: MediaCall): void {
    this.calls.push(call);
    if (this.failure !== undefined) throw this.failure;
  }
}

export class MapVariables implements VariableStore {
  readonly values = new Map<string, VariableValue>();
  get(name: string): VariableValue | undefined {
    return this.values.get(name);
  }
  set(name: string, value: VariableValue): void {
    this.values.set(name, value);
  }
}

/** One injection file "users.csv" whose lines are `key;value`; lookup finds the key in field 0. */
export class FakeInjection implements InjectionAccess {
  readonly lines: string[] = ["alice;a1", "bob;b2"];
  field(index: number, _file: string | undefined, line: number | undefined): string | undefined {
    return this.lines[line ?? 0]?.split(";")[index];
  }
  lookup(_file: string, key: string): number {
    return this.lines.findIndex((l) => l.split(";")[0] === key);
  }
  insert(_file: string, value: string): void {
    this.lines.push(value);
  }
  replace(_file: string, line: number, value: string): void {
    this.lines[line] = value;
  }
  has(file: string): boolean {
    return file === "users.csv";
  }
}

export interface FakeHostOptions {
  readonly message?: SipMessage;
  readonly msgIndex?: number;
  readonly startWallMs?: number;
  readonly tickMs?: number;
  /** Run values to override (e.g. -au / -ap). */
  readonly run?: Partial<RunValues>;
}

export class FakeHost implements ActionHost {
  readonly calls: HostCall[] = [];
  readonly variables = new MapVariables();
  readonly injection = new FakeInjection();
  readonly state: CallState;
  readonly pausedUntil = 0;
  actionMessage: SipMessage | undefined = undefined;
  /** The call's media; undefined makes media() throw as for a call without media. */
  mediaControl: FakeMediaControl | undefined = new FakeMediaControl();

  constructor(opts: FakeHostOptions = {}) {
    const run: RunValues = {
      service: "service",
      remoteHost: "127.0.0.1",
      remoteIp: "127.0.0.1",
      remotePort: 5060,
      localIp: "127.0.0.1",
      localPort: 5070,
      transport: "UDP",
      pid: 4242,
      users: 0,
      mediaIp: "127.0.0.1",
      mediaPort: 6000,
      keys: new Map(),
      authUsername: undefined,
      authPassword: undefined,
      authUri: undefined,
      sippVersion: "sipwright-test",
      startWallMs: opts.startWallMs ?? 0,
      clockTick: () => opts.tickMs ?? 0,
      nextDynamicId: () => 1,
      ...opts.run,
    };
    this.state = {
      run,
      callNumber: 7,
      callId: "call-7@test",
      userId: undefined,
      msgIndex: opts.msgIndex ?? 3,
      cseq: 1,
      lastMessage: opts.message,
      peerTag: undefined,
      routeSet: undefined,
      authChallenge: undefined,
      variables: this.variables,
      injection: this.injection,
    };
  }

  /** Set a variable in one call: `host.with("x", 2)`, strings and bools too. */
  with(name: string, value: number | string | boolean): this {
    if (typeof value === "number") this.variables.set(name, { type: "double", value });
    else if (typeof value === "string") this.variables.set(name, { type: "string", value });
    else this.variables.set(name, { type: "bool", value });
    return this;
  }

  jumpTo(index: number): void {
    this.calls.push({ kind: "jumpTo", index });
  }
  restorePause(untilMs: number): void {
    this.calls.push({ kind: "restorePause", untilMs });
  }
  log(text: string): void {
    this.calls.push({ kind: "log", text });
  }
  warning(text: string): void {
    this.calls.push({ kind: "warning", text });
  }
  fatal(text: string): void {
    this.calls.push({ kind: "fatal", text });
  }
  internalCommand(command: "stop_call" | "stop_gracefully" | "stop_now"): void {
    this.calls.push({ kind: "internalCommand", command });
  }
  execCommand(text: string): void {
    this.calls.push({ kind: "execCommand", text });
  }
  setDestination(host: string, port: number, protocol: string): void {
    this.calls.push({ kind: "setDestination", host, port, protocol });
  }
  closeConnection(): void {
    this.calls.push({ kind: "closeConnection" });
  }
  now(): number {
    return 0;
  }
  media(): CallMediaControl {
    if (this.mediaControl === undefined) throw new SipwrightError("MEDIA", "this call has no media");
    return this.mediaControl;
  }
}

/** Build an action; returns it with the problems reported (the action is undefined when there are any). */
export function build(
  tag: string,
  attrs: Readonly<Record<string, string>>,
): { action: Action | undefined; problems: string[] } {
  const problems: string[] = [];
  const action = createAction(tag, attrs, {
    loc: { file: "test.xml", line: 1, column: 1 },
    compileText: (raw) => {
      const compiled = compileTextTemplate(raw);
      for (const p of compiled.problems) problems.push(p.message);
      return compiled.template;
    },
    problem: (message) => problems.push(message),
  });
  return { action, problems };
}

/** Build an action that must be valid. */
export function mustBuild(tag: string, attrs: Readonly<Record<string, string>>): Action {
  const { action, problems } = build(tag, attrs);
  if (action === undefined) throw new Error(`<${tag}> did not build: ${problems.join("; ")}`);
  return action;
}

/** A received SIP message from lines joined with CRLF (the body after an empty line). */
export function sipMessage(lines: readonly string[]): SipMessage {
  const result = parseSipMessage(Buffer.from(lines.join("\r\n"), "utf8"));
  if (!result.ok) throw new Error(`test message does not parse: ${result.error}`);
  return result.message;
}

/** "ok", or the failure class of a failed action. */
export function failureOf(result: ActionResult): string {
  return result.ok ? "ok" : result.failure;
}
