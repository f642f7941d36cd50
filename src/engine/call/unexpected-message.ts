/**
 * A message that matches no step the call can take (SIPp's checkAutomaticResponseMode + process_unexpected):
 * default behaviours answer BYE/CANCEL and PING, -aa answers INFO/NOTIFY/OPTIONS/UPDATE, `_unexp.main` takes it if
 * the scenario has that label, otherwise it is ignored or fails the call (abortunexp).
 */
import type { SipMessage } from "../../sip/message.js";
import type { Peer, SipConnection } from "../../sip/transport.js";
import { buildResponse } from "../../sip/build-response.js";
import type { Call } from "./call.js";
import { abortCall } from "./abort-call.js";

/** Methods SIPp's -aa answers automatically with 200 OK. */
const AUTO_ANSWER_METHODS = new Set(["INFO", "NOTIFY", "OPTIONS", "UPDATE"]);

/**
 * SIPp's checkAutomaticResponseMode + process_unexpected. True when the call goes on at `_unexp.main` (the caller
 * runs its steps from there).
 */
export function handleUnexpected(call: Call, message: SipMessage, connection: SipConnection, from: Peer): boolean {
  const ctx = call.ctx;
  const behaviors = ctx.config.defaultBehaviors;
  if (message.kind === "request") {
    const method = message.method;
    if ((method === "BYE" || method === "CANCEL") && behaviors.has("bye")) {
      // SIPp behaviour: an unexpected BYE or CANCEL is answered 200 and the call fails (unexpected message).
      ctx.reply(buildResponse(message, 200, "OK"), connection, from);
      ctx.stats.messageUnexpected(call.msgIndex);
      call.unexpectedMessages++;
      call.lastMessage = message;
      call.fail("unexpected_message", `unexpected ${method} (answered 200 OK)`);
      return false;
    }
    if (method === "PING" && behaviors.has("pingreply")) {
      ctx.reply(buildResponse(message, 200, "OK"), connection, from);
      return false;
    }
    if (ctx.config.autoAnswer && AUTO_ANSWER_METHODS.has(method)) {
      ctx.reply(buildResponse(message, 200, "OK"), connection, from);
      ctx.stats.autoAnswered();
      return false;
    }
  }
  ctx.stats.messageUnexpected(call.msgIndex);
  call.unexpectedMessages++;
  const handler = call.scenario.unexpectedHandler;
  if (handler !== undefined) {
    // SIPp behaviour: jump to _unexp.main, leaving the return address and the interrupted pause end in variables.
    call.variables.set("_unexp.retaddr", { type: "double", value: call.msgIndex });
    call.variables.set("_unexp.pausedaddr", { type: "double", value: call.pausedUntil });
    call.lastMessage = message;
    call.lastReceivedRaw = message.raw;
    call.lastReceivedStep = call.msgIndex;
    call.replyToLastReceived = undefined;
    call.clearTimer();
    call.stopRetransmission();
    if (call.phase === "pausing") ctx.stats.pauseEnded(call.msgIndex);
    call.msgIndex = handler;
    if (call.phase !== "running") call.transition("running");
    return true;
  }
  if (!behaviors.has("abortunexp")) {
    // SIPp behaviour: with abortunexp disabled the unexpected message is ignored and the call goes on.
    return false;
  }
  const description =
    message.kind === "request" ? `unexpected ${message.method}` : `unexpected ${message.status} response`;
  if (behaviors.has("bye")) abortCall(call);
  call.fail("unexpected_message", `${description} at step ${call.msgIndex}`);
  return false;
}
