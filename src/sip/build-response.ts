/**
 * A minimal response to a request, for sipwright's default behaviours (SIPp: 200 to an unexpected BYE/CANCEL,
 * `-aa` auto-answer of INFO/NOTIFY/OPTIONS/UPDATE).
 * RFC 3261 8.2.6.2: the response copies From, Call-ID, CSeq and every Via (in order) of the request, and To, adding
 * a tag if the request's To had none.
 */
import type { SipMessage } from "./message.js";

export interface BuildResponseOptions {
  /** Added to To when the request's To has no tag. */
  toTag?: string;
  /** Whole header lines (`Name: value`), inserted before Content-Length. */
  extraHeaders?: readonly string[];
}

export function buildResponse(
  request: SipMessage,
  status: number,
  reason: string,
  opts: BuildResponseOptions = {},
): Buffer {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const via of request.headerAll("via")) lines.push(`Via: ${via}`);
  const from = request.header("from");
  if (from !== undefined) lines.push(`From: ${from}`);
  const to = request.header("to");
  if (to !== undefined) {
    lines.push(opts.toTag !== undefined && request.toTag() === undefined ? `To: ${to};tag=${opts.toTag}` : `To: ${to}`);
  }
  const callId = request.header("call-id");
  if (callId !== undefined) lines.push(`Call-ID: ${callId}`);
  const cseq = request.header("cseq");
  if (cseq !== undefined) lines.push(`CSeq: ${cseq}`);
  if (opts.extraHeaders) lines.push(...opts.extraHeaders);
  lines.push("Content-Length: 0", "", "");
  return Buffer.from(lines.join("\r\n"), "utf8");
}
