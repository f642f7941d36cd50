/**
 * The sending half of the bridge: the same contract as the plain {@link RtpSender} (RFC 3550 5.1 sequence and
 * timestamps derived from the media-clock slot, counters for the `sent` StreamStats), writing through werift's
 * DTLS-SRTP transport instead of a UDP socket. werift's own RTCRtpSender would rewrite every payload type to the
 * negotiated audio codec (and so break RFC 4733 events) and its sequence numbers; we write below it with the SSRC
 * werift announced in our `a=ssrc`, so the peer sees one stream with our numbering.
 */
import type { Clock } from "../../shared/clock.js";
import type { StreamStats } from "../media-pipeline.js";
import { RtpSendStream } from "../rtp/rtp-send-stream.js";
import type { MediaEndpoint } from "../rtp/remote-media.js";
import type { RtpSendFields } from "../rtp/rtp-sender.js";
import { RtpHeader, type RTCDtlsTransport } from "werift";

export class BridgeRtpSender {
  readonly ssrc: number;
  readonly #transport: () => RTCDtlsTransport | undefined;
  readonly #stream: RtpSendStream;

  /** `transport()`: the connected DTLS transport, undefined while there is none (nothing is sent then). */
  constructor(ssrc: number, transport: () => RTCDtlsTransport | undefined, clock: Clock, random: () => number) {
    this.ssrc = ssrc;
    this.#transport = transport;
    this.#stream = new RtpSendStream(clock, random);
  }

  timestampOf(slot: number): number {
    return this.#stream.timestampOf(slot);
  }

  get packets(): number {
    return this.#stream.packets;
  }

  get sendErrors(): number {
    return this.#stream.sendErrors;
  }

  /** `_to` is the selected pair's remote address: the DTLS transport already sends there. */
  send(_to: MediaEndpoint, fields: RtpSendFields, payload: Uint8Array): void {
    const transport = this.#transport();
    if (transport === undefined) return;
    const header = new RtpHeader({
      payloadType: fields.payloadType,
      marker: fields.marker,
      timestamp: fields.timestamp,
      sequenceNumber: this.#stream.next(payload.length),
      ssrc: this.ssrc,
    });
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    // A send the transport refused (closing, socket error) is a network condition: counted, as on plain RTP.
    transport.sendRtp(bytes, header).catch(this.#stream.sendFailed);
  }

  stats(): StreamStats {
    return this.#stream.stats();
  }
}
