/**
 * Paces RFC 4733 telephone events on the media clock: a digit string becomes {@link dtmfSequence} packets whose
 * offsets (multiples of 20 ms) map onto consecutive media-clock slots. While a string is being sent the session's
 * audio is paused (an event replaces the audio of its slots, RFC 4733 2.5.1.1 in spirit: one stream, one SSRC).
 * Strings queue up: each `send()` resolves once its last packet went out.
 */
import { ClosedError } from "../../shared/errors.js";
import { FRAME_MS } from "../audio/audio-format.js";
import { dtmfSequence, type DtmfPacket } from "./dtmf.js";

interface DtmfJob {
  readonly digits: string;
  readonly durationMs: number;
  readonly payloadType: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  packets?: readonly DtmfPacket[];
  startSlot?: number;
  next?: number;
  /** Digits of this string whose first packet went out. */
  digitsSent: number;
}

export type DtmfPacketSink = (packet: DtmfPacket) => void;

export class DtmfSender {
  readonly #sink: DtmfPacketSink;
  readonly #queue: DtmfJob[] = [];
  #sent = "";

  constructor(sink: DtmfPacketSink) {
    this.#sink = sink;
  }

  /** Digits whose first packet has gone out, in order. */
  get sentDigits(): string {
    return this.#sent;
  }

  get busy(): boolean {
    return this.#queue.length > 0;
  }

  /** Queues a digit string; throws RangeError at once on a character that is not a digit or a bad duration. */
  send(digits: string, durationMs: number, payloadType: number): Promise<void> {
    // Validates now (dtmfSequence throws RangeError), so the caller gets the error, not a later tick.
    dtmfSequence(digits, { payloadType, durationMs, startTimestamp: 0 });
    if (digits.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#queue.push({ digits, durationMs, payloadType, resolve, reject, digitsSent: 0 });
    });
  }

  /**
   * Sends the packets due in `slot`; `timestampOf(slot)` gives the RTP timestamp of a slot. Returns true when a
   * digit string occupies this slot (the audio must not be sent).
   */
  onSlot(slot: number, timestampOf: (slot: number) => number): boolean {
    const job = this.#queue[0];
    if (job === undefined) return false;
    if (job.packets === undefined || job.startSlot === undefined) {
      job.packets = dtmfSequence(job.digits, {
        payloadType: job.payloadType,
        durationMs: job.durationMs,
        startTimestamp: timestampOf(slot),
        intervalMs: FRAME_MS,
      });
      job.startSlot = slot;
      job.next = 0;
    }
    const offsetMs = (slot - job.startSlot) * FRAME_MS;
    let next = job.next ?? 0;
    for (let packet = job.packets[next]; packet !== undefined && packet.offsetMs <= offsetMs;) {
      this.#sink(packet);
      // RFC 4733 2.5.1.3: the marker bit is set on the first packet of each event, i.e. once per digit.
      if (packet.marker) this.#sent += job.digits[job.digitsSent++] ?? "";
      next++;
      packet = job.packets[next];
    }
    job.next = next;
    if (next >= job.packets.length) {
      this.#queue.shift();
      job.resolve();
    }
    return true;
  }

  /** Rejects every queued string (the session closes). */
  cancel(): void {
    for (const job of this.#queue.splice(0)) job.reject(new ClosedError("RTP session (DTMF not sent)"));
  }
}
