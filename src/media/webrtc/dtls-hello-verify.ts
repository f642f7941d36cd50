/**
 * werift 0.25.2 adapter: as DTLS client, a repeated HelloVerifyRequest no longer fails the handshake.
 * RFC 6347 4.2.1: the server answers a ClientHello without a valid cookie with a HelloVerifyRequest, and a
 * retransmitted ClientHello may get another one (OpenSSL-based relays answer every such ClientHello; a server whose
 * ServerHello flight was lost or delayed sees our retransmissions). werift's Flight3 throws a bare `Error()` when a
 * second HelloVerifyRequest arrives, the DTLS transport fails and the call ends `dtls_failed`.
 * RFC 6347 4.2.4: a retransmitted flight from the peer is answered by retransmitting our last flight. So a
 * HelloVerifyRequest that arrives once our ClientHello with the cookie is out is answered with that ClientHello
 * again (the same message_seq, RFC 6347 4.2.2), and the rest of the datagram is handled as before.
 * Upstream fix: in DtlsClient's hello_verify_request case, retransmit flight 3 when `dtls.flight >= 3`.
 */
import type { RTCDtlsTransport } from "werift";

/** werift's assembled handshake message (FragmentedHandshake, not exported by werift). */
interface FragmentedHandshake {
  readonly msg_type: number;
}

/** RFC 6347 4.3.2: HandshakeType hello_verify_request(3), client_hello(1). */
const HELLO_VERIFY_REQUEST = 3;
const CLIENT_HELLO = 1;
const HANDSHAKE_RECORD = 22;

interface ClientSocketLike {
  onHandleHandshakes: (assembled: FragmentedHandshake[]) => Promise<void>;
  readonly transport: { send: (buf: Buffer) => unknown };
  /** werift's DtlsContext; `flight` is the last flight sent or handled (undefined before the first). */
  readonly dtls: { flight: number | undefined };
}

function isClientSocket(value: unknown): value is ClientSocketLike {
  if (typeof value !== "object" || value === null) return false;
  const socket = value as Partial<ClientSocketLike>;
  return (
    typeof socket.onHandleHandshakes === "function" &&
    typeof socket.transport?.send === "function" &&
    typeof socket.dtls === "object"
  );
}

/** The datagram carries a plaintext ClientHello (epoch 0). */
function isClientHello(datagram: Buffer): boolean {
  return datagram[0] === HANDSHAKE_RECORD && datagram.readUInt16BE(3) === 0 && datagram[13] === CLIENT_HELLO;
}

export function tolerateRepeatedHelloVerify(transport: RTCDtlsTransport): () => void {
  const state = transport.onStateChange.subscribe((next) => {
    if (next !== "connecting" || transport.role !== "client") return;
    // werift creates its DtlsClient synchronously after "connecting".
    queueMicrotask(() => {
      const socket: unknown = transport.dtls;
      if (isClientSocket(socket)) patch(socket);
    });
  });
  return () => {
    state.unSubscribe();
  };
}

function patch(socket: ClientSocketLike): void {
  let lastClientHello: Buffer | undefined;
  let helloCount = 0;
  const context = socket.transport;
  const send = context.send.bind(context);
  context.send = (buf: Buffer): unknown => {
    if (isClientHello(buf)) {
      lastClientHello = buf;
      helloCount++;
    }
    return send(buf);
  };
  const handle = socket.onHandleHandshakes;
  socket.onHandleHandshakes = async (assembled: FragmentedHandshake[]): Promise<void> => {
    const repeated = assembled.some((h) => h.msg_type === HELLO_VERIFY_REQUEST) && (socket.dtls.flight ?? 0) >= 3;
    if (!repeated) return handle(assembled);
    // Our ClientHello with the cookie (the second one sent) went out: the server asks again, we answer again.
    if (lastClientHello !== undefined && helloCount >= 2) send(lastClientHello);
    const rest = assembled.filter((h) => h.msg_type !== HELLO_VERIFY_REQUEST);
    if (rest.length > 0) await handle(rest);
  };
}
