/**
 * The sending half of an RTP stream, whatever carries its packets, RFC 3550 5.1: one SSRC, a sequence number from a
 * random start (+1 per packet), and timestamps from a random start derived from the media-clock slot (+160 per
 * 20 ms slot at 8 kHz), so a late or skipped tick does not drift the timestamp. Counts packets, payload octets,
 * failed sends and the largest gap between sends, for the `sent` StreamStats and the RTCP sender report.
 *
 * How a packet leaves is an {@link RtpWire}: a UDP socket ({@link udpWire}, plain RTP) or werift's DTLS-SRTP
 * transport (webrtc/srtp-wire.ts).
 */
import type { Socket } from "node:dgram";
import type { Clock } from "../../shared/clock.js";
import type { StreamStats } from "../media-pipeline.js";
import { FRAME_SAMPLES } from "../audio/audio-format.js";
import type { MediaEndpoint } from "./remote-media.js";
import { serializeRtp } from "./rtp-packet.js";

/** The complete header of a packet to send. */
export interface RtpSendHeader {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly timestamp: number;
  readonly sequenceNumber: number;
  readonly ssrc: number;
}

/**
 * Where a numbered packet goes. `send` uses `header` and `payload` before it returns and keeps neither: the sender
 * reuses its header object for every packet, the player its payload buffer for every frame.
 */
export interface RtpWire {
  /** False while there is nothing to send through: a packet is then neither numbered nor counted. */
  readonly ready: boolean;
  send(to: MediaEndpoint, header: RtpSendHeader, payload: Uint8Array): void;
}

/** The sender's one header object, rewritten for each packet. */
type MutableHeader = { -readonly [K in keyof RtpSendHeader]: RtpSendHeader[K] };

/**
 * Opens a wire for one sender. `sendFailed` counts a send the network refused (ICMP unreachable, a closing
 * transport): a network condition, not a bug; the packet still counts as sent.
 */
export type RtpWireFactory = (sendFailed: () => void) => RtpWire;

export interface RtpSenderOptions {
  readonly ssrc: number;
  readonly wire: RtpWireFactory;
  /** Times the gaps between sends. */
  readonly clock: Clock;
  /** Uniform [0, 1) (RFC 3550 5.1: sequence and timestamp start "random"); drawn for the sequence, then the timestamp. */
  readonly random: () => number;
}

export class RtpSender {
  readonly ssrc: number;
  readonly #wire: RtpWire;
  readonly #clock: Clock;
  readonly #timestampBase: number;
  #sequence: number;
  #packets = 0;
  #octets = 0;
  #sendErrors = 0;
  #lastSendMs: number | undefined;
  #maxGapMs = 0;
  readonly #header: MutableHeader;

  constructor(options: RtpSenderOptions) {
    this.ssrc = options.ssrc;
    this.#clock = options.clock;
    this.#sequence = Math.floor(options.random() * 0x10000) & 0xffff;
    this.#timestampBase = Math.floor(options.random() * 0x100000000) >>> 0;
    this.#header = { payloadType: 0, marker: false, timestamp: 0, sequenceNumber: 0, ssrc: options.ssrc };
    this.#wire = options.wire(() => {
      this.#sendErrors++;
    });
  }

  /** RFC 3550 5.1: the sampling instant of the first octet of slot `slot` (20 ms slots of 160 samples). */
  timestampOf(slot: number): number {
    return (this.#timestampBase + slot * FRAME_SAMPLES) >>> 0;
  }

  get packets(): number {
    return this.#packets;
  }

  /** Payload octets sent (RFC 3550 6.4.1 sender's octet count). */
  get octets(): number {
    return this.#octets;
  }

  /** Sends that the wire reported as failed (the packet is still counted as sent). */
  get sendErrors(): number {
    return this.#sendErrors;
  }

  /** One packet (positional arguments: called for every packet, no object built per call). */
  send(to: MediaEndpoint, payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void {
    if (!this.#wire.ready) return;
    const sequenceNumber = this.#sequence;
    this.#sequence = (sequenceNumber + 1) & 0xffff;
    this.#packets++;
    this.#octets += payload.length;
    const now = this.#clock.now();
    if (this.#lastSendMs !== undefined) this.#maxGapMs = Math.max(this.#maxGapMs, now - this.#lastSendMs);
    this.#lastSendMs = now;
    const header = this.#header;
    header.payloadType = payloadType;
    header.marker = marker;
    header.timestamp = timestamp;
    header.sequenceNumber = sequenceNumber;
    this.#wire.send(to, header, payload);
  }

  stats(): StreamStats {
    return { packets: this.#packets, octets: this.#octets, lost: 0, jitterMs: 0, maxGapMs: this.#maxGapMs };
  }
}

/** Plain RTP: each packet serialised into one datagram of `socket`. */
export function udpWire(socket: Socket): RtpWireFactory {
  return (sendFailed) => {
    const onSent = (error: Error | null): void => {
      if (error) sendFailed();
    };
    return {
      ready: true,
      send(to, header, payload) {
        socket.send(serializeRtp(header, payload), to.port, to.address, onSent);
      },
    };
  };
}
