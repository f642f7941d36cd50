/**
 * The numbering and counting of one outgoing RTP stream, whatever carries its packets (a UDP socket, or werift's
 * DTLS-SRTP transport), RFC 3550 5.1: a sequence number from a random start (+1 per packet) and timestamps from a
 * random start derived from the media-clock slot (+160 per 20 ms slot at 8 kHz), so a late or skipped tick does not
 * drift the timestamp. Counts packets, payload octets, failed sends and the largest gap between sends.
 */
import type { Clock } from "../../shared/clock.js";
import type { StreamStats } from "../media-pipeline.js";
import { FRAME_SAMPLES } from "../audio/audio-format.js";

export class RtpSendStream {
  readonly #clock: Clock;
  readonly #timestampBase: number;
  #sequence: number;
  #packets = 0;
  #octets = 0;
  #sendErrors = 0;
  #lastSendMs: number | undefined;
  #maxGapMs = 0;

  /** `random` returns a uniform number in [0, 1) (RFC 3550 5.1: sequence and timestamp start "random"). */
  constructor(clock: Clock, random: () => number) {
    this.#clock = clock;
    this.#sequence = Math.floor(random() * 0x10000) & 0xffff;
    this.#timestampBase = Math.floor(random() * 0x100000000) >>> 0;
  }

  /** RFC 3550 5.1: the sampling instant of the first octet of slot `slot` (20 ms slots of 160 samples). */
  timestampOf(slot: number): number {
    return (this.#timestampBase + slot * FRAME_SAMPLES) >>> 0;
  }

  /** Counts a packet of `payloadOctets` about to be sent and returns its sequence number. */
  next(payloadOctets: number): number {
    const sequence = this.#sequence;
    this.#sequence = (sequence + 1) & 0xffff;
    this.#packets++;
    this.#octets += payloadOctets;
    const now = this.#clock.now();
    if (this.#lastSendMs !== undefined) this.#maxGapMs = Math.max(this.#maxGapMs, now - this.#lastSendMs);
    this.#lastSendMs = now;
    return sequence;
  }

  /** A send the network refused (ICMP unreachable, a closing transport): the packet still counts as sent. */
  readonly sendFailed = (): void => {
    this.#sendErrors++;
  };

  get packets(): number {
    return this.#packets;
  }

  /** Payload octets sent (RFC 3550 6.4.1 sender's octet count). */
  get octets(): number {
    return this.#octets;
  }

  get sendErrors(): number {
    return this.#sendErrors;
  }

  stats(): StreamStats {
    return { packets: this.#packets, octets: this.#octets, lost: 0, jitterMs: 0, maxGapMs: this.#maxGapMs };
  }
}
