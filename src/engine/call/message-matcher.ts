/**
 * Which scenario step an incoming message belongs to, following SIPp's `matches_scenario` and its search order
 * (call.cpp process_incoming):
 *   1. forward from the current step over optional recvs until the first mandatory step (inclusive);
 *   2. else backward from the step before the current one: a match counts if every step between it and the current
 *      one is an optional recv ("contiguous optionals"), or if it is `optional="global"`.
 */
import type { RecvStep, Scenario, Step } from "../../scenario/model.js";
import type { SipMessage } from "../../sip/message.js";

export interface MatchContext {
  /** Whether this call has sent a request of `method` without start_txn (the CSeq-method check of responses). */
  hasSent(method: string): boolean;
  /** The branch recorded by start_txn `name`. */
  txnBranch(name: string): string | undefined;
}

export function recvMatches(step: RecvStep, message: SipMessage, ctx: MatchContext): boolean {
  if (message.kind === "request") {
    if (step.request === undefined) return false;
    if (step.pattern) return step.pattern.test(message.method);
    return step.request === message.method;
  }
  if (step.response === undefined) return false;
  if (step.pattern) {
    if (!step.pattern.test(String(message.status))) return false;
  } else if (Number(step.response) !== message.status) {
    return false;
  }
  if (step.responseTxn !== undefined) {
    // SIPp behaviour: with response_txn the response must carry the branch recorded by the matching start_txn.
    const branch = ctx.txnBranch(step.responseTxn);
    return branch !== undefined && branch === message.topViaBranch();
  }
  // SIPp behaviour: a response must answer a request method this call has sent (CSeq method check).
  const method = message.cseq?.method;
  return method !== undefined && ctx.hasSent(method);
}

function isRecv(step: Step | undefined): step is RecvStep {
  return step?.kind === "recv";
}

/**
 * - `match`: the message belongs to step `index`.
 * - `stale`: it matches an earlier mandatory recv (a late retransmission of an old transaction). SIPp swallows it,
 *   re-sending the ACK that followed when it is a response to INVITE.
 * - `unexpected`: nothing matches.
 */
export type MatchResult =
  | { readonly kind: "match"; readonly index: number }
  | { readonly kind: "stale"; readonly index: number }
  | { readonly kind: "unexpected" };

const UNEXPECTED: MatchResult = { kind: "unexpected" };

export function findMatchingStep(
  scenario: Scenario,
  current: number,
  message: SipMessage,
  ctx: MatchContext,
): MatchResult {
  const steps = scenario.steps;
  for (let i = current; i < steps.length; i++) {
    const step = steps[i];
    if (isRecv(step) && recvMatches(step, message, ctx)) return { kind: "match", index: i };
    if (!isRecv(step) || step.optional === false) break;
  }
  let contiguous = true;
  for (let i = Math.min(current, steps.length) - 1; i >= 0; i--) {
    const step = steps[i];
    if (!isRecv(step) || step.optional === false) contiguous = false;
    if (isRecv(step) && recvMatches(step, message, ctx)) {
      return contiguous || step.optional === "global" ? { kind: "match", index: i } : { kind: "stale", index: i };
    }
  }
  return UNEXPECTED;
}
