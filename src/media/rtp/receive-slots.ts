/**
 * Which 20 ms media-clock slot a received frame belongs to, for recordings and the analyzer. The first packet of a
 * stream is placed in the slot of its arrival; later packets are placed by their RTP timestamp relative to it
 * (RFC 3550 5.1: the timestamp is the sampling instant), so arrival jitter does not push two frames into one slot
 * or leave holes, and lost packets leave their slot silent. A new SSRC, or a timestamp that strays more than
 * {@link MAX_DRIFT_SLOTS} from the arrival slot (a peer restarting its clock, a long pause), re-anchors on arrival.
 */
import { FRAME_SAMPLES } from "../audio/audio-format.js";

/** 500 ms: beyond this the timestamp no longer describes when the audio is played here. */
const MAX_DRIFT_SLOTS = 25;

export class ReceiveSlots {
  #ssrc: number | undefined;
  #anchorTimestamp = 0;
  #anchorSlot = 0;

  /** The slot of a packet (ssrc, timestamp) arriving during `arrivalSlot`. Never below 0. */
  slotOf(ssrc: number, timestamp: number, arrivalSlot: number): number {
    if (ssrc !== this.#ssrc) return this.#anchor(ssrc, timestamp, arrivalSlot);
    // Serial arithmetic on the 32-bit timestamp (wraps).
    const delta = (timestamp - this.#anchorTimestamp) | 0;
    const slot = this.#anchorSlot + Math.round(delta / FRAME_SAMPLES);
    if (slot < 0 || Math.abs(slot - arrivalSlot) > MAX_DRIFT_SLOTS) return this.#anchor(ssrc, timestamp, arrivalSlot);
    return slot;
  }

  #anchor(ssrc: number, timestamp: number, arrivalSlot: number): number {
    this.#ssrc = ssrc;
    this.#anchorTimestamp = timestamp >>> 0;
    this.#anchorSlot = Math.max(0, arrivalSlot);
    return this.#anchorSlot;
  }
}
