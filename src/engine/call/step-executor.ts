/**
 * Executes scenario steps for a call, following SIPp's call.cpp semantics:
 * - sends render and go out at once; `retrans` starts UDP retransmission (T1 doubling) until a message matches;
 * - a recv waits (with `timeout` / -recv_timeout) for a message that `findMatchingStep` assigns to it;
 * - pause/timewait wait on a timer; nop runs its actions;
 * - after a step: actions, RTDs, counter, then `next` (subject to `test` and `chance`) or the following step;
 * - a call succeeds when it runs off the end of the scenario.
 */
import type { PauseDuration, PauseStep, RecvStep, SendStep, Step, TimewaitStep } from "../../scenario/model.js";
import type { SettledActionResult } from "../../scenario/runtime.js";
import { sampleDistribution } from "../../scenario/distribution.js";
import { RenderError, renderMessage } from "../../scenario/render-message.js";
import { routeSetFrom } from "../../scenario/dialog-keywords.js";
import { isVariableSet, variableToNumber } from "../../scenario/variables.js";
import { parseSipMessage } from "../../sip/parse-sip-message.js";
import type { SipMessage } from "../../sip/message.js";
import { selectChallengeValue } from "../../sip/digest.js";
import type { Peer, SipConnection } from "../../sip/transport.js";
import { closedFailureClass } from "../run/transport-failure.js";
import type { Call } from "./call.js";
import { findMatchingStep } from "./message-matcher.js";
import { handlePeerRetransmission, retransmissionOnMatch, startRetransmission } from "./step-retransmission.js";
import { applyLocalSdp, applyPeerSdp, needsMediaOpen, openMediaThenRun } from "../media/step-media.js";
import { isTrickleInfo } from "../media/trickle-info.js";
import { noteDialog, noteSentDialog } from "../media/webrtc-dialog.js";
import { abortCall } from "./abort-call.js";
import { handleUnexpected } from "./unexpected-message.js";

/**
 * Guards against a scenario that loops through nops/sends forever without waiting: the jumps back (to the same or an
 * earlier step) a call takes since it last waited. Moving forward is always bounded by the scenario's length, so a
 * long straight scenario runs to its end; the loader refuses loops that certainly spin (loop-checks.ts), this stops
 * conditional ones that do not end.
 */
const MAX_BACK_JUMPS_WITHOUT_WAITING = 100_000;

export function startCall(call: Call): void {
  runSteps(call);
}

/** Runs steps from `call.msgIndex` until the call waits (recv/pause) or ends. */
export function runSteps(call: Call): void {
  const steps = call.scenario.steps;
  let backJumps = 0;
  let previous = -1;
  while (!call.ended) {
    const index = call.msgIndex;
    if (index <= previous && ++backJumps > MAX_BACK_JUMPS_WITHOUT_WAITING) {
      call.fail(
        "scenario_error",
        `more than ${MAX_BACK_JUMPS_WITHOUT_WAITING} jumps back without waiting (last to step ${index}): endless loop`,
      );
      return;
    }
    previous = index;
    const step = steps[index];
    if (step === undefined) {
      // SIPp behaviour: a call is successful when it runs off the end of the scenario.
      call.finish({ result: "success" });
      return;
    }
    if (!conditionHolds(call, step)) {
      call.msgIndex = index + 1;
      continue;
    }
    if (needsMediaOpen(call, step)) {
      openMediaThenRun(call, step, runSteps, deliverMessage);
      return;
    }
    switch (step.kind) {
      case "send":
        if (!executeSend(call, step)) return;
        if (!finishStep(call, step)) return;
        break;
      case "nop":
        if (!finishStep(call, step)) return;
        break;
      case "recv":
        waitForMessage(call, step);
        return;
      case "pause":
      case "timewait":
        if (startPause(call, step)) return;
        if (!finishStep(call, step)) return;
        break;
    }
  }
}

function conditionHolds(call: Call, step: Step): boolean {
  if (step.condexec === undefined) return true;
  const set = isVariableSet(call.variables.get(step.condexec));
  return step.condexecInverse ? !set : set;
}

/**
 * Actions, RTDs, counter, then the next index. False when the call ended, or when an action is still working (an
 * audio check on a media worker): `resume` then runs once the step is finished (by default: the next steps).
 */
function finishStep(call: Call, step: Step, received?: SipMessage, resume: (call: Call) => void = runSteps): boolean {
  const stats = call.ctx.stats;
  const now = call.ctx.clock.now();
  for (const name of step.rtd) {
    const started = call.rtdStarts.get(name);
    if (started !== undefined && (step.repeatRtd || !call.rtdDone.has(name))) {
      call.ctx.recordRtd(name, now - started);
      (call.rtdSamples ??= new Map()).set(name, now - started);
      call.rtdDone.add(name);
    }
  }
  for (const name of step.startRtd) call.rtdStarts.set(name, now);
  if (step.counter !== undefined) stats.counter(step.counter);
  call.msgIndex = step.index;
  call.lastStep = step.index;
  if (step.actions.length > 0 && runActions(call, step, received, 0, resume) !== "done") return false;
  advance(call, step);
  return true;
}

/** The step is finished: where the call goes on (a jump an action asked for, `next`, or the following step). */
function advance(call: Call, step: Step): void {
  if (call.pendingJump !== undefined) {
    call.msgIndex = call.pendingJump;
    call.pendingJump = undefined;
  } else if (step.next !== undefined && takesNext(call, step)) {
    call.msgIndex = step.next;
  } else {
    call.msgIndex = step.index + 1;
  }
}

type ActionsOutcome = "done" | "ended" | "waiting";

/** The step's actions from `from` on, on the message they apply to. */
function runActions(
  call: Call,
  step: Step,
  received: SipMessage | undefined,
  from: number,
  resume: (call: Call) => void,
): ActionsOutcome {
  if (step.kind === "send" && call.lastSent !== undefined) {
    // SIPp behaviour: a send's actions (ereg) work on the message just sent.
    const parsed = parseSipMessage(call.lastSent);
    call.actionMessage = parsed.ok ? parsed.message : undefined;
  } else {
    call.actionMessage = received;
  }
  try {
    for (const [i, action] of step.actions.entries()) {
      if (i < from) continue;
      const result = action.execute(call);
      if (call.ended) return "ended";
      if (result.ok === "later") {
        awaitAction(call, step, received, i, result.settled, resume);
        return "waiting";
      }
      if (!result.ok) {
        failOnAction(call, step, result);
        return "ended";
      }
    }
    return "done";
  } finally {
    call.actionMessage = undefined;
  }
}

/**
 * An action that answers later (an audio check on a media worker): the call waits in the `media` phase — messages
 * arriving meanwhile are handled, in order, right after — then runs the step's remaining actions and goes on.
 */
function awaitAction(
  call: Call,
  step: Step,
  received: SipMessage | undefined,
  index: number,
  pending: Promise<SettledActionResult>,
  resume: (call: Call) => void,
): void {
  call.transition("media");
  pending.then(
    (result) => {
      if (call.ended) return;
      call.transition("running");
      if (!result.ok) {
        failOnAction(call, step, result);
        return;
      }
      if (runActions(call, step, received, index + 1, resume) !== "done") return;
      advance(call, step);
      resume(call);
      deliverDeferred(call);
    },
    (error: unknown) => {
      if (call.ended) return;
      call.fail("media_error", error instanceof Error ? error.message : String(error), step.index);
    },
  );
}

/**
 * SIPp behaviour (-default_behaviors bye): a failing call is aborted with a CANCEL or a BYE, so the peer is not
 * left waiting in the dialog (a failed audio check ends the call on both sides).
 */
function failOnAction(call: Call, step: Step, result: Extract<SettledActionResult, { ok: false }>): void {
  if (call.ctx.config.defaultBehaviors.has("bye")) abortCall(call);
  call.fail(result.failure, result.reason, step.index);
}

/** The messages that arrived while the call waited in the `media` phase, in order. */
function deliverDeferred(call: Call): void {
  const deferred = call.deferred;
  call.deferred = undefined;
  for (const d of deferred ?? []) deliverMessage(call, d.message, d.connection, d.from);
}

function takesNext(call: Call, step: Step): boolean {
  if (step.test !== undefined && !isVariableSet(call.variables.get(step.test))) return false;
  return step.chance >= 1 || call.ctx.random() < step.chance;
}

// Sending ----------------------------------------------------------------------------------------------------------

function firstLineMethod(data: Buffer): { request: boolean; method: string } {
  const space = data.indexOf(0x20);
  const token = data.toString("latin1", 0, space < 0 ? Math.min(data.length, 16) : space);
  return token.startsWith("SIP/") ? { request: false, method: "" } : { request: true, method: token };
}

interface RenderedSend {
  readonly data: Buffer;
  readonly request: boolean;
  readonly method: string;
}

/** SIPp behaviour: [cseq] is incremented for every request sent except ACK and CANCEL. */
function countsCseq(method: string): boolean {
  return method !== "ACK" && method !== "CANCEL";
}

function renderSend(call: Call, step: SendStep): RenderedSend {
  const sends = step.sends;
  if (sends.kind === "request") {
    if (countsCseq(sends.method)) call.cseq++;
    return { data: renderMessage(step.template, call), request: true, method: sends.method };
  }
  if (sends.kind === "response") return { data: renderMessage(step.template, call), request: false, method: "" };
  // The first line starts with a keyword: render, look, and render again if [cseq] should not have moved.
  call.cseq++;
  let data = renderMessage(step.template, call);
  const { request, method } = firstLineMethod(data);
  if (!request || !countsCseq(method)) {
    call.cseq--;
    data = renderMessage(step.template, call);
  }
  return { data, request, method };
}

function executeSend(call: Call, step: SendStep): boolean {
  const ctx = call.ctx;
  call.msgIndex = step.index;
  let rendered: RenderedSend;
  try {
    rendered = renderSend(call, step);
  } catch (error) {
    // A message that cannot be built (no stored challenge for [authentication], unreadable [file]) fails the call.
    if (!(error instanceof RenderError)) throw error;
    call.fail("scenario_error", error.message, step.index);
    return false;
  }
  const { data, request, method } = rendered;

  if (request) {
    if (step.startTxn !== undefined) {
      const parsed = parseSipMessage(data);
      const branch = parsed.ok ? parsed.message.topViaBranch() : undefined;
      if (branch !== undefined) call.txnBranches.set(step.startTxn, branch);
    } else {
      call.sentMethods.add(method);
    }
    if (method === "INVITE") call.invite = "sent";
    if (method === "ACK") call.lastAck = data;
  }

  const sent = ctx.transmit(call, data, call.connection, call.peer);
  ctx.stats.messageSent(step.index);
  call.messagesSent++;
  if (!sent) {
    call.fail(
      closedFailureClass(call.connection.transport),
      call.connection.closed
        ? `could not send message: the ${call.connection.transport} connection is closed`
        : "could not send message",
      step.index,
    );
    return false;
  }
  if (!request) noteSentFinalResponse(call, step, data);
  call.lastSent = data;
  // The dialog (route set, remote target) for the requests the engine builds itself: abort CANCEL/BYE, trickle INFO.
  if (method === "INVITE" || (call.trickle !== undefined && !request)) noteSentDialog(call, data);
  if (call.callMedia !== undefined) {
    if (method === "BYE") call.callMedia.hangUp();
    if (!applyLocalSdp(call, data, step)) return false;
  }
  watchSendTimeout(call, step);
  if (call.lastReceivedRaw !== undefined && call.replyToLastReceived === undefined) {
    call.replyToLastReceived = data;
    call.replyStep = step.index;
  }
  startRetransmission(call, step, data, method === "INVITE", () => onRetransmissionsExhausted(call, step));
  return true;
}

/** The status code of a rendered response ("SIP/2.0 200 OK"), read from its bytes; 0 when it has none. */
function responseStatus(data: Buffer): number {
  const space = data.indexOf(0x20);
  if (space < 0 || space + 3 >= data.length) return 0;
  let status = 0;
  for (let i = space + 1; i <= space + 3; i++) {
    const digit = (data[i] ?? 0) - 0x30;
    if (digit < 0 || digit > 9) return 0;
    status = status * 10 + digit;
  }
  return status;
}

/**
 * For the call record's final_status: a final response we sent to the peer's INVITE. A response answers the request
 * last received, so no parse is needed to know which request it is.
 */
function noteSentFinalResponse(call: Call, step: SendStep, data: Buffer): void {
  const answered = call.lastMessage;
  if (answered?.kind !== "request" || answered.method !== "INVITE") return;
  const status = step.sends.kind === "response" ? step.sends.status : responseStatus(data);
  if (status >= 200) call.finalStatus = status;
}

/**
 * SIPp behaviour: `timeout` on a send (default -send_timeout) bounds how long the message may wait to be sent.
 * Sends never block here; on TCP a message can wait behind a full socket buffer (back-pressure), and if bytes are
 * still queued when the timeout expires the call takes the send's ontimeout or fails with timeout_on_send.
 */
function watchSendTimeout(call: Call, step: SendStep): void {
  const timeout = step.timeout ?? call.ctx.config.sendTimeoutMs;
  const connection = call.connection;
  if (timeout === undefined || !(timeout > 0) || connection.pendingBytes === 0) return;
  call.sendTimer?.cancel();
  call.sendTimer = call.ctx.clock.setTimer(timeout, () => {
    call.sendTimer = undefined;
    if (call.ended || connection.pendingBytes === 0) return;
    call.ctx.stats.messageTimeout(step.index);
    if (step.ontimeout !== undefined) {
      jumpAfterTimeout(call, step.ontimeout);
      return;
    }
    const queued = connection.pendingBytes;
    call.fail("timeout_on_send", `message not sent within ${timeout} ms (${queued} bytes still queued)`, step.index);
  });
}

function onRetransmissionsExhausted(call: Call, sent: SendStep): void {
  if (call.ended) return;
  call.retransmitter = undefined;
  call.ctx.stats.messageTimeout(sent.index);
  // SIPp behaviour: when the retransmissions run out, the call goes to the `ontimeout` of the retransmitted send
  // (`messages[last_send_index]->on_timeout`), not of the recv it is waiting in.
  if (sent.ontimeout !== undefined) {
    jumpAfterTimeout(call, sent.ontimeout);
    return;
  }
  // SIPp behaviour (-default_behaviors bye): a call that times out is aborted with a CANCEL or a BYE.
  if (call.ctx.config.defaultBehaviors.has("bye")) abortCall(call);
  call.fail("max_udp_retrans", exhaustedReason(call, sent), sent.index);
}

/**
 * Why the send gave up. Over UDP its T1 retransmissions went unanswered; on a reliable transport nothing was
 * retransmitted: Timer B/F (the wait the UDP schedule would have ended with) ran out, with the message still queued
 * behind a full socket buffer, or written and not answered.
 */
function exhaustedReason(call: Call, sent: SendStep): string {
  if (!call.ctx.reliable) return `no answer after ${sent.retrans ?? 0} ms T1 retransmissions`;
  const transport = call.connection.transport;
  const waited = call.retransmitSource?.policy.t1 ?? 0;
  const queued = call.connection.pendingBytes;
  return queued > 0
    ? `message not written within ${waited} ms on ${transport} (${queued} bytes still queued, no retransmission on a reliable transport)`
    : `no answer within ${waited} ms on ${transport} (Timer B/F; no retransmission on a reliable transport)`;
}

function jumpAfterTimeout(call: Call, target: number): void {
  if (call.phase === "pausing") call.ctx.stats.pauseEnded(call.msgIndex);
  call.clearTimer();
  call.stopRetransmission();
  call.msgIndex = target;
  if (call.phase !== "running") call.transition("running");
  runSteps(call);
}

// Waiting ----------------------------------------------------------------------------------------------------------

function waitForMessage(call: Call, step: RecvStep): void {
  call.msgIndex = step.index;
  call.transition("waiting");
  const timeout = step.timeout ?? call.ctx.config.recvTimeoutMs;
  if (timeout !== undefined && timeout > 0) {
    call.timer = call.ctx.clock.setTimer(timeout, () => {
      call.timer = undefined;
      onRecvTimeout(call, step);
    });
  }
}

function onRecvTimeout(call: Call, step: RecvStep): void {
  if (call.ended || call.msgIndex !== step.index) return;
  call.ctx.stats.messageTimeout(step.index);
  if (step.ontimeout !== undefined) {
    jumpAfterTimeout(call, step.ontimeout);
    return;
  }
  if (call.ctx.config.defaultBehaviors.has("bye")) abortCall(call);
  call.fail("timeout_on_recv", `no message for step ${step.index} within the timeout`, step.index);
}

function pauseDuration(call: Call, duration: PauseDuration): number {
  switch (duration.kind) {
    case "default":
      return call.ctx.config.defaultPauseMs;
    case "variable":
      return variableToNumber(call.variables.get(duration.variable));
    case "distribution":
      return sampleDistribution(duration.distribution, call.ctx.random);
  }
}

/** Starts a pause; false when the duration is zero and the call goes straight on. */
function startPause(call: Call, step: PauseStep | TimewaitStep): boolean {
  const ms = pauseDuration(call, step.duration);
  if (!(ms > 0)) return false;
  call.msgIndex = step.index;
  call.transition("pausing");
  call.ctx.stats.pauseStarted(step.index);
  call.pausedUntil = call.ctx.clock.now() + ms;
  call.timer = call.ctx.clock.setTimer(ms, () => {
    call.timer = undefined;
    call.pausedUntil = 0;
    if (call.ended) return;
    call.ctx.stats.pauseEnded(step.index);
    call.transition("running");
    if (finishStep(call, step)) runSteps(call);
  });
  return true;
}

// Receiving --------------------------------------------------------------------------------------------------------

/** Delivers an incoming message to a live call. */
export function deliverMessage(call: Call, message: SipMessage, connection: SipConnection, from: Peer): void {
  if (call.ended) return;
  if (call.phase === "media") {
    // The call waits for its RTP session to open: what arrives meanwhile is handled, in order, right after.
    (call.deferred ??= []).push({ message, connection, from });
    return;
  }
  const ctx = call.ctx;
  const trickle = call.trickle;
  if (trickle !== undefined) {
    // RFC 8840: trickle INFOs and the answers to ours belong to the bridge, not to the scenario.
    if (isTrickleInfo(message)) {
      trickle.onRequest(message, connection, from);
      return;
    }
    if (trickle.onResponse(message)) return;
  }
  if (message.kind === "response" && message.status >= 200 && message.cseq?.method === "INVITE") {
    call.finalStatus = message.status;
  }
  if (handlePeerRetransmission(call, message)) return;
  const match = findMatchingStep(call.scenario, call.msgIndex, message, call);
  switch (match.kind) {
    case "stale":
      // SIPp behaviour: a late final response to an INVITE we already ACKed gets the ACK again.
      if (message.kind === "response" && message.cseq?.method === "INVITE" && call.lastAck !== undefined) {
        ctx.transmit(call, call.lastAck, call.connection, call.peer);
      }
      return;
    case "unexpected":
      handleUnexpected(call, message, connection, from, runSteps);
      return;
    case "match":
      break;
  }
  const step = call.scenario.steps[match.index] as RecvStep;
  const previousIndex = call.msgIndex;
  call.clearTimer();
  retransmissionOnMatch(call, step.index, message);
  call.pausedUntil = 0;
  call.lastReceivedRaw = message.raw;
  call.lastReceivedStep = step.index;
  call.replyToLastReceived = undefined;
  call.lastMessage = message;
  if (message.kind === "response") call.peerTag = message.toTag() ?? call.peerTag;
  ctx.stats.messageReceived(step.index);
  call.messagesReceived++;
  noteDialogProgress(call, message);
  if (step.rrs) call.routeSet = routeSetFrom(message);
  if (step.auth && (message.status === 401 || message.status === 407)) {
    const header = message.status === 401 ? "WWW-Authenticate" : "Proxy-Authenticate";
    // RFC 8760 2.4: of several challenges, the strongest algorithm we support.
    const value = selectChallengeValue(message.headerAll(header));
    if (value !== undefined) call.authChallenge = { header, value };
  }
  if (call.phase === "pausing") call.ctx.stats.pauseEnded(call.msgIndex);
  if (call.phase !== "running") call.transition("running");
  if (trickle !== undefined || message.kind === "response") noteDialog(call, message, false);
  if (call.callMedia !== undefined) {
    if (message.kind === "request" && message.method === "BYE") call.callMedia.hangUp();
    if (!step.ignoresdp && !applyPeerSdp(call, message, step)) return;
  }
  // SIPp behaviour: advance_state="false" on an optional recv matches without moving the call forward.
  const resume = (c: Call): void => {
    if (!step.advanceState && step.optional !== false) c.msgIndex = previousIndex;
    runSteps(c);
  };
  if (finishStep(call, step, message, resume)) resume(call);
}

function noteDialogProgress(call: Call, message: SipMessage): void {
  if (message.kind === "response" && message.cseq?.method === "INVITE") {
    if (message.status < 200) {
      if (call.invite === "sent") call.invite = "provisional";
    } else {
      call.invite = message.status < 300 ? "established" : "rejected";
    }
  }
}
