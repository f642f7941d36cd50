/**
 * The failure class of a connection that could not be opened or was lost. TCP keeps SIPp's own counters
 * (FailedTcpConnect, FailedTcpClosed: same names in the stat CSV as in SIPp's); TLS, WS and WSS report
 * `transport_error`, whose reason says what happened (docs/call-records.md "Failure classes").
 */
import type { FailureClass } from "../../shared/failure.js";
import type { TransportName } from "../../sip/transport.js";

export function connectFailureClass(transport: TransportName): FailureClass {
  return transport === "TCP" ? "tcp_connect" : "transport_error";
}

/** A message could not be sent, or a message was awaited, on a connection that is gone. */
export function closedFailureClass(transport: TransportName): FailureClass {
  if (transport === "UDP") return "cannot_send_message";
  return transport === "TCP" ? "tcp_closed" : "transport_error";
}
