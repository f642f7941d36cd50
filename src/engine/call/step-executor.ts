/**
 * A send step, following SIPp's call.cpp semantics: the message is rendered ([cseq] taken by every request but ACK
 * and CANCEL) and goes out at once; `retrans` starts UDP retransmission (T1 doubling, step-retransmission.ts) until
 * a message matches; `timeout` bounds how long it may wait behind a full TCP socket buffer. The call's CallRunner
 * (call-runner.ts) runs the steps and comes here for each send.
 */
import type { SendStep } from "../../scenario/model.js";
import { RenderError, renderMessage } from "../../scenario/render-message.js";
import { parseSipMessage } from "../../sip/parse-sip-message.js";
import type { SipMessage } from "../../sip/message.js";
import type { Peer, SipConnection } from "../../sip/transport.js";
import { closedFailureClass } from "../run/transport-failure.js";
import type { Call } from "./call.js";
import { startRetransmission } from "./step-retransmission.js";
import { applyLocalSdp } from "../media/step-media.js";

/** The run's way in (run-controller.ts): a call starts running its steps. */
export function startCall(call: Call): void {
  call.runner.start();
}

/** The run's way in (run-controller.ts): a message arrives for a live call. */
export function deliverMessage(call: Call, message: SipMessage, connection: SipConnection, from: Peer): void {
  call.runner.deliver(message, connection, from);
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
    if (countsCseq(sends.method)) call.dialog.newRequest();
    return { data: renderMessage(step.template, call), request: true, method: sends.method };
  }
  if (sends.kind === "response") return { data: renderMessage(step.template, call), request: false, method: "" };
  // The first line starts with a keyword: render, look, and render again if [cseq] should not have moved.
  call.dialog.newRequest();
  let data = renderMessage(step.template, call);
  const { request, method } = firstLineMethod(data);
  if (!request || !countsCseq(method)) {
    call.dialog.takeBackRequest();
    data = renderMessage(step.template, call);
  }
  return { data, request, method };
}

/** Renders and sends `step`'s message; false when the call failed (it cannot be built, sent or its SDP used). */
export function executeSend(call: Call, step: SendStep): boolean {
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
      if (branch !== undefined) call.startedTxn(step.startTxn, branch);
    } else {
      call.sentRequest(method);
    }
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
  if (request) call.dialog.onSentRequest(method, data);
  else call.dialog.onSentResponse(data);
  if (call.callMedia !== undefined) {
    if (method === "BYE") call.callMedia.hangUp();
    if (!applyLocalSdp(call, data, step)) return false;
  }
  watchSendTimeout(call, step);
  if (call.lastReceivedRaw !== undefined && call.replyToLastReceived === undefined) {
    call.replyToLastReceived = data;
    call.replyStep = step.index;
  }
  startRetransmission(call, step, data, method === "INVITE");
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
      call.runner.jumpAfterTimeout(step.ontimeout);
      return;
    }
    const queued = connection.pendingBytes;
    call.fail("timeout_on_send", `message not sent within ${timeout} ms (${queued} bytes still queued)`, step.index);
  });
}
