/**
 * The sending half of an RTP stream, RFC 3550 5.1: one random SSRC, a sequence number from a random start
 * (+1 per packet), and timestamps from a random start derived from the media-clock slot (+160 per 20 ms slot at
 * 8 kHz), so a late or skipped tick does not drift the timestamp. Counts what it sent for the `sent` StreamStats
 * and the RTCP sender report.
 */
import type { Socket } from "node:dgram";
import type { Clock } from "../../shared/clock.js";
import type { StreamStats } from "../media-pipeline.js";
import { FRAME_SAMPLES } from "../audio/audio-format.js";
import type { MediaEndpoint } from "./remote-media.js";
import { serializeRtp } from "./rtp-packet.js";

export interface RtpSendFields {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly timestamp: number;
}

export class RtpSender {
  readonly ssrc: number;
  readonly #socket: Socket;
  readonly #clock: Clock;
  readonly #timestampBase: number;
  #sequence: number;
  #packets = 0;
  #octets = 0;
  #sendErrors = 0;
  #lastSendMs: number | undefined;
  #maxGapMs = 0;

  /** `random` returns a uniform number in [0, 1) (RFC 3550 5.1: SSRC, sequence and timestamp start "random"). */
  constructor(socket: Socket, clock: Clock, random: () => number) {
    this.#socket = socket;
    this.#clock = clock;
    this.ssrc = Math.floor(random() * 0x100000000) >>> 0;
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

  /** Payload octets sent (RFC 3550 6.4.1 sender's octet count). */
  get octets(): number {
    return this.#octets;
  }

  /** Sends that the socket reported as failed (the packet is still counted as sent). */
  get sendErrors(): number {
    return this.#sendErrors;
  }

  send(to: MediaEndpoint, fields: RtpSendFields, payload: Uint8Array): void {
    const packet = serializeRtp({ ...fields, sequenceNumber: this.#sequence, ssrc: this.ssrc }, payload);
    this.#sequence = (this.#sequence + 1) & 0xffff;
    this.#packets++;
    this.#octets += payload.length;
    const now = this.#clock.now();
    if (this.#lastSendMs !== undefined) this.#maxGapMs = Math.max(this.#maxGapMs, now - this.#lastSendMs);
    this.#lastSendMs = now;
    this.#socket.send(packet, to.port, to.address, (error) => {
      // A UDP send failure (ICMP unreachable, interface down) is a network condition, not a bug: it is counted.
      if (error) this.#sendErrors++;
    });
  }

  stats(): StreamStats {
    return { packets: this.#packets, octets: this.#octets, lost: 0, jitterMs: 0, maxGapMs: this.#maxGapMs };
  }
}
