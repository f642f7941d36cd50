/**
 * Keeps the peer's first DTLS flight (werift 0.25.2 adapter). werift's RTCDtlsTransport subscribes to the ICE
 * connection's data only in `start()`, which runs after `iceTransport.start()` resolves (peerConnection.connect);
 * the ICE agent resolves that only after its 20 ms check-scheduling loop and its check-list queue, and only once our
 * own answer/nomination is done. Until then `Connection.onData` has no DTLS listener, so a ClientHello from a peer
 * that starts DTLS the moment its ICE check succeeds (rtpengine, Chromium; RFC 8842 5: the active side "MUST
 * initiate a DTLS handshake" once connectivity exists) is dropped, and the handshake waits for the peer's
 * retransmission (RFC 6347 4.2.4.1: 1 s, then 2 s ...).
 *
 * This buffer listens on the ICE connection from the start, keeps DTLS records (RFC 7983 demultiplexing: first
 * byte 20..63) while the DTLS transport is "new", and replays them through the same `onData` event once werift
 * has created its DTLS socket ("connecting" is emitted just before, synchronously; the socket exists one microtask
 * later). Records werift saw itself are not replayed twice: buffering stops at "connecting".
 * Upstream fix: subscribe the DTLS transport to `connection.onData` when the transport is created and queue records
 * until the DtlsSocket exists.
 */
import type { RTCDtlsTransport } from "werift";

/** More than any first flight (a ClientHello with a certificate fits in a few datagrams). */
const MAX_BUFFERED = 16;

/** RFC 7983 7: DTLS records start with a content type byte in 20..63. */
export function isDtlsRecord(datagram: Buffer): boolean {
  const first = datagram[0];
  return first !== undefined && first >= 20 && first <= 63;
}

export class EarlyDtlsBuffer {
  readonly #held: Buffer[] = [];
  #buffering = true;
  #replayed = 0;
  readonly #unsubscribe: () => void;

  constructor(transport: RTCDtlsTransport) {
    const connection = transport.iceTransport.connection;
    const data = connection.onData.subscribe((datagram) => {
      if (this.#buffering && transport.state === "new" && isDtlsRecord(datagram)) {
        if (this.#held.length < MAX_BUFFERED) this.#held.push(datagram);
      }
    });
    const state = transport.onStateChange.subscribe((next) => {
      if (next !== "connecting" || !this.#buffering) return;
      this.#buffering = false;
      queueMicrotask(() => {
        const held = this.#held.splice(0);
        // werift's DtlsSocket exists now and listens on the same event; it is the only other DTLS listener.
        if (transport.dtls === undefined) return;
        for (const datagram of held) {
          this.#replayed++;
          connection.onData.execute(datagram);
        }
      });
    });
    this.#unsubscribe = () => {
      data.unSubscribe();
      state.unSubscribe();
    };
  }

  /** Datagrams that arrived before werift listened and were handed to its DTLS socket afterwards. */
  get replayed(): number {
    return this.#replayed;
  }

  close(): void {
    this.#buffering = false;
    this.#held.length = 0;
    this.#unsubscribe();
  }
}
