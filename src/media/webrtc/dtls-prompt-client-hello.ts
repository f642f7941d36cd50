/**
 * werift 0.25.2 adapter: as DTLS client we send our ClientHello the moment our DTLS transport starts, right after
 * ICE connected, not 100 ms later. werift's RTCDtlsTransport.start() creates its DtlsClient and then
 * `await setTimeout(100)` before `dtls.connect()` (Flight1: the ClientHello), a fixed pause on every call where we
 * are the DTLS client (we answer a=setup:actpass as active, or our offer is answered passive): ICE connected -> DTLS
 * connected took 108-135 ms on loopback, against 15-40 ms as DTLS server. RFC 8842 5: the active side initiates the
 * handshake once connectivity exists; nothing asks for a pause.
 * werift's pause gives a werift peer time to start its own DTLS transport (werift drops DTLS records that arrive
 * before it, see early-dtls-buffer.ts). So the pause is kept as a safety net instead of a gate: when werift's own
 * connect() comes (100 ms later) and nothing has come back from the peer yet, our ClientHello goes out once more
 * (dtls-fresh-records.ts gives it new record sequence numbers), so such a peer is no slower than before; a peer that
 * answered already sees nothing more. werift's connect() returns the first flight's promise, so its error handling
 * (state "failed") is unchanged.
 * Upstream fix: call `dtls.connect()` in RTCDtlsTransport.start() without the `setTimeout(100)`, and have the DTLS
 * transport listen to the ICE connection from its creation so that no peer needs the pause.
 */
import type { RTCDtlsTransport } from "werift";
import { createLogger } from "../../shared/logger.js";
import { isDtlsRecord } from "./early-dtls-buffer.js";

const log = createLogger("media.webrtc");

/** werift's DtlsClient (its typings do not show `transport` and `dtls`). */
interface ClientSocketLike {
  connect: () => Promise<void>;
  readonly transport: { send: (buf: Buffer) => unknown };
  /** werift's DtlsContext: the last flight sent or handled. */
  readonly dtls: { flight: number | undefined };
}

function isClientSocket(value: unknown): value is ClientSocketLike {
  if (typeof value !== "object" || value === null) return false;
  const socket = value as Partial<ClientSocketLike>;
  return typeof socket.connect === "function" && typeof socket.transport?.send === "function";
}

/** Makes `transport`, when it is the DTLS client, send its ClientHello at once. Returns the unsubscriber. */
export function promptClientHello(transport: RTCDtlsTransport): () => void {
  let answered = false;
  const data = transport.iceTransport.connection.onData.subscribe((datagram) => {
    if (transport.state === "connecting" && isDtlsRecord(datagram)) answered = true;
  });
  const state = transport.onStateChange.subscribe((next) => {
    if (next !== "connecting" || transport.role !== "client") return;
    // werift creates its DtlsClient synchronously after "connecting", then pauses 100 ms before connect().
    queueMicrotask(() => {
      const socket: unknown = transport.dtls;
      if (isClientSocket(socket)) patch(transport, socket, () => answered);
    });
  });
  return () => {
    state.unSubscribe();
    data.unSubscribe();
  };
}

function patch(transport: RTCDtlsTransport, socket: ClientSocketLike, answered: () => boolean): void {
  const context = socket.transport;
  const send = context.send.bind(context);
  let hello: Buffer | undefined;
  context.send = (buf: Buffer): unknown => {
    hello ??= buf;
    return send(buf);
  };
  const first = socket.connect();
  // werift attaches its own handler when it calls connect() after its pause (below).
  first.catch(() => undefined);
  socket.connect = (): Promise<void> => {
    if (hello !== undefined && !answered() && socket.dtls.flight === 1 && transport.state === "connecting") {
      log.debug("no answer to our ClientHello yet: sending it again at werift's own start");
      context.send(hello);
    }
    return first;
  };
}
