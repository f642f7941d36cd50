/**
 * UDP retransmission for a call: of our own `<send retrans="T1">` (the timer), and of our reply when the peer
 * retransmits (SIPp's retransmission detection). Both follow SIPp's call.cpp (process_incoming / run).
 * On a reliable transport (TCP, TLS, WS, WSS) nothing is retransmitted, but the send still times out: RFC 3261
 * 17.1.1.2 / 17.1.2.2 / 17.2.1 run Timers B, F and H (64*T1) on every transport. The wait is the one the UDP
 * schedule would have ended with (31.5 s for an INVITE at T1 = 500 ms, 23.5 s for the rest with the defaults), and
 * it ends the same way (the send's ontimeout, else max_udp_retrans), so a 200 OK whose ACK never comes ends its call
 * over TCP as it does over UDP.
 */
import type { SendStep } from "../../scenario/model.js";
import type { SipMessage } from "../../sip/message.js";
import { Retransmitter, retransmitDelay, retransmitPolicy, type RetransmitPolicy } from "../../sip/retransmission.js";
import type { Call } from "./call.js";

/**
 * Starts retransmitting `data` (just sent by `step`) when the step asks for it; on a reliable transport, only the
 * timeout (no resend). When they run out, the call's runner is told (retransmissionsExhausted).
 */
export function startRetransmission(call: Call, step: SendStep, data: Buffer, invite: boolean): void {
  call.stopRetransmission();
  const ctx = call.ctx;
  const config = ctx.config;
  if (step.retrans === undefined || config.noRetrans) return;
  const udpPolicy = retransmitPolicy({
    t1: step.retrans,
    t2: config.t2Ms,
    invite,
    maxInviteRetrans: config.maxInviteRetrans,
    maxNonInviteRetrans: config.maxNonInviteRetrans,
    maxRetrans: config.maxRetrans,
  });
  const onExhausted = (): void => call.runner.retransmissionsExhausted(step);
  arm(call, step, data, ctx.reliable ? timeoutOnlyPolicy(udpPolicy) : udpPolicy, onExhausted);
}

/** The time from the send to giving up under `policy` (every retransmission interval plus the last wait), ms. */
export function retransmissionTimeout(policy: RetransmitPolicy): number {
  let total = 0;
  for (let attempt = 1; attempt <= policy.maxRetrans + 1; attempt++) total += retransmitDelay(policy, attempt);
  return total;
}

/** Reliable transports: no retransmission, one timer that fires when the UDP schedule would have given up. */
function timeoutOnlyPolicy(policy: RetransmitPolicy): RetransmitPolicy {
  const timeout = retransmissionTimeout(policy);
  return { t1: timeout, t2: timeout, invite: policy.invite, maxRetrans: 0 };
}

function arm(call: Call, step: SendStep, data: Buffer, policy: RetransmitPolicy, onExhausted: () => void): void {
  const ctx = call.ctx;
  const retransmitter = new Retransmitter({
    clock: ctx.clock,
    policy,
    resend: () => {
      ctx.stats.messageRetransmitted(step.index);
      call.retransmissionsSent++;
      ctx.transmit(call, data, call.connection, call.peer);
    },
    onExhausted,
  });
  call.retransmitter = retransmitter;
  call.retransmitStep = step.index;
  call.retransmitSource = { data, policy, onExhausted };
  retransmitter.start();
}

const STOPPING_REQUESTS = new Set(["ACK", "CANCEL", "BYE", "PRACK"]);

/**
 * A message matched recv step `index`: stop or slow the retransmission of our last send.
 * SIPp behaviour: only a response, or an ACK/CANCEL/BYE/PRACK, to a step after the retransmitted send affects it;
 * a final response, a provisional response to INVITE and those requests stop it; a provisional response to a
 * non-INVITE does not: "Non INVITE transactions continue to retransmit at T2 until a final response is received".
 */
export function retransmissionOnMatch(call: Call, index: number, message: SipMessage): void {
  const current = call.retransmitter;
  if (current === undefined || index <= call.retransmitStep) return;
  if (message.kind === "request") {
    if (STOPPING_REQUESTS.has(message.method)) call.stopRetransmission();
    return;
  }
  if (message.status >= 200 || message.cseq?.method === "INVITE") {
    call.stopRetransmission();
    return;
  }
  // Reliable transports: Timer F runs from the request, whatever provisional responses come.
  if (call.ctx.reliable) return;
  const step = call.scenario.steps[call.retransmitStep];
  const source = call.retransmitSource;
  if (step?.kind !== "send" || source === undefined) return;
  // SIPp behaviour: next_retrans = now + T2 and nb_last_delay = T2; the retransmission count goes on.
  const { data, policy, onExhausted } = source;
  const left = Math.max(0, policy.maxRetrans - current.count);
  call.stopRetransmission();
  arm(call, step, data, { t1: policy.t2, t2: policy.t2, invite: false, maxRetrans: left }, onExhausted);
}

/**
 * SIPp behaviour: over UDP, a message identical to the last processed one is a retransmission from the peer. If we
 * sent something after the original, that message is re-sent (counted as a retransmission of its step); either way
 * the duplicate is counted on the recv step and not processed again. Returns true when `message` was such a
 * duplicate.
 */
export function handlePeerRetransmission(call: Call, message: SipMessage): boolean {
  const ctx = call.ctx;
  if (ctx.reliable || call.lastReceivedRaw?.equals(message.raw) !== true) return false;
  if (call.lastReceivedStep >= 0) ctx.stats.retransmissionReceived(call.lastReceivedStep);
  call.retransmissionsReceived++;
  if (call.replyToLastReceived !== undefined) {
    ctx.stats.messageRetransmitted(call.replyStep);
    call.retransmissionsSent++;
    ctx.transmit(call, call.replyToLastReceived, call.connection, call.peer);
  }
  return true;
}
