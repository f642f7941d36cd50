/**
 * SIPp's abortCall: a call that fails or times out is not left hanging at the peer — a ringing INVITE is
 * cancelled, an established one gets a BYE (client side only, as SIPp does). The messages are the scenario's
 * `<DefaultMessage>` overrides or the defaults.
 */
import { RenderError, renderMessage } from "../scenario/render-message.js";
import type { Call } from "./call.js";

/** SIPp's abortCall: CANCEL a ringing INVITE, BYE an established one (client side). */
export function abortCall(call: Call): void {
  if (call.ended || call.direction !== "outgoing") return;
  const ctx = call.ctx;
  const template =
    call.invite === "provisional" ? ctx.defaults.cancel : call.invite === "established" ? ctx.defaults.bye : undefined;
  if (template === undefined) return;
  if (template === ctx.defaults.bye) call.cseq++;
  let data: Buffer;
  try {
    data = renderMessage(template, call);
  } catch (error) {
    // The call is failing already; a default message that cannot be built is reported with it.
    if (!(error instanceof RenderError)) throw error;
    ctx.warning(`call ${call.callNumber}: cannot build the abort message: ${error.message}`);
    return;
  }
  ctx.transmit(call, data, call.connection, call.peer);
}
