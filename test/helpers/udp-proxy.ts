/**
 * A UDP proxy between two WebRTC peers on 127.0.0.1 that passes, drops or delays chosen datagrams
 * deterministically (by kind and count, never at random): side "a" sends to `facingA`, side "b" to `facingB`.
 * `rewrite` points an SDP's host candidates at the proxy socket the other side must use.
 * Every delay is bounded; `close()` cancels the pending ones.
 */
import { createSocket, type Socket } from "node:dgram";

export type ProxySide = "a" | "b";

/** RFC 7983 demultiplexing of one datagram. */
export type DatagramKind = "stun-request" | "stun-response" | "stun-other" | "dtls" | "media" | "other";

export interface ProxiedDatagram {
  /** The side that will receive it. */
  readonly to: ProxySide;
  readonly kind: DatagramKind;
  readonly data: Buffer;
}

export type ProxyVerdict = "pass" | "drop" | { readonly delayMs: number };

export function datagramKind(data: Buffer): DatagramKind {
  const first = data[0] ?? 0;
  if (first <= 3) {
    const type = data.readUInt16BE(0);
    if (type === 0x0001) return "stun-request";
    if (type === 0x0101) return "stun-response";
    return "stun-other";
  }
  if (first >= 20 && first <= 63) return "dtls";
  if (first >= 128 && first <= 191) return "media";
  return "other";
}

/** DTLS handshake message types in the records of one datagram (RFC 6347 4.1, 4.2.2; encrypted ones read as -1). */
export function dtlsHandshakeTypes(data: Buffer): number[] {
  const types: number[] = [];
  let offset = 0;
  while (offset + 13 <= data.length) {
    const contentType = data[offset];
    const epoch = data.readUInt16BE(offset + 3);
    const length = data.readUInt16BE(offset + 11);
    if (contentType === 22) types.push(epoch === 0 ? (data[offset + 13] ?? -1) : -1);
    if (contentType === 20) types.push(-20);
    offset += 13 + length;
  }
  return types;
}

export class UdpProxy {
  readonly #sockets: Record<ProxySide, Socket>;
  readonly #targets: Partial<Record<ProxySide, number>> = {};
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #verdict: (datagram: ProxiedDatagram) => ProxyVerdict;
  /** Every datagram seen, in order of arrival at the proxy. */
  readonly log: ProxiedDatagram[] = [];

  private constructor(sockets: Record<ProxySide, Socket>, verdict: (datagram: ProxiedDatagram) => ProxyVerdict) {
    this.#sockets = sockets;
    this.#verdict = verdict;
    // A datagram side "a" sends to facingA goes out of facingB to side "b", and the other way round.
    this.#sockets.a.on("message", (data) => {
      this.#forward(data, "b");
    });
    this.#sockets.b.on("message", (data) => {
      this.#forward(data, "a");
    });
  }

  static async open(verdict: (datagram: ProxiedDatagram) => ProxyVerdict = () => "pass"): Promise<UdpProxy> {
    const bind = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = createSocket("udp4");
        socket.once("error", reject);
        socket.bind(0, "127.0.0.1", () => {
          resolve(socket);
        });
      });
    return new UdpProxy({ a: await bind(), b: await bind() }, verdict);
  }

  /**
   * The SDP `from` side wrote, for the other side: its 127.0.0.1 host candidate (and m= port) now name the proxy
   * socket facing the other side, and the proxy learns where `from` listens.
   */
  rewrite(sdp: string, from: ProxySide): string {
    const other: ProxySide = from === "a" ? "b" : "a";
    const proxyPort = this.#sockets[other].address().port;
    return sdp
      .replace(
        /^(a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 )(\d+)( typ host.*)$/gm,
        (_line, head: string, port: string, tail: string) => {
          this.#targets[from] = Number(port);
          return `${head}${proxyPort}${tail}`;
        },
      )
      .replace(/^a=candidate:.* 2 udp .*\r?\n/gm, "");
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#sockets.a.close();
    this.#sockets.b.close();
  }

  #forward(data: Buffer, to: ProxySide): void {
    const datagram: ProxiedDatagram = { to, kind: datagramKind(data), data };
    this.log.push(datagram);
    const verdict = this.#verdict(datagram);
    if (verdict === "drop") return;
    const send = (): void => {
      const port = this.#targets[to];
      if (port === undefined) return;
      // From the socket facing the receiver, so it sees the address its SDP names for the other side.
      this.#sockets[to].send(data, port, "127.0.0.1");
    };
    if (verdict === "pass") {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      send();
    }, verdict.delayMs);
    this.#timers.add(timer);
  }
}
