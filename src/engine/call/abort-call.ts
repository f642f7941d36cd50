/**
 * SIPp's abortCall: a call that fails or times out is not left hanging at the peer — a ringing INVITE is
 * cancelled, an established one gets a BYE (client side only, as SIPp does). The messages are the scenario's
 * `<DefaultMessage>` overrides or the defaults. The defaults follow the dialog as RFC 3261 asks (a scenario's own
 * `<DefaultMessage>` is sent as written):
 * - 9.1: the CANCEL has the INVITE's Request-URI and "MUST include that Route header field's values";
 * - 12.2.1.1: the BYE goes to the remote target (the 2xx's Contact) along the route set (its Record-Route reversed).
 */
import { RenderError, renderMessage } from "../../scenario/render-message.js";
import type { Call } from "./call.js";

/** SIPp's abortCall: CANCEL a ringing INVITE, BYE an established one (client side). */
export function abortCall(call: Call): void {
  if (call.ended || call.direction !== "outgoing") return;
  const ctx = call.ctx;
  const invite = call.dialog.invite;
  const kind = invite === "provisional" ? "cancel" : invite === "established" ? "bye" : undefined;
  if (kind === undefined) return;
  const template = ctx.defaults[kind];
  if (kind === "bye") call.dialog.newRequest();
  let data: Buffer;
  try {
    data = renderMessage(template, call);
  } catch (error) {
    // The call is failing already; a default message that cannot be built is reported with it.
    if (!(error instanceof RenderError)) throw error;
    ctx.warning(`call ${call.callNumber}: cannot build the abort message: ${error.message}`);
    return;
  }
  if (!ctx.scenario.defaultMessages.has(kind)) data = withinDialog(call, kind, data);
  ctx.transmit(call, data, call.connection, call.peer);
}

/** The built-in CANCEL or BYE with the Request-URI and Route the dialog calls for. */
function withinDialog(call: Call, kind: "cancel" | "bye", data: Buffer): Buffer {
  const target = kind === "cancel" ? call.dialog.inviteRequest() : call.dialog.view();
  if (target === undefined) return data;
  const { requestUri, route } = target;
  const text = data.toString("latin1");
  const eol = text.indexOf("\r\n");
  if (eol < 0) return data;
  const method = kind === "cancel" ? "CANCEL" : "BYE";
  const routeLine = route === undefined || /\r\nRoute:/i.test(text) ? "" : `\r\nRoute: ${route}`;
  return Buffer.from(`${method} ${requestUri} SIP/2.0${routeLine}${text.slice(eol)}`, "latin1");
}
