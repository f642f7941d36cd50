/**
 * The sending half of an RTP stream, RFC 3550 5.1: one random SSRC, a sequence number from a random start
 * (+1 per packet), and timestamps from a random start derived from the media-clock slot (+160 per 20 ms slot at
 * 8 kHz), so a late or skipped tick does not drift the timestamp. Counts what it sent for the `sent` StreamStats
 * and the RTCP sender report.
 */
import type { Socket } from "node:dgram";
import type { Clock } from "../../shared/clock.js";
import type { StreamStats } from "../media-pipeline.js";
import type { MediaEndpoint } from "./remote-media.js";
import { serializeRtp } from "./rtp-packet.js";
import { RtpSendStream } from "./rtp-send-stream.js";

export interface RtpSendFields {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly timestamp: number;
}

export class RtpSender {
  readonly ssrc: number;
  readonly #socket: Socket;
  readonly #stream: RtpSendStream;
  readonly #onSent: (error: Error | null) => void;

  /** `random` returns a uniform number in [0, 1) (RFC 3550 5.1: SSRC, sequence and timestamp start "random"). */
  constructor(socket: Socket, clock: Clock, random: () => number) {
    this.#socket = socket;
    this.ssrc = Math.floor(random() * 0x100000000) >>> 0;
    this.#stream = new RtpSendStream(clock, random);
    this.#onSent = (error) => {
      // A UDP send failure (ICMP unreachable, interface down) is a network condition, not a bug: it is counted.
      if (error) this.#stream.sendFailed();
    };
  }

  timestampOf(slot: number): number {
    return this.#stream.timestampOf(slot);
  }

  get packets(): number {
    return this.#stream.packets;
  }

  /** Payload octets sent (RFC 3550 6.4.1 sender's octet count). */
  get octets(): number {
    return this.#stream.octets;
  }

  /** Sends that the socket reported as failed (the packet is still counted as sent). */
  get sendErrors(): number {
    return this.#stream.sendErrors;
  }

  send(to: MediaEndpoint, fields: RtpSendFields, payload: Uint8Array): void {
    const sequenceNumber = this.#stream.next(payload.length);
    const packet = serializeRtp({ ...fields, sequenceNumber, ssrc: this.ssrc }, payload);
    this.#socket.send(packet, to.port, to.address, this.#onSent);
  }

  stats(): StreamStats {
    return this.#stream.stats();
  }
}
