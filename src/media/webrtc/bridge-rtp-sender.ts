/**
 * The sending half of the bridge: the same contract as the plain {@link RtpSender} (RFC 3550 5.1 sequence and
 * timestamps derived from the media-clock slot, counters for the `sent` StreamStats), writing through werift's
 * DTLS-SRTP transport instead of a UDP socket. werift's own RTCRtpSender would rewrite every payload type to the
 * negotiated audio codec (and so break RFC 4733 events) and its sequence numbers; we write below it with the SSRC
 * werift announced in our `a=ssrc`, so the peer sees one stream with our numbering.
 */
import type { Clock } from "../../shared/clock.js";
import type { StreamStats } from "../media-pipeline.js";
import { FRAME_SAMPLES } from "../audio/audio-format.js";
import type { MediaEndpoint } from "../rtp/remote-media.js";
import type { RtpSendFields } from "../rtp/rtp-sender.js";
import { RtpHeader, type RTCDtlsTransport } from "werift";

export class BridgeRtpSender {
  readonly ssrc: number;
  readonly #transport: () => RTCDtlsTransport | undefined;
  readonly #clock: Clock;
  readonly #timestampBase: number;
  #sequence: number;
  #packets = 0;
  #octets = 0;
  #sendErrors = 0;
  #lastSendMs: number | undefined;
  #maxGapMs = 0;

  /** `transport()`: the connected DTLS transport, undefined while there is none (nothing is sent then). */
  constructor(ssrc: number, transport: () => RTCDtlsTransport | undefined, clock: Clock, random: () => number) {
    this.ssrc = ssrc;
    this.#transport = transport;
    this.#clock = clock;
    this.#sequence = Math.floor(random() * 0x10000) & 0xffff;
    this.#timestampBase = Math.floor(random() * 0x100000000) >>> 0;
  }

  /** RFC 3550 5.1: the sampling instant of the first octet of slot `slot` (20 ms slots of 160 samples). */
  timestampOf(slot: number): number {
    return (this.#timestampBase + slot * FRAME_SAMPLES) >>> 0;
  }

  get packets(): number {
    return this.#packets;
  }

  get sendErrors(): number {
    return this.#sendErrors;
  }

  /** `_to` is the selected pair's remote address: the DTLS transport already sends there. */
  send(_to: MediaEndpoint, fields: RtpSendFields, payload: Uint8Array): void {
    const transport = this.#transport();
    if (transport === undefined) return;
    const header = new RtpHeader({
      payloadType: fields.payloadType,
      marker: fields.marker,
      timestamp: fields.timestamp,
      sequenceNumber: this.#sequence,
      ssrc: this.ssrc,
    });
    this.#sequence = (this.#sequence + 1) & 0xffff;
    this.#packets++;
    this.#octets += payload.length;
    const now = this.#clock.now();
    if (this.#lastSendMs !== undefined) this.#maxGapMs = Math.max(this.#maxGapMs, now - this.#lastSendMs);
    this.#lastSendMs = now;
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    transport.sendRtp(bytes, header).catch(() => {
      // A send the transport refused (closing, socket error) is a network condition: counted, as on plain RTP.
      this.#sendErrors++;
    });
  }

  stats(): StreamStats {
    return { packets: this.#packets, octets: this.#octets, lost: 0, jitterMs: 0, maxGapMs: this.#maxGapMs };
  }
}
