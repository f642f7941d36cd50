/**
 * What the engine sees of a transport: connections that send bytes, and handlers that receive parsed messages.
 * A UDP socket (shared `u1` or per call `un`) and a TCP connection are both a {@link SipConnection}.
 */
import type { SipMessage } from "./message.js";

/** An IP literal and port. */
export interface Peer {
  readonly host: string;
  readonly port: number;
}

/** As SIPp prints it in Via and [transport] (TRANSPORT_TO_STRING), plus WS / WSS (RFC 7118). */
export type TransportName = "UDP" | "TCP" | "TLS" | "WS" | "WSS";

/**
 * True for every connection-oriented transport (TCP, TLS, WS, WSS): reliable, so no retransmissions (RFC 3261
 * 17.1.1.2: Timer A only for unreliable transports), and a lost connection fails its calls.
 */
export function isStreamTransport(name: TransportName): boolean {
  return name !== "UDP";
}

/** A UDP socket (shared or per-call) or one TCP connection. */
export interface SipConnection {
  readonly id: number;
  readonly transport: TransportName;
  /** Bound address/port. */
  readonly local: Peer;
  /** TCP: the connected peer; UDP: undefined. */
  readonly remote: Peer | undefined;
  readonly closed: boolean;
  /**
   * Bytes accepted by send() but not yet handed to the kernel: always 0 on UDP; on TCP, what waits behind a full
   * socket buffer (back-pressure). Used for SIPp's send timeouts.
   */
  readonly pendingBytes: number;
  /**
   * Sends one message. UDP: to `to`; TCP: `to` ignored. Returns false if it could not be sent (closed socket,
   * synchronous error); send errors are never thrown.
   */
  send(data: Buffer, to: Peer): boolean;
  close(): void;
}

export interface TransportHandlers {
  onMessage(message: SipMessage, from: Peer, connection: SipConnection): void;
  onParseError(error: string, raw: Buffer, from: Peer, connection: SipConnection): void;
  /** The peer closed a TCP connection or it failed. Not called for a close() made locally. */
  onConnectionClosed?(connection: SipConnection, error: Error | undefined): void;
  /**
   * A send that was accepted (send() returned true) failed later in the kernel, e.g. EMSGSIZE or ENOBUFS on UDP.
   * When absent, such errors are logged as warnings: on UDP they are equivalent to packet loss, which the
   * retransmission timers cover (RFC 3261 17.1).
   */
  onSendError?(connection: SipConnection, error: Error): void;
  /**
   * A stream server shed a connection (connection-limits.ts): "refused" beyond --max-connections, "idle" closed
   * after --idle-timeout without traffic (an idle close is also reported by onConnectionClosed).
   */
  onConnectionShed?(reason: ConnectionShedReason, remote: Peer): void;
  /** True while a call still uses `connection`: an idle accepted connection is then kept (a long call is quiet). */
  connectionInUse?(connection: SipConnection): boolean;
}

export type ConnectionShedReason = "refused" | "idle";

export interface BindOptions {
  address: string;
  port: number;
  /** -buff_size: SO_RCVBUF and SO_SNDBUF for UDP sockets. */
  bufferSize?: number | undefined;
}

let nextConnectionId = 1;

/** A process-wide unique connection id. */
export function allocateConnectionId(): number {
  return nextConnectionId++;
}

/** True for a datagram or stream chunk that only holds CR/LF (a keep-alive), which is not a parse error. */
export function isOnlyLineEnds(buf: Buffer): boolean {
  for (const byte of buf) if (byte !== 0x0d && byte !== 0x0a) return false;
  return buf.length > 0;
}
