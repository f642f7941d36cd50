/**
 * The receiving half of an RtpSession: every datagram of the RTP port is parsed (RFC 3550 5.1; anything that is not
 * RTP is counted, never thrown), accounted in {@link ReceiveStats}, and then either fed to the {@link DtmfDetector}
 * (RFC 4733 telephone events, left out of the jitter estimate) or decoded as G.711 and handed on with its 20 ms slot.
 */
import type { G711Codec } from "../media-pipeline.js";
import { FRAME_SAMPLES } from "../audio/audio-format.js";
import { decodeFrame } from "../audio/g711.js";
import { DtmfDetector } from "./dtmf.js";
import { ReceiveSlots } from "./receive-slots.js";
import { ReceiveStats } from "./receive-stats.js";
import { parseRtp, type RtpPacket } from "./rtp-packet.js";

/** RFC 3551 6: the static payload types of G.711, recognised whatever was negotiated. */
export const STATIC_G711: ReadonlyMap<number, G711Codec> = new Map([
  [0, "PCMU"],
  [8, "PCMA"],
]);

/** What was negotiated with the peer, as far as receiving is concerned. */
export interface ReceiveFormats {
  readonly payloadType: number;
  readonly codec: G711Codec;
  readonly telephoneEventPt: number | undefined;
}

/**
 * A decoded G.711 frame: the packet, its codec, its media-clock slot (see receive-slots.ts) and its samples. `pcm`
 * is the receiver's own buffer, valid only during the call: whoever keeps the audio copies it (the recorders do).
 */
export type ReceivedAudioSink = (packet: RtpPacket, codec: G711Codec, slot: number, pcm: Int16Array) => void;

export interface RtpReceiverOptions {
  /** The telephone-event payload type we offered (accepted besides the peer's). */
  readonly telephoneEventPt: number;
  readonly onAudio: ReceivedAudioSink;
}

export class RtpReceiver {
  readonly stats = new ReceiveStats();
  readonly #slots = new ReceiveSlots();
  readonly #detector = new DtmfDetector();
  /** The decoded frame, reused for every packet (20 ms at 8 kHz; other lengths get an array of their own). */
  readonly #pcm = new Int16Array(FRAME_SAMPLES);
  readonly #options: RtpReceiverOptions;
  #malformed = 0;
  #unknownPayloadType = 0;

  constructor(options: RtpReceiverOptions) {
    this.#options = options;
  }

  /** Digits detected so far, in event order. */
  get dtmfDigits(): string {
    return this.#detector.digits;
  }

  /** Datagrams that are not RTP. */
  get malformed(): number {
    return this.#malformed;
  }

  /** RTP packets of a payload type that is neither G.711 nor telephone-event (counted in the stats, not decoded). */
  get unknownPayloadType(): number {
    return this.#unknownPayloadType;
  }

  /** One datagram that arrived at `arrivalMs` during media-clock slot `arrivalSlot`. Never throws on its content. */
  onDatagram(datagram: Buffer, formats: ReceiveFormats | undefined, arrivalMs: number, arrivalSlot: number): void {
    const packet = parseRtp(datagram);
    if (packet === undefined) {
      this.#malformed++;
      return;
    }
    this.onPacket(packet, formats, arrivalMs, arrivalSlot);
  }

  /** An RTP packet already parsed (werift's, from a WebRTC bridge), as onDatagram after parsing. */
  onPacket(packet: RtpPacket, formats: ReceiveFormats | undefined, arrivalMs: number, arrivalSlot: number): void {
    const type = packet.payloadType;
    const isEvent = type === this.#options.telephoneEventPt || type === formats?.telephoneEventPt;
    // Left out of the jitter estimate: all packets of an event carry its start timestamp.
    this.stats.onRtpPacket(packet, arrivalMs, isEvent);
    if (isEvent) {
      this.#detector.onPacket(packet);
      return;
    }
    const codec = formats?.payloadType === type ? formats.codec : STATIC_G711.get(type);
    if (codec === undefined) {
      this.#unknownPayloadType++;
      return;
    }
    const slot = this.#slots.slotOf(packet.ssrc, packet.timestamp, arrivalSlot);
    this.#options.onAudio(packet, codec, slot, decodeFrame(codec, packet.payload, this.#pcm));
  }
}
