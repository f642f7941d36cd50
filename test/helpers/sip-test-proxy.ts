/**
 * A tiny stateless SIP proxy over UDP on 127.0.0.1 for tests, standing where a Kamailio stands in front of a UAS:
 * the first client to send becomes side "uac", everything it sends goes to the UAS and everything the UAS sends goes
 * back to it. The initial INVITE gets `Record-Route: <sip:127.0.0.1:PORT;lr>` (RFC 3261 16.6 step 4). INFO requests
 * from the UAC can be answered here instead (`info: 405` or `"drop"`: never answered), as a far end that does not
 * know INFO would. Every message is kept (`seen`) in the order it arrived.
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";

export interface SipTestProxyOptions {
  readonly uas: { readonly host: string; readonly port: number };
  /** What happens to the UAC's INFO requests: forwarded (default), refused with this status, or dropped. */
  readonly info?: "forward" | "drop" | number;
}

export interface SeenMessage {
  readonly from: "uac" | "uas";
  readonly text: string;
}

export class SipTestProxy {
  readonly seen: SeenMessage[] = [];
  /** The proxy's own port (what the UAC calls). */
  readonly port: number;
  readonly #socket: Socket;
  readonly #options: SipTestProxyOptions;
  #uac: RemoteInfo | undefined;
  #recordRouted = false;

  private constructor(socket: Socket, options: SipTestProxyOptions) {
    this.#socket = socket;
    this.#options = options;
    this.port = socket.address().port;
    socket.on("message", (data, rinfo) => {
      this.#onMessage(data, rinfo);
    });
  }

  static async open(options: SipTestProxyOptions): Promise<SipTestProxy> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve();
      });
    });
    return new SipTestProxy(socket, options);
  }

  /** The messages of one side whose first line matches. */
  messages(from: "uac" | "uas", firstLine: RegExp): string[] {
    return this.seen.filter((m) => m.from === from && firstLine.test(m.text.split("\r\n")[0] ?? "")).map((m) => m.text);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #onMessage(data: Buffer, rinfo: RemoteInfo): void {
    const uas = this.#options.uas;
    const fromUas = rinfo.address === uas.host && rinfo.port === uas.port;
    let text = data.toString("latin1");
    this.seen.push({ from: fromUas ? "uas" : "uac", text });
    if (fromUas) {
      if (this.#uac !== undefined) this.#socket.send(data, this.#uac.port, this.#uac.address);
      return;
    }
    this.#uac ??= rinfo;
    const info = this.#options.info ?? "forward";
    if (text.startsWith("INFO ") && info !== "forward") {
      if (typeof info === "number") this.#socket.send(Buffer.from(refusal(text, info)), rinfo.port, rinfo.address);
      return;
    }
    if (text.startsWith("INVITE ") && !this.#recordRouted) {
      this.#recordRouted = true;
      const eol = text.indexOf("\r\n");
      text = `${text.slice(0, eol)}\r\nRecord-Route: <sip:127.0.0.1:${this.port};lr>${text.slice(eol)}`;
    }
    this.#socket.send(Buffer.from(text, "latin1"), uas.port, uas.host);
  }
}

/** A final response to `request` from the proxy (RFC 3261 8.2.6: Via, From, To, Call-ID and CSeq copied). */
function refusal(request: string, status: number): string {
  const lines = request.split("\r\n");
  const copy = (name: string): string[] => lines.filter((l) => l.toLowerCase().startsWith(`${name}:`));
  const to = copy("to").map((l) => (/;tag=/i.test(l) ? l : `${l};tag=proxy`));
  const reason = status === 405 ? "Method Not Allowed" : "Refused";
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...copy("via"),
    ...copy("from"),
    ...to,
    ...copy("call-id"),
    ...copy("cseq"),
    ...(status === 405 ? ["Allow: INVITE, ACK, BYE, CANCEL"] : []),
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}
