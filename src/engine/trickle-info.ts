/**
 * Trickle ICE over SIP INFO (RFC 8840): the local candidates a call's WebRTC bridge gathers after its description
 * went out are sent to the peer in INFO requests within the dialog —
 *   Info-Package: trickle-ice, Content-Type: application/trickle-ice-sdpfrag, Content-Disposition: Info-Package,
 *   body: a=ice-ufrag, a=ice-pwd, the m-line, a=mid, the candidates, and a=end-of-candidates once gathering is done —
 * as soon as a dialog exists (a To tag on both sides), retransmitted over UDP until answered (RFC 3261 17.1.2.2).
 * The peer's trickle INFOs are answered 200 OK and applied, whatever step the scenario is at; our INFOs' responses
 * are consumed here too, so the scenario never sees either.
 */
import { buildResponse } from "../sip/build-response.js";
import { parseSipMessage } from "../sip/parse-sip-message.js";
import type { SipMessage } from "../sip/message.js";
import type { Peer, SipConnection } from "../sip/transport.js";
import type { TimerHandle } from "../shared/clock.js";
import type { LocalCandidate } from "../media/webrtc/webrtc-types.js";
import type { Call } from "./call.js";
import { buildSdpFragment, SDPFRAG_CONTENT_TYPE } from "../media/webrtc/sdp-frag.js";

const T1_MS = 500;
const T2_MS = 4000;
/** RFC 3261 timer F: 64 × T1. */
const TIMER_F_MS = 64 * T1_MS;

/** Is this request a trickle INFO (RFC 8840 5.1)? */
export function isTrickleInfo(message: SipMessage): boolean {
  if (message.kind !== "request" || message.method !== "INFO") return false;
  const pkg = message.header("Info-Package")?.trim().toLowerCase();
  const type = message.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  return pkg === "trickle-ice" || type === SDPFRAG_CONTENT_TYPE;
}

/** The dialog as seen from our side, enough to build a request within it. */
interface DialogView {
  readonly requestUri: string;
  /** Our From header value (with our tag) and the peer's (with its tag) as To. */
  readonly from: string;
  readonly to: string;
}

interface PendingInfo {
  readonly cseq: number;
  readonly data: Buffer;
  timer: TimerHandle | undefined;
  interval: number;
  readonly deadline: number;
}

export class TrickleInfo {
  infosSent = 0;
  infosReceived = 0;
  candidatesSent = 0;
  readonly #call: Call;
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
    if (call.ended || (this.#queue.length === 0 && (!this.#complete || this.#endSent))) return;
    const dialog = dialogView(call);
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
    call.cseq++;
    const cseq = call.cseq;
    const values = ctx.values;
    const host = values.localIp.includes(":") ? `[${values.localIp}]` : values.localIp;
    const branch = `z9hG4bK-trickle-${values.pid}-${call.callNumber}-${++this.#branchSeq}`;
    const data = Buffer.from(
      [
        `INFO ${dialog.requestUri} SIP/2.0`,
        `Via: SIP/2.0/${values.transport} ${host}:${values.localPort};branch=${branch}`,
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
    if (!ctx.reliable) {
      const pending: PendingInfo = {
        cseq,
        data,
        timer: undefined,
        interval: T1_MS,
        deadline: ctx.clock.now() + TIMER_F_MS,
      };
      this.#pending.set(cseq, pending);
      this.#armRetransmission(pending);
    }
  }

  /** RFC 3261 17.1.2.2: timer E doubles up to T2 until a response, timer F gives up. */
  #armRetransmission(pending: PendingInfo): void {
    const call = this.#call;
    pending.timer = call.ctx.clock.setTimer(pending.interval, () => {
      if (call.ended || !this.#pending.has(pending.cseq)) return;
      if (call.ctx.clock.now() >= pending.deadline) {
        this.#pending.delete(pending.cseq);
        call.logger.warn(`trickle INFO CSeq ${pending.cseq} got no answer`);
        return;
      }
      call.ctx.transmit(call, pending.data, call.connection, call.peer);
      pending.interval = Math.min(pending.interval * 2, T2_MS);
      this.#armRetransmission(pending);
    });
  }

  /** A response to one of our INFOs: consumed (true). */
  onResponse(message: SipMessage): boolean {
    if (message.kind !== "response" || message.cseq?.method !== "INFO") return false;
    const pending = this.#pending.get(message.cseq.seq);
    const ours = pending !== undefined || this.infosSent > 0;
    if (pending !== undefined && message.status >= 200) {
      pending.timer?.cancel();
      this.#pending.delete(pending.cseq);
      if (message.status >= 300) this.#call.logger.warn(`trickle INFO answered ${message.status}`);
    }
    return ours;
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
    for (const pending of this.#pending.values()) pending.timer?.cancel();
    this.#pending.clear();
  }
}

/**
 * The dialog from the INVITE transaction: UAC — our INVITE's From and To, the To tag of the peer's response and its
 * Contact as the target; UAS — the INVITE's To (plus the tag we sent) and From, and its Contact as the target.
 */
function dialogView(call: Call): DialogView | undefined {
  const d = call.dialog;
  if (d === undefined) return undefined;
  if (call.direction === "outgoing") {
    if (d.peerTag === undefined) return undefined;
    return {
      requestUri: d.remoteTarget ?? d.inviteUri,
      from: d.inviteFrom,
      to: `${d.inviteTo};tag=${d.peerTag}`,
    };
  }
  if (d.localTag === undefined) return undefined;
  return { requestUri: d.remoteTarget ?? d.inviteUri, from: `${d.inviteTo};tag=${d.localTag}`, to: d.inviteFrom };
}

/** What the INVITE transaction tells about the dialog (kept on the Call in WebRTC runs). */
export interface DialogInfo {
  readonly inviteUri: string;
  /** From and To header values of the INVITE, To without a tag. */
  readonly inviteFrom: string;
  readonly inviteTo: string;
  remoteTarget: string | undefined;
  peerTag: string | undefined;
  localTag: string | undefined;
}

/** Notes the dialog from a message we sent or received (INVITE, its responses). */
export function noteDialog(call: Call, message: SipMessage, sent: boolean): void {
  if (message.kind === "request" && message.method === "INVITE") {
    if (call.dialog !== undefined) return;
    const from = message.header("From");
    const to = message.header("To");
    if (from === undefined || to === undefined) return;
    call.dialog = {
      inviteUri: message.requestUri,
      inviteFrom: from.trim(),
      inviteTo: to.replace(/;\s*tag=[^;>\s]*/i, "").trim(),
      remoteTarget: sent ? undefined : contactUri(message),
      peerTag: undefined,
      localTag: undefined,
    };
    return;
  }
  const dialog = call.dialog;
  if (message.kind !== "response" || message.cseq?.method !== "INVITE" || dialog === undefined) return;
  if (message.status < 101 || message.status >= 300) return;
  const tag = message.toTag();
  if (sent) dialog.localTag ??= tag;
  else {
    dialog.peerTag ??= tag;
    dialog.remoteTarget = contactUri(message) ?? dialog.remoteTarget;
  }
  call.trickle?.flush();
}

/** Notes the dialog from bytes we sent. */
export function noteSentDialog(call: Call, data: Buffer): void {
  const parsed = parseSipMessage(data);
  if (parsed.ok) noteDialog(call, parsed.message, true);
}

function contactUri(message: SipMessage): string | undefined {
  const contact = message.header("Contact");
  if (contact === undefined) return undefined;
  return /<([^>]*)>/.exec(contact)?.[1] ?? contact.split(";")[0]?.trim();
}
