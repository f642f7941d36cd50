/**
 * One call: the run-time state of one Call-ID walking through the scenario. It implements the CallState and
 * ActionHost views that keyword rendering and actions use. Its dialog state (CSeq, tags, route set, challenge) is
 * the CallDialog's (call-dialog.ts); its steps are run by its CallRunner (call-runner.ts).
 *
 *   created ──> running ──> waiting (recv) ──> running ──> ... ──> ended
 *                  │  ^──────────────┘ │
 *                  ├─> pausing ────────┤
 *                  └─> media (its pipeline opening) ─┘
 */
import type { TimerHandle } from "../../shared/clock.js";
import type { FailureClass } from "../../shared/failure.js";
import { createLogger, type Logger } from "../../shared/logger.js";
import type {
  ActionHost,
  CallMediaControl,
  CallState,
  InjectionAccess,
  RunValues,
  VariableStore,
} from "../../scenario/runtime.js";
import { VariableTable } from "../../scenario/variables.js";
import type { SipMessage } from "../../sip/message.js";
import { isStreamTransport, type Peer, type SipConnection } from "../../sip/transport.js";
import type { RetransmitPolicy, Retransmitter } from "../../sip/retransmission.js";
import type { Scenario } from "../../scenario/model.js";
import type { RunContext } from "../run/run-context.js";
import { CallMedia, CallMediaError } from "../media/call-media.js";
import { abortCall } from "./abort-call.js";
import { TrickleInfo } from "../media/trickle-info.js";
import { CallDialog } from "./call-dialog.js";
import { CallRunner } from "./call-runner.js";

const log = createLogger("call");

/** `media`: the call waits for its media pipeline to open before the step that needs it. */
export const CALL_PHASES = ["running", "waiting", "pausing", "media", "ended"] as const;
export type CallPhase = (typeof CALL_PHASES)[number];

const ALLOWED_PREDECESSORS: Record<CallPhase, readonly CallPhase[]> = {
  running: ["running", "waiting", "pausing", "media"],
  waiting: ["running"],
  pausing: ["running"],
  media: ["running"],
  ended: ["running", "waiting", "pausing", "media"],
};

export type CallOutcome =
  | { readonly result: "success" }
  | { readonly result: "failure"; readonly failure: FailureClass; readonly step: number; readonly reason: string };

const NO_INJECTION: InjectionAccess = {
  field: () => undefined,
  lookup: () => -1,
  insert: () => undefined,
  replace: () => undefined,
  has: () => false,
};

/** The scenario's global and user variable names as sets, built once per scenario rather than once per call. */
const scopedNamesCache = new WeakMap<Scenario, { globalNames: ReadonlySet<string>; userNames: ReadonlySet<string> }>();

function scopedNames(scenario: Scenario): { globalNames: ReadonlySet<string>; userNames: ReadonlySet<string> } {
  let names = scopedNamesCache.get(scenario);
  if (names === undefined) {
    names = { globalNames: new Set(scenario.globalVariables), userNames: new Set(scenario.userVariables) };
    scopedNamesCache.set(scenario, names);
  }
  return names;
}

export interface CallOptions {
  readonly run: RunContext;
  /** The main scenario, or the out-of-call scenario for calls created by -oocsf/-oocsn. */
  readonly scenario: Scenario;
  readonly number: number;
  readonly callId: string;
  readonly userId: number | undefined;
  readonly direction: "incoming" | "outgoing";
  readonly connection: SipConnection;
  readonly peer: Peer;
}

export class Call implements CallState, ActionHost {
  readonly run: RunValues;
  readonly ctx: RunContext;
  readonly scenario: Scenario;
  readonly callNumber: number;
  readonly callId: string;
  readonly userId: number | undefined;
  readonly direction: "incoming" | "outgoing";
  readonly variables: VariableStore;
  readonly injection: InjectionAccess;
  readonly startedAt: number;
  #logger: Logger | undefined;

  connection: SipConnection;
  peer: Peer;
  msgIndex = 0;
  lastMessage: SipMessage | undefined;
  pausedUntil = 0;
  /** See ActionHost.actionMessage: set while a send's or recv's actions run. */
  actionMessage: SipMessage | undefined;

  /** Methods of the requests sent without start_txn (a few: an array, not a Set per call). */
  readonly #sentMethods: string[] = [];
  /** Branch recorded by each start_txn name; created by the first. */
  #txnBranches: Map<string, string> | undefined;
  /** The RTD timers restarted by start_rtd; the others started with the call. Created by the first. */
  #rtdStarts: Map<string, number> | undefined;

  /** Raw bytes of the last processed incoming message, for SIPp's UDP retransmission detection. */
  lastReceivedRaw: Buffer | undefined;
  /** The step that processed it (its duplicates are counted there). */
  lastReceivedStep = -1;
  /** The first message we sent after that one: re-sent when the same message arrives again. */
  replyToLastReceived: Buffer | undefined;
  /** The send step of `replyToLastReceived` (its re-sends are counted there). */
  replyStep = -1;
  /** The last message we sent (for abort messages and retransmission). */
  lastSent: Buffer | undefined;
  /** The last ACK we sent: re-sent when a late retransmission of the INVITE's final response arrives. */
  lastAck: Buffer | undefined;

  // Per-call counts for the call record: plain numbers bumped beside the run's statistics (no allocation per message).
  /** Messages sent by scenario steps (first transmissions; the abort CANCEL/BYE is not counted, as in statistics). */
  messagesSent = 0;
  messagesReceived = 0;
  retransmissionsSent = 0;
  retransmissionsReceived = 0;
  unexpectedMessages = 0;
  /** Status of the last final response received to our INVITE or sent to the peer's INVITE; 0 = none yet. */
  finalStatus = 0;
  /** Index of the last step that completed (its actions may still have failed the call). */
  lastStep = -1;
  /** The RTD samples this call recorded (the last one per name); created with the first sample. */
  rtdSamples: Map<string, number> | undefined;
  /** The call's media, in a run with media (its pipeline opens when a step first needs it). */
  readonly callMedia: CallMedia | undefined;
  /** In WebRTC runs, the trickle INFO exchange. */
  readonly trickle: TrickleInfo | undefined;
  /** CSeq, tags, route set, challenge, the INVITE's progress: what the messages of the call made of its dialog. */
  readonly dialog: CallDialog;
  /** Runs the call's steps and takes the messages that arrive for it. */
  readonly runner: CallRunner;

  timer: TimerHandle | undefined;
  /** Send timeout of a message still queued on a TCP connection. */
  sendTimer: TimerHandle | undefined;
  retransmitter: Retransmitter | undefined;
  /** Step index whose send is being retransmitted. */
  retransmitStep = -1;
  /** What the running retransmitter was built from, to re-arm it at T2 (non-INVITE provisional response). */
  retransmitSource: { data: Buffer; policy: RetransmitPolicy; onExhausted: () => void } | undefined;

  #phase: CallPhase = "running";
  #outcome: CallOutcome | undefined;

  constructor(opts: CallOptions) {
    this.ctx = opts.run;
    this.run = opts.run.values;
    this.scenario = opts.scenario;
    this.callNumber = opts.number;
    this.callId = opts.callId;
    this.userId = opts.userId;
    this.direction = opts.direction;
    this.connection = opts.connection;
    this.peer = opts.peer;
    this.startedAt = opts.run.clock.now();
    this.variables = new VariableTable({
      globals: opts.run.globals,
      user: opts.run.userVariables(opts.userId),
      ...scopedNames(opts.scenario),
    });
    this.injection = opts.run.injection?.cursorForCall(opts.number, opts.userId) ?? NO_INJECTION;
    const media = opts.run.media;
    this.callMedia =
      media === undefined
        ? undefined
        : new CallMedia({
            run: media,
            callNumber: opts.number,
            callId: opts.callId,
            logger: () => this.logger,
            onFailure: (failure, reason) => {
              // As for a failed action: the peer is not left waiting in the dialog.
              if (this.ctx.config.defaultBehaviors.has("bye")) abortCall(this);
              this.fail(failure, reason);
            },
            onLocalCandidate: (candidate) => this.trickle?.candidate(candidate),
          });
    this.trickle = media?.options.kind === "webrtc" ? new TrickleInfo(this) : undefined;
    this.dialog = new CallDialog({
      direction: opts.direction,
      baseCseq: opts.run.config.baseCseq,
      trickle: this.trickle,
    });
    this.runner = new CallRunner(this);
  }

  // Transactions and response times -----------------------------------------------------------------------------

  /** MatchContext: a response must answer a request method this call has sent. */
  hasSent(method: string): boolean {
    return this.#sentMethods.includes(method);
  }

  sentRequest(method: string): void {
    if (!this.#sentMethods.includes(method)) this.#sentMethods.push(method);
  }

  /** MatchContext: the branch start_txn `name` recorded. */
  txnBranch(name: string): string | undefined {
    return this.#txnBranches?.get(name);
  }

  startedTxn(name: string, branch: string): void {
    (this.#txnBranches ??= new Map()).set(name, branch);
  }

  /**
   * When RTD timer `name` started (undefined for a name the scenario does not time). SIPp behaviour: every
   * response-time timer starts when the call is created; start_rtd restarts one.
   */
  rtdStart(name: string): number | undefined {
    const restarted = this.#rtdStarts?.get(name);
    if (restarted !== undefined) return restarted;
    return this.scenario.rtdNames.includes(name) ? this.startedAt : undefined;
  }

  restartRtd(name: string, now: number): void {
    (this.#rtdStarts ??= new Map()).set(name, now);
  }

  /** Whether the call recorded a sample of RTD `name` already (without repeat_rtd, only the first counts). */
  rtdRecorded(name: string): boolean {
    return this.rtdSamples?.has(name) === true;
  }

  // CallState: the dialog as keywords render it ---------------------------------------------------------------

  get cseq(): number {
    return this.dialog.cseq;
  }

  get peerTag(): string | undefined {
    return this.dialog.peerTag;
  }

  get routeSet(): CallState["routeSet"] {
    return this.dialog.routeSet;
  }

  get authChallenge(): CallState["authChallenge"] {
    return this.dialog.authChallenge;
  }

  get mediaPort(): number | undefined {
    return this.callMedia?.port;
  }

  /** CallState.webrtcSdp: defined in WebRTC runs only (so [media_transport] knows the kind of run). */
  get webrtcSdp(): CallState["webrtcSdp"] {
    if (this.trickle === undefined) return undefined;
    return (keyword) => this.callMedia?.webrtc?.sdp(keyword);
  }

  /** The call's diagnostics logger (created on first use: most calls never log). */
  get logger(): Logger {
    this.#logger ??= log.child(`[call:${this.callNumber} ${this.callId}]`);
    return this.#logger;
  }

  get phase(): CallPhase {
    return this.#phase;
  }

  get outcome(): CallOutcome | undefined {
    return this.#outcome;
  }

  get ended(): boolean {
    return this.#phase === "ended";
  }

  transition(to: CallPhase): void {
    const from = this.#phase;
    if (!ALLOWED_PREDECESSORS[to].includes(from)) {
      throw new Error(`call ${this.callNumber}: illegal transition ${from} -> ${to}`);
    }
    this.#phase = to;
  }

  clearTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  stopRetransmission(): void {
    this.retransmitter?.stop();
    this.retransmitter = undefined;
    this.retransmitStep = -1;
    this.retransmitSource = undefined;
  }

  /** Ends the call once; idempotent. Cancels every timer and tells the run. */
  finish(outcome: CallOutcome): void {
    if (this.#phase === "ended") return;
    if (this.#phase === "pausing") this.ctx.stats.pauseEnded(this.msgIndex);
    this.clearTimer();
    this.sendTimer?.cancel();
    this.sendTimer = undefined;
    this.stopRetransmission();
    this.trickle?.stop();
    this.#outcome = outcome;
    this.transition("ended");
    if (outcome.result === "failure") {
      this.logger.info(`failed at step ${outcome.step}: ${outcome.failure} (${outcome.reason})`);
    }
    this.ctx.callEnded(this);
    this.#releaseMessages();
  }

  /**
   * An ended call reads no message again (the run counts its late ones as dead-call messages), so it lets go of
   * them: a call that lived through a scavenge sits in the old generation, and what it still pointed at would be
   * kept and promoted by every scavenge until the next full collection.
   */
  #releaseMessages(): void {
    this.lastMessage = undefined;
    this.lastReceivedRaw = undefined;
    this.replyToLastReceived = undefined;
    this.lastSent = undefined;
    this.lastAck = undefined;
    this.dialog.release();
  }

  fail(failure: FailureClass, reason: string, step = this.msgIndex): void {
    this.finish({ result: "failure", failure, step, reason });
  }

  // ActionHost ---------------------------------------------------------------------------------------------------

  get state(): CallState {
    return this;
  }

  jumpTo(index: number): void {
    this.runner.jumpTo(index);
  }

  restorePause(untilMs: number): void {
    this.pausedUntil = untilMs;
  }

  /** The scenario's `<log>` action (the call's own diagnostics go through `logger`). */
  log(message: string): void {
    this.ctx.log(message);
  }

  warning(message: string): void {
    this.ctx.warning(message);
  }

  fatal(message: string): void {
    this.ctx.fatal(message);
  }

  internalCommand(command: "stop_call" | "stop_gracefully" | "stop_now"): void {
    this.ctx.internalCommand(this, command);
  }

  execCommand(command: string): void {
    this.ctx.execCommand(command);
  }

  setDestination(host: string, port: number, protocol: string): void {
    const transport = this.connection.transport;
    if (protocol.toUpperCase() !== transport) {
      this.ctx.warning(`setdest: cannot change transport from ${transport} to ${protocol}`);
      return;
    }
    this.peer = { host, port };
  }

  closeConnection(): void {
    if (isStreamTransport(this.connection.transport)) this.connection.close();
  }

  now(): number {
    return this.ctx.clock.now();
  }

  media(): CallMediaControl {
    if (this.callMedia === undefined) throw new CallMediaError("media_error", "this run has no media");
    return this.callMedia;
  }
}
