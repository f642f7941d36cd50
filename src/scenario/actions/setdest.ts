/**
 * `<setdest host="[field0]" port="5060" protocol="udp"/>`: change this call's peer (SIPp E_AT_SET_DEST). All three
 * attributes expand keywords. SIPp behaviour: a port that is not a number or a protocol other than udp, tcp, tls or
 * sctp (lower or upper case) is a fatal error; switching protocols is refused by the engine.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import type { ActionResult } from "../runtime.js";
import { ACTION_OK } from "../runtime.js";
import { renderText } from "../render-message.js";
import { parseCDouble } from "../c-double.js";
import { fatalResult } from "./fatal-result.js";

export const SETDEST_ATTRIBUTES = ["host", "port", "protocol"] as const;

const PROTOCOLS = ["udp", "UDP", "tcp", "TCP", "tls", "TLS", "sctp", "SCTP"];

export function buildSetdest(a: ActionAttributes): Action | undefined {
  const host = a.text("host");
  const port = a.text("port");
  const protocol = a.text("protocol");
  if (a.failed || host === undefined || port === undefined || protocol === undefined) return undefined;
  return {
    name: "setdest",
    loc: a.loc,
    execute: (h): ActionResult => {
      const portText = renderText(port, h.state);
      const portNumber = parseCDouble(portText);
      if (portNumber === undefined) return fatalResult(h, `invalid port for setdest: ${portText}`);
      const protocolText = renderText(protocol, h.state);
      if (!PROTOCOLS.includes(protocolText)) {
        return fatalResult(h, `unknown transport for setdest: '${protocolText}'`);
      }
      h.setDestination(renderText(host, h.state), Math.trunc(portNumber), protocolText.toUpperCase());
      return ACTION_OK;
    },
  };
}
