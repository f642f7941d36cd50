/**
 * The dialog state of one call, and how each protocol event moves it. Two views of the same dialog live here:
 * - what the scenario's keywords render, SIPp's way: [cseq] (our local CSeq), [peer_tag_param] (the To tag of the
 *   latest matched response), [routes] / [next_url] (the route set a recv with `rrs` stored) and [authentication]
 *   (the challenge a recv with `auth` stored);
 * - what the engine needs to build requests within the dialog itself (trickle INFO, RFC 8840; the CANCEL and BYE of
 *   an aborted call), RFC 3261's way (webrtc-dialog.ts): the INVITE's tags, remote target and route set, and
 *   whether the peer trickles; and where the INVITE transaction stands (InviteProgress), for aborting.
 *
 * Every write goes through a method named after the event: a new request of ours takes a CSeq, we sent a request or
 * a response, a request or a response from the peer matched a recv step.
 *
 *   InviteProgress:  none ──> sent ──> provisional ──> established
 *                              │            └──────────> rejected
 *                              └─────────────────────────┘ (a final response without a provisional one)
 */
import { routeSetFrom } from "../../scenario/dialog-keywords.js";
import type { RecvStep } from "../../scenario/model.js";
import type { CallState, RouteSetInfo } from "../../scenario/runtime.js";
import { selectChallengeValue } from "../../sip/digest.js";
import type { SipMessage } from "../../sip/message.js";
import { parseSipMessage } from "../../sip/parse-sip-message.js";
import {
  announcesTrickle,
  dialogInfoFromInvite,
  dialogView,
  noteInviteResponse,
  type DialogInfo,
  type DialogView,
} from "../media/webrtc-dialog.js";

/** What the recv step that matched asks the dialog to keep: the route set (`rrs`), the challenge (`auth`). */
export type RecvOptions = Pick<RecvStep, "rrs" | "auth">;

/** Where the INVITE transaction stands, for aborting a call the way SIPp does (CANCEL, ACK or BYE). */
export type InviteProgress = "none" | "sent" | "provisional" | "established" | "rejected";

/** What the dialog tells when it moved (the trickle INFO sender: RFC 8840 INFOs go out once the dialog exists). */
export interface DialogListener {
  flush(): void;
}

export interface CallDialogOptions {
  readonly direction: "incoming" | "outgoing";
  /** -base_cseq: the first request's CSeq. */
  readonly baseCseq: number;
  /** In a WebRTC run: the trickle INFO sender, told when the dialog moves. */
  readonly trickle: DialogListener | undefined;
}

/** Messages kept for the dialog before they are applied anyway (a long call that is never aborted). */
const MAX_UNSETTLED = 8;

/** A message kept for the dialog: its bytes (not the parsed message: it stays small while the call lives). */
interface Unsettled {
  readonly data: Buffer;
  readonly sent: boolean;
}

/** The responses noteInviteResponse reads (it ignores a 100 and final responses but 2xx). */
function dialogResponse(status: number): boolean {
  return status >= 101 && status < 300;
}

export class CallDialog {
  readonly #outgoing: boolean;
  readonly #trickle: DialogListener | undefined;
  #cseq: number;
  #peerTag: string | undefined;
  #routeSet: RouteSetInfo | undefined;
  /** The message the latest `rrs` recv matched, its route set not read yet. */
  #routeSetPending: SipMessage | undefined;
  #authChallenge: CallState["authChallenge"];
  #invite: InviteProgress = "none";
  #info: DialogInfo | undefined;
  /**
   * Without trickle, nothing reads the dialog until a call is aborted, so its messages' bytes are kept, in order, and
   * parsed and applied only when it is read (#settle): the INVITEs we sent and the INVITE responses received.
   */
  #unsettled: Unsettled[] | undefined;

  constructor(opts: CallDialogOptions) {
    this.#outgoing = opts.direction === "outgoing";
    this.#trickle = opts.trickle;
    this.#cseq = opts.baseCseq - 1;
  }

  /** [cseq]: the CSeq of our latest request (-base_cseq minus one before the first). */
  get cseq(): number {
    return this.#cseq;
  }

  /** [peer_tag_param]: the To tag of the latest response that matched a recv step. */
  get peerTag(): string | undefined {
    return this.#peerTag;
  }

  /** [routes], [next_url]: the route set the latest `rrs` recv stored. */
  get routeSet(): RouteSetInfo | undefined {
    if (this.#routeSetPending !== undefined) {
      this.#routeSet = routeSetFrom(this.#routeSetPending);
      this.#routeSetPending = undefined;
    }
    return this.#routeSet;
  }

  /** [authentication]: the challenge the latest `auth` recv stored. */
  get authChallenge(): CallState["authChallenge"] {
    return this.#authChallenge;
  }

  get invite(): InviteProgress {
    return this.#invite;
  }

  /** Our tag as the UAS, once a response to the peer's INVITE went out (trickle runs only). */
  get localTag(): string | undefined {
    return this.#settle()?.localTag;
  }

  /** RFC 8840 4.1: a message of the dialog said `Supported: trickle-ice` or `a=ice-options:trickle`. */
  get peerTrickles(): boolean {
    return this.#settle()?.peerTrickles === true;
  }

  /**
   * RFC 3261 12.2.1.1: a new request within the dialog takes the local sequence number plus one. SIPp behaviour:
   * every request but ACK and CANCEL (they repeat the CSeq of the request they answer or cancel). Returns the CSeq.
   */
  newRequest(): number {
    return ++this.#cseq;
  }

  /** A send rendered with a new CSeq turned out to be an ACK, a CANCEL or a response: the CSeq is given back. */
  takeBackRequest(): void {
    this.#cseq--;
  }

  /** We sent a request (its rendered bytes): an INVITE starts the INVITE transaction and, the first, the dialog. */
  onSentRequest(method: string, data: Buffer): void {
    if (method !== "INVITE") return;
    this.#invite = "sent";
    if (this.#trickle !== undefined) this.#noteSent(data);
    // Once the dialog exists, a later INVITE of ours does not change it.
    else if (this.#info === undefined) this.#keep(data, true);
  }

  /** We sent a response: in a trickle run, a response to the peer's INVITE gives our tag (RFC 3261 12.1.1). */
  onSentResponse(data: Buffer): void {
    if (this.#trickle !== undefined) this.#noteSent(data);
  }

  /** A request from the peer matched recv `step`: its route set (`rrs`), and in a trickle run the dialog. */
  onRequest(message: SipMessage, step: RecvOptions): void {
    if (step.rrs) this.#routeSetPending = message;
    if (this.#trickle !== undefined) this.#note(message, false);
  }

  /**
   * A response matched recv `step`: its To tag, the INVITE transaction's progress, the route set (`rrs`), the
   * challenge (`auth`), and the dialog it creates or confirms.
   */
  onResponse(message: SipMessage, step: RecvOptions): void {
    this.#peerTag = message.toTag() ?? this.#peerTag;
    const invite = message.cseq?.method === "INVITE";
    if (invite) {
      if (message.status < 200) {
        if (this.#invite === "sent") this.#invite = "provisional";
      } else {
        this.#invite = message.status < 300 ? "established" : "rejected";
      }
    }
    if (step.rrs) this.#routeSetPending = message;
    if (step.auth && (message.status === 401 || message.status === 407)) {
      const header = message.status === 401 ? "WWW-Authenticate" : "Proxy-Authenticate";
      // RFC 8760 2.4: of several challenges, the strongest algorithm we support.
      const value = selectChallengeValue(message.headerAll(header));
      if (value !== undefined) this.#authChallenge = { header, value };
    }
    if (this.#trickle !== undefined) this.#note(message, false);
    // What #note would do without trickle: an INVITE response once an INVITE went out (applied by #settle).
    else if (invite && dialogResponse(message.status)) {
      if (this.#unsettled !== undefined) this.#keep(message.raw, false);
      else if (this.#info !== undefined) this.#note(message, false);
    }
  }

  /** The dialog as seen from our side, enough to build a request within it; undefined before it exists. */
  view(): DialogView | undefined {
    const info = this.#settle();
    return info === undefined ? undefined : dialogView(info, this.#outgoing);
  }

  /** RFC 3261 9.1: a CANCEL has the INVITE's Request-URI and Route; undefined when no INVITE went out. */
  inviteRequest(): { readonly requestUri: string; readonly route: string | undefined } | undefined {
    const info = this.#settle();
    if (info === undefined) return undefined;
    return {
      requestUri: info.inviteUri,
      route: info.inviteRoute.length === 0 ? undefined : info.inviteRoute.join(", "),
    };
  }

  /** The call ended: nothing reads its dialog again, what the messages made of it goes. */
  release(): void {
    this.#routeSetPending = undefined;
    this.#routeSet = undefined;
    this.#unsettled = undefined;
    this.#info = undefined;
  }

  /** The dialog, once the messages kept for it are applied in the order they went out and came in. */
  #settle(): DialogInfo | undefined {
    const unsettled = this.#unsettled;
    if (unsettled !== undefined) {
      this.#unsettled = undefined;
      for (const { data, sent } of unsettled) {
        const parsed = parseSipMessage(data);
        if (parsed.ok) this.#note(parsed.message, sent);
      }
    }
    return this.#info;
  }

  #keep(data: Buffer, sent: boolean): void {
    const unsettled = (this.#unsettled ??= []);
    if (unsettled.push({ data, sent }) >= MAX_UNSETTLED) this.#settle();
  }

  #noteSent(data: Buffer): void {
    const parsed = parseSipMessage(data);
    if (parsed.ok) this.#note(parsed.message, true);
  }

  /** The INVITE, its responses and support for trickle, from a message we sent or received. */
  #note(message: SipMessage, sent: boolean): void {
    if (message.kind === "request" && message.method === "INVITE" && this.#info === undefined) {
      this.#info = dialogInfoFromInvite(message, sent);
    }
    const info = this.#info;
    if (info === undefined) return;
    if (!sent && this.#trickle !== undefined && announcesTrickle(message)) info.peerTrickles = true;
    if (message.kind === "response" && message.cseq?.method === "INVITE") noteInviteResponse(info, message, sent);
    this.#trickle?.flush();
  }
}
