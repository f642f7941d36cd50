/**
 * Runs one call's scenario steps, following SIPp's call.cpp semantics:
 * - sends render and go out at once (step-executor.ts); `retrans` starts UDP retransmission (T1 doubling) until a
 *   message matches;
 * - a recv waits (with `timeout` / -recv_timeout) for a message that `findMatchingStep` assigns to it;
 * - pause/timewait wait on a timer; nop runs its actions;
 * - after a step: actions, RTDs, counter, then `next` (subject to `test` and `chance`) or the following step;
 * - a call succeeds when it runs off the end of the scenario.
 * Whatever makes the call wait (a recv, a pause, its media opening, an action answering later, a timeout) comes back
 * here: the runner is the one place that moves the call from step to step.
 */
import type { PauseDuration, PauseStep, RecvStep, SendStep, Step, TimewaitStep } from "../../scenario/model.js";
import type { SettledActionResult } from "../../scenario/runtime.js";
import { sampleDistribution } from "../../scenario/distribution.js";
import { isVariableSet, variableToNumber } from "../../scenario/variables.js";
import { parseSipMessage } from "../../sip/parse-sip-message.js";
import type { SipMessage } from "../../sip/message.js";
import type { Peer, SipConnection } from "../../sip/transport.js";
import type { Call } from "./call.js";
import { findMatchingStep } from "./message-matcher.js";
import { handlePeerRetransmission, retransmissionOnMatch } from "./step-retransmission.js";
import { applyPeerSdp, mediaOpenFailure, needsMediaOpen, prepareStepMedia } from "../media/step-media.js";
import { isTrickleInfo } from "../media/trickle-info.js";
import { abortCall } from "./abort-call.js";
import { handleUnexpected } from "./unexpected-message.js";
import { executeSend } from "./step-executor.js";

/**
 * Guards against a scenario that loops through nops/sends forever without waiting: the jumps back (to the same or an
 * earlier step) a call takes since it last waited. Moving forward is always bounded by the scenario's length, so a
 * long straight scenario runs to its end; the loader refuses loops that certainly spin (loop-checks.ts), this stops
 * conditional ones that do not end.
 */
const MAX_BACK_JUMPS_WITHOUT_WAITING = 100_000;

/** A message that arrived while the call waited in the `media` phase: delivered once it goes on. */
interface DeferredMessage {
  readonly message: SipMessage;
  readonly connection: SipConnection;
  readonly from: Peer;
}

type ActionsOutcome = "done" | "ended" | "waiting";

export class CallRunner {
  readonly #call: Call;
  /** Index to continue at when the current step finishes (set by `jump`). */
  #pendingJump: number | undefined;
  /** Messages that arrived in the `media` phase, in order. */
  #deferred: DeferredMessage[] | undefined;

  constructor(call: Call) {
    this.#call = call;
  }

  start(): void {
    this.run();
  }

  /** `jump`: the call continues at `index` once the current step is finished. */
  jumpTo(index: number): void {
    this.#pendingJump = index;
  }

  /** Runs steps from `call.msgIndex` until the call waits (recv/pause/media) or ends. */
  run(): void {
    const call = this.#call;
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
      if (!this.#conditionHolds(step)) {
        call.msgIndex = index + 1;
        continue;
      }
      if (needsMediaOpen(call, step)) {
        this.#openMediaThenRun(step);
        return;
      }
      switch (step.kind) {
        case "send":
          if (!executeSend(call, step)) return;
          if (!this.#finishStep(step)) return;
          break;
        case "nop":
          if (!this.#finishStep(step)) return;
          break;
        case "recv":
          this.#waitForMessage(step);
          return;
        case "pause":
        case "timewait":
          if (this.#startPause(step)) return;
          if (!this.#finishStep(step)) return;
          break;
      }
    }
  }

  #conditionHolds(step: Step): boolean {
    if (step.condexec === undefined) return true;
    const set = isVariableSet(this.#call.variables.get(step.condexec));
    return step.condexecInverse ? !set : set;
  }

  /**
   * Actions, RTDs, counter, then the next index. False when the call ended, or when an action is still working (an
   * audio check on a media worker): `resume` then runs once the step is finished (by default: the next steps).
   */
  #finishStep(step: Step, received?: SipMessage, resume?: () => void): boolean {
    const call = this.#call;
    const stats = call.ctx.stats;
    const now = call.ctx.clock.now();
    for (const name of step.rtd) {
      const started = call.rtdStart(name);
      if (started !== undefined && (step.repeatRtd || !call.rtdRecorded(name))) {
        call.ctx.recordRtd(name, now - started);
        (call.rtdSamples ??= new Map()).set(name, now - started);
      }
    }
    for (const name of step.startRtd) call.restartRtd(name, now);
    if (step.counter !== undefined) stats.counter(step.counter);
    call.msgIndex = step.index;
    call.lastStep = step.index;
    if (step.actions.length > 0 && this.#runActions(step, received, 0, resume) !== "done") return false;
    this.#advance(step);
    return true;
  }

  /** The step is finished: where the call goes on (a jump an action asked for, `next`, or the following step). */
  #advance(step: Step): void {
    const call = this.#call;
    if (this.#pendingJump !== undefined) {
      call.msgIndex = this.#pendingJump;
      this.#pendingJump = undefined;
    } else if (step.next !== undefined && this.#takesNext(step)) {
      call.msgIndex = step.next;
    } else {
      call.msgIndex = step.index + 1;
    }
  }

  #takesNext(step: Step): boolean {
    const call = this.#call;
    if (step.test !== undefined && !isVariableSet(call.variables.get(step.test))) return false;
    return step.chance >= 1 || call.ctx.random() < step.chance;
  }

  /** The step's actions from `from` on, on the message they apply to. */
  #runActions(
    step: Step,
    received: SipMessage | undefined,
    from: number,
    resume: (() => void) | undefined,
  ): ActionsOutcome {
    const call = this.#call;
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
          this.#awaitAction(step, received, i, result.settled, resume);
          return "waiting";
        }
        if (!result.ok) {
          this.#failOnAction(step, result);
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
  #awaitAction(
    step: Step,
    received: SipMessage | undefined,
    index: number,
    pending: Promise<SettledActionResult>,
    resume: (() => void) | undefined,
  ): void {
    const call = this.#call;
    call.transition("media");
    pending.then(
      (result) => {
        if (call.ended) return;
        call.transition("running");
        if (!result.ok) {
          this.#failOnAction(step, result);
          return;
        }
        if (this.#runActions(step, received, index + 1, resume) !== "done") return;
        this.#advance(step);
        if (resume === undefined) this.run();
        else resume();
        this.#deliverDeferred();
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
  #failOnAction(step: Step, result: Extract<SettledActionResult, { ok: false }>): void {
    const call = this.#call;
    if (call.ctx.config.defaultBehaviors.has("bye")) abortCall(call);
    call.fail(result.failure, result.reason, step.index);
  }

  /** The messages that arrived while the call waited in the `media` phase, in order. */
  #deliverDeferred(): void {
    const deferred = this.#deferred;
    this.#deferred = undefined;
    for (const d of deferred ?? []) this.deliver(d.message, d.connection, d.from);
  }

  // Media ------------------------------------------------------------------------------------------------------------

  /** Prepares the call's media, then runs the step (and the messages that arrived meanwhile); fails the call if not. */
  #openMediaThenRun(step: Step): void {
    const call = this.#call;
    call.msgIndex = step.index;
    call.transition("media");
    prepareStepMedia(call, step).then(
      () => {
        if (call.ended) return;
        call.transition("running");
        this.run();
        this.#deliverDeferred();
      },
      (error: unknown) => {
        if (call.ended) return;
        this.#deferred = undefined;
        const { failure, reason, rejection } = mediaOpenFailure(call, error);
        if (rejection !== undefined) {
          call.ctx.transmit(call, rejection, call.connection, call.peer);
          call.finalStatus = 488;
        }
        call.fail(failure, reason, step.index);
      },
    );
  }

  // Timeouts ---------------------------------------------------------------------------------------------------------

  /** The `ontimeout` of a send or a recv: whatever the call waited for is over, it goes on at `target`. */
  jumpAfterTimeout(target: number): void {
    const call = this.#call;
    if (call.phase === "pausing") call.ctx.stats.pauseEnded(call.msgIndex);
    call.clearTimer();
    call.stopRetransmission();
    call.msgIndex = target;
    if (call.phase !== "running") call.transition("running");
    this.run();
  }

  /** The retransmissions (or, on a reliable transport, the one timeout) of send `sent` ran out. */
  retransmissionsExhausted(sent: SendStep): void {
    const call = this.#call;
    if (call.ended) return;
    call.retransmitter = undefined;
    call.ctx.stats.messageTimeout(sent.index);
    // SIPp behaviour: when the retransmissions run out, the call goes to the `ontimeout` of the retransmitted send
    // (`messages[last_send_index]->on_timeout`), not of the recv it is waiting in.
    if (sent.ontimeout !== undefined) {
      this.jumpAfterTimeout(sent.ontimeout);
      return;
    }
    // SIPp behaviour (-default_behaviors bye): a call that times out is aborted with a CANCEL or a BYE.
    if (call.ctx.config.defaultBehaviors.has("bye")) abortCall(call);
    call.fail("max_udp_retrans", exhaustedReason(call, sent), sent.index);
  }

  // Waiting ----------------------------------------------------------------------------------------------------------

  #waitForMessage(step: RecvStep): void {
    const call = this.#call;
    call.msgIndex = step.index;
    call.transition("waiting");
    const timeout = step.timeout ?? call.ctx.config.recvTimeoutMs;
    if (timeout !== undefined && timeout > 0) {
      call.timer = call.ctx.clock.setTimer(timeout, () => {
        call.timer = undefined;
        this.#onRecvTimeout(step);
      });
    }
  }

  #onRecvTimeout(step: RecvStep): void {
    const call = this.#call;
    if (call.ended || call.msgIndex !== step.index) return;
    call.ctx.stats.messageTimeout(step.index);
    if (step.ontimeout !== undefined) {
      this.jumpAfterTimeout(step.ontimeout);
      return;
    }
    if (call.ctx.config.defaultBehaviors.has("bye")) abortCall(call);
    call.fail("timeout_on_recv", `no message for step ${step.index} within the timeout`, step.index);
  }

  #pauseDuration(duration: PauseDuration): number {
    const call = this.#call;
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
  #startPause(step: PauseStep | TimewaitStep): boolean {
    const call = this.#call;
    const ms = this.#pauseDuration(step.duration);
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
      if (this.#finishStep(step)) this.run();
    });
    return true;
  }

  // Receiving --------------------------------------------------------------------------------------------------------

  /** An incoming message for this call. */
  deliver(message: SipMessage, connection: SipConnection, from: Peer): void {
    const call = this.#call;
    if (call.ended) return;
    if (call.phase === "media") {
      // The call waits for its RTP session to open: what arrives meanwhile is handled, in order, right after.
      (this.#deferred ??= []).push({ message, connection, from });
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
        if (handleUnexpected(call, message, connection, from)) this.run();
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
    ctx.stats.messageReceived(step.index);
    call.messagesReceived++;
    if (call.phase === "pausing") call.ctx.stats.pauseEnded(call.msgIndex);
    if (call.phase !== "running") call.transition("running");
    if (message.kind === "response") call.dialog.onResponse(message, step);
    else call.dialog.onRequest(message, step);
    if (call.callMedia !== undefined) {
      if (message.kind === "request" && message.method === "BYE") call.callMedia.hangUp();
      if (!step.ignoresdp && !applyPeerSdp(call, message, step)) return;
    }
    // Only actions that answer later need the way back as a function (most recvs have none: no closure per message).
    const resume = step.actions.length === 0 ? undefined : (): void => this.#afterRecv(step, previousIndex);
    if (this.#finishStep(step, message, resume)) this.#afterRecv(step, previousIndex);
  }

  /** SIPp behaviour: advance_state="false" on an optional recv matches without moving the call forward. */
  #afterRecv(step: RecvStep, previousIndex: number): void {
    if (!step.advanceState && step.optional !== false) this.#call.msgIndex = previousIndex;
    this.run();
  }
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
