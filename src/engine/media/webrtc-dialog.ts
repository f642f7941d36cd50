/**
 * The dialog of a call as the INVITE transaction sets it up, for the requests the engine builds itself (trickle
 * INFO, RFC 8840; the CANCEL and BYE of an aborted call): the tags, the remote target and the route set, and whether
 * the peer supports trickle. RFC 3261 9.1: a CANCEL carries the Route of the INVITE it cancels (`inviteRoute`).
 * - RFC 3261 12.1.1 (UAS): the route set is the INVITE's Record-Route in order, the remote target its Contact;
 * - RFC 3261 12.1.2 (UAC): the Record-Route of the response that creates the (early) dialog, reversed, and its
 *   Contact; 13.2.2.4: "the route set is recomputed based on the 2xx" when the early dialog is confirmed;
 * - RFC 3261 12.2.1.1: a request within the dialog has the remote target as Request-URI and the route set as Route
 *   (loose routing; a strict first hop becomes the Request-URI, see routeView).
 * - RFC 8840 4.1: the peer supports trickle when a message of the dialog says `Supported: trickle-ice` or its SDP
 *   has `a=ice-options:trickle`.
 * The functions here read and build the dialog from messages; the call's CallDialog (engine/call/call-dialog.ts)
 * keeps it and applies them as messages go out and come in.
 */
import type { SipMessage } from "../../sip/message.js";
import { routeView } from "../../scenario/dialog-keywords.js";
import type { RouteSetInfo } from "../../scenario/runtime.js";

/** What the INVITE transaction tells about the dialog (kept by the call's CallDialog). */
export interface DialogInfo {
  readonly inviteUri: string;
  /** From and To header values of the INVITE, To without a tag. */
  readonly inviteFrom: string;
  readonly inviteTo: string;
  /** The Route header values of the INVITE (ours, as a UAC): a CANCEL repeats them. */
  readonly inviteRoute: readonly string[];
  remoteTarget: string | undefined;
  peerTag: string | undefined;
  localTag: string | undefined;
  /** The Record-Route the route set comes from (as received) and whether it came in a request (UAS). */
  recordRoute: readonly string[];
  readonly fromRequest: boolean;
  /** The peer said `Supported: trickle-ice` or `a=ice-options:trickle` (RFC 8840 4.1). */
  peerTrickles: boolean;
}

/** The dialog as seen from our side, enough to build a request within it. */
export interface DialogView {
  readonly requestUri: string;
  /** The Route header value (`<a;lr>, <b;lr>`), undefined without a route set. */
  readonly route: string | undefined;
  /** Our From header value (with our tag) and the peer's (with its tag) as To. */
  readonly from: string;
  readonly to: string;
}

/**
 * UAC — our INVITE's From and To, the To tag of the peer's response and its Contact as the target; UAS — the
 * INVITE's To (plus the tag we sent) and From, and its Contact as the target. Undefined before a dialog exists.
 */
export function dialogView(d: DialogInfo, outgoing: boolean): DialogView | undefined {
  const tag = outgoing ? d.peerTag : d.localTag;
  if (tag === undefined) return undefined;
  const target = d.remoteTarget ?? d.inviteUri;
  const rs: RouteSetInfo = { recordRoute: d.recordRoute, contact: target, fromRequest: d.fromRequest };
  const view = routeView(rs);
  const requestUri = view.nextUrl === "" ? target : view.nextUrl;
  return outgoing
    ? { requestUri, route: view.route, from: d.inviteFrom, to: `${d.inviteTo};tag=${tag}` }
    : { requestUri, route: view.route, from: `${d.inviteTo};tag=${tag}`, to: d.inviteFrom };
}

/** The dialog an INVITE starts, sent by us (UAC) or received (UAS); undefined without From or To. */
export function dialogInfoFromInvite(invite: SipMessage, sent: boolean): DialogInfo | undefined {
  if (invite.kind !== "request") return undefined;
  const from = invite.header("From");
  const to = invite.header("To");
  if (from === undefined || to === undefined) return undefined;
  return {
    inviteUri: invite.requestUri,
    inviteFrom: from.trim(),
    inviteTo: to.replace(/;\s*tag=[^;>\s]*/i, "").trim(),
    inviteRoute: invite.headerAll("Route"),
    remoteTarget: sent ? undefined : contactUri(invite),
    peerTag: undefined,
    localTag: undefined,
    recordRoute: sent ? [] : invite.headerAll("Record-Route"),
    fromRequest: !sent,
    peerTrickles: false,
  };
}

/** A response to the INVITE, sent (our tag) or received (the peer's tag, route set and target). */
export function noteInviteResponse(dialog: DialogInfo, message: SipMessage, sent: boolean): void {
  if (message.status < 101 || message.status >= 300) return;
  const tag = message.toTag();
  if (sent) {
    dialog.localTag ??= tag;
    return;
  }
  if (tag === undefined) return;
  // The first response with a tag sets the early dialog's route set; the 2xx sets the confirmed dialog's.
  const first = dialog.peerTag === undefined;
  dialog.peerTag ??= tag;
  if (tag !== dialog.peerTag) return;
  if (first || message.status >= 200) dialog.recordRoute = message.headerAll("Record-Route");
  dialog.remoteTarget = contactUri(message) ?? dialog.remoteTarget;
}

/** RFC 8840 4.1: `Supported: trickle-ice`, or an SDP body with `a=ice-options:` naming `trickle`. */
export function announcesTrickle(message: SipMessage): boolean {
  const supported = message.headerAll("Supported").flatMap((value) => value.split(","));
  if (supported.some((token) => token.trim().toLowerCase() === "trickle-ice")) return true;
  return /^a=ice-options:[^\r\n]*\btrickle\b/im.test(message.body.toString("latin1"));
}

function contactUri(message: SipMessage): string | undefined {
  const contact = message.header("Contact");
  if (contact === undefined) return undefined;
  return /<([^>]*)>/.exec(contact)?.[1] ?? contact.split(";")[0]?.trim();
}
