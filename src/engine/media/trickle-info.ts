/**
 * Trickle ICE over SIP INFO (RFC 8840): the local candidates a call's WebRTC bridge gathers after its description
 * went out are sent to the peer in INFO requests within the dialog —
 *   Info-Package: trickle-ice, Content-Type: application/trickle-ice-sdpfrag, Content-Disposition: Info-Package,
 *   body: a=ice-ufrag, a=ice-pwd, the m-line, a=mid, the candidates, and a=end-of-candidates once gathering is done —
 * as soon as a dialog exists (a To tag on both sides), within it (RFC 3261 12.2.1.1: Request-URI the remote
 * target, Route the route set), retransmitted over UDP until answered (RFC 3261 17.1.2.2, the run's -T1/-T2).
 * In `auto` mode (the default) nothing is sent until the peer has shown support (RFC 8840 4.1: `Supported:
 * trickle-ice` in a message of the dialog, or `a=ice-options:trickle` in its SDP); the explicit modes trickle as
 * asked. An INFO the peer refuses (any final error: 405, 415, 469, 481, 489, 501, ...) or never answers (Timer F)
 * stops trickling for the call and is counted (infosRefused, lastRefusal): it never fails the call by itself.
 * The peer's trickle INFOs are answered 200 OK and applied, whatever step the scenario is at; our INFOs' responses
 * are consumed here too, so the scenario never sees either.
 */
import { buildResponse } from "../../sip/build-response.js";
import type { SipMessage } from "../../sip/message.js";
import type { Peer, SipConnection } from "../../sip/transport.js";
import type { TimerHandle } from "../../shared/clock.js";
import { Retransmitter } from "../../sip/retransmission.js";
import { buildSdpFragment, SDPFRAG_CONTENT_TYPE, type LocalCandidate } from "../../media/create-pipeline.js";
import type { Call } from "../call/call.js";
import type { DialogView } from "./webrtc-dialog.js";

/** Is this request a trickle INFO (RFC 8840 5.1)? */
export function isTrickleInfo(message: SipMessage): boolean {
  if (message.kind !== "request" || message.method !== "INFO") return false;
  const pkg = message.header("Info-Package")?.trim().toLowerCase();
  const type = message.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  return pkg === "trickle-ice" || type === SDPFRAG_CONTENT_TYPE;
}

/** One INFO awaiting its final response: timer E (UDP only) and timer F. */
interface PendingInfo {
  readonly timerE: Retransmitter | undefined;
  readonly timerF: TimerHandle;
}

function cancelTimers(pending: PendingInfo): void {
  pending.timerE?.stop();
  pending.timerF.cancel();
}

export class TrickleInfo {
  infosSent = 0;
  infosReceived = 0;
  candidatesSent = 0;
  /** Our INFOs answered with a final error or never answered; the latest refusal as `405 Method Not Allowed`. */
  infosRefused = 0;
  lastRefusal: string | undefined;
  readonly #call: Call;
  /** A refused INFO stopped trickling for the call. */
  #stopped = false;
  /** Candidates not yet sent; `complete` once gathering ended (the last INFO carries a=end-of-candidates). */
  readonly #queue: LocalCandidate[] = [];
  #complete = false;
  #endSent = false;
  readonly #pending = new Map<number, PendingInfo>();
  #branchSeq = 0;

  constructor(call: Call) {
    this.#call = call;
  }

  /** A local candidate (undefined: gathering is complete). Sent now if the dialog exists, else when it does. */
  candidate(candidate: LocalCandidate | undefined): void {
    if (candidate === undefined) this.#complete = true;
    else this.#queue.push(candidate);
    this.flush();
  }

  /** Sends what is queued, once the dialog exists. Called on new candidates and when a message moves the dialog. */
  flush(): void {
    const call = this.#call;
    if (call.ended || this.#stopped || (this.#queue.length === 0 && (!this.#complete || this.#endSent))) return;
    // RFC 8840 4.1: in auto mode only a peer that announced trickle support gets INFOs.
    if (call.ctx.config.webrtcOptions.trickle === "auto" && !call.dialog.peerTrickles) return;
    const dialog = call.dialog.view();
    const info = call.callMedia?.webrtc?.bridge.iceFragmentInfo();
    if (dialog === undefined || info === undefined) return;
    const candidates = this.#queue.splice(0);
    const end = this.#complete;
    const body = buildSdpFragment(info, candidates, end);
    this.#send(dialog, body);
    this.candidatesSent += candidates.length;
    if (end) this.#endSent = true;
  }

  #send(dialog: DialogView, body: string): void {
    const call = this.#call;
    const ctx = call.ctx;
    const cseq = call.dialog.newRequest();
    const values = ctx.values;
    const host = values.localIp.includes(":") ? `[${values.localIp}]` : values.localIp;
    const branch = `z9hG4bK-trickle-${values.pid}-${call.callNumber}-${++this.#branchSeq}`;
    const data = Buffer.from(
      [
        `INFO ${dialog.requestUri} SIP/2.0`,
        `Via: SIP/2.0/${values.transport} ${host}:${values.localPort};branch=${branch}`,
        ...(dialog.route === undefined ? [] : [`Route: ${dialog.route}`]),
        "Max-Forwards: 70",
        `From: ${dialog.from}`,
        `To: ${dialog.to}`,
        `Call-ID: ${call.callId}`,
        `CSeq: ${cseq} INFO`,
        `Contact: <sip:${host}:${values.localPort};transport=${values.transport.toLowerCase()}>`,
        "Info-Package: trickle-ice",
        `Content-Type: ${SDPFRAG_CONTENT_TYPE}`,
        "Content-Disposition: Info-Package",
        `Content-Length: ${Buffer.byteLength(body)}`,
        "",
        body,
      ].join("\r\n"),
    );
    ctx.transmit(call, data, call.connection, call.peer);
    this.infosSent++;
    this.#pending.set(cseq, this.#startTimers(cseq, data));
  }

  /**
   * RFC 3261 17.1.2.2: timer F (64 × T1) on every transport gives up on the INFO; timer E, only over UDP, resends
   * it T1 after the send, then doubling up to T2 — the shared {@link Retransmitter} with the run's -T1/-T2 and no
   * count limit (timer F ends it). Timer F is armed first: when both fall due at once, the INFO times out unsent.
   */
  #startTimers(cseq: number, data: Buffer): PendingInfo {
    const call = this.#call;
    const { clock, config, reliable } = call.ctx;
    const timerF = clock.setTimer(64 * config.t1Ms, () => {
      const pending = this.#pending.get(cseq);
      if (pending === undefined) return;
      this.#pending.delete(cseq);
      pending.timerE?.stop();
      if (!call.ended) this.#refused(cseq, "timeout");
    });
    const timerE = reliable
      ? undefined
      : new Retransmitter({
          clock,
          policy: { t1: config.t1Ms, t2: config.t2Ms, invite: false, maxRetrans: Number.POSITIVE_INFINITY },
          resend: () => {
            if (!call.ended) call.ctx.transmit(call, data, call.connection, call.peer);
          },
          onExhausted: () => undefined,
        });
    timerE?.start();
    return { timerE, timerF };
  }

  /** A response to one of our INFOs: consumed (true). */
  onResponse(message: SipMessage): boolean {
    if (message.kind !== "response" || message.cseq?.method !== "INFO") return false;
    const pending = this.#pending.get(message.cseq.seq);
    const ours = pending !== undefined || this.infosSent > 0;
    if (pending !== undefined && message.status >= 200) {
      cancelTimers(pending);
      this.#pending.delete(message.cseq.seq);
      if (message.status >= 300) this.#refused(message.cseq.seq, `${message.status} ${message.reason}`.trim());
    }
    return ours;
  }

  /** RFC 8840 has no retry for a refused INFO: trickling stops; the call goes on with the candidates it has. */
  #refused(cseq: number, refusal: string): void {
    this.infosRefused++;
    this.lastRefusal = refusal;
    this.#stopped = true;
    this.#queue.length = 0;
    this.#call.logger.warn(`trickle INFO CSeq ${cseq} refused (${refusal}): no more trickle INFO in this call`);
  }

  /** The peer's trickle INFO: answered 200 OK and applied to the bridge. */
  onRequest(message: SipMessage, connection: SipConnection, from: Peer): void {
    const call = this.#call;
    call.ctx.reply(buildResponse(message, 200, "OK"), connection, from);
    this.infosReceived++;
    const type = message.header("Content-Type") ?? SDPFRAG_CONTENT_TYPE;
    call.callMedia?.trickleFragment(message.body.toString("latin1"), type);
  }

  /** The call ended: no more retransmissions. */
  stop(): void {
    for (const pending of this.#pending.values()) cancelTimers(pending);
    this.#pending.clear();
  }
}
