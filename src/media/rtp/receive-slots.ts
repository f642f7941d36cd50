/**
 * Which 20 ms media-clock slot a received frame belongs to, for recordings and the analyzer.
 *
 * The first packet of a stream is placed in the slot of its arrival; later packets are placed by their RTP timestamp
 * relative to it (RFC 3550 5.1: the timestamp is the sampling instant), so arrival jitter, or a burst of packets
 * handled together after the event loop stalled, does not push two frames into one slot or leave holes, and lost
 * packets leave their slot silent. A new SSRC, or a timestamp that strays more than {@link MAX_EARLY_SLOTS} ahead of or
 * {@link MAX_LATE_SLOTS} behind the arrival slot (a peer restarting its clock, a long pause), re-anchors on arrival, but never on or before a slot the
 * stream has already filled: a re-anchor must not lay a frame over the audio already placed (it would be dropped
 * from the recording as late).
 *
 * The arrival slot comes from {@link ArrivalSlotClock}: the slot of the wall-clock arrival time, not the last tick
 * seen. After a stall the socket's queued packets can be handled before the overdue ticks fire; the last tick's
 * slot is then up to the stall behind, and an anchor taken there would put every later frame of the stream that far
 * behind the sent audio.
 */
import { FRAME_SAMPLES } from "../audio/audio-format.js";

/** 500 ms ahead of its arrival: beyond this the timestamp no longer describes when the audio is played here. */
const MAX_EARLY_SLOTS = 25;
/**
 * 1 s behind its arrival: a frame may arrive that late when our event loop stalled (the socket's queue is read
 * after the stall; the stereo recorder's window is as long), so a late frame within it keeps its timestamp's slot.
 */
const MAX_LATE_SLOTS = 50;

export class ReceiveSlots {
  #ssrc: number | undefined;
  #anchorTimestamp = 0;
  #anchorSlot = 0;
  /** The highest slot given to a frame of the current stream, -1 before the first. */
  #highest = -1;

  /** The slot of a packet (ssrc, timestamp) arriving during `arrivalSlot`. Never below 0. */
  slotOf(ssrc: number, timestamp: number, arrivalSlot: number): number {
    if (ssrc !== this.#ssrc) return this.#anchor(ssrc, timestamp, arrivalSlot);
    // Serial arithmetic on the 32-bit timestamp (wraps).
    const delta = (timestamp - this.#anchorTimestamp) | 0;
    const slot = this.#anchorSlot + Math.round(delta / FRAME_SAMPLES);
    const drift = slot - arrivalSlot;
    if (slot < 0 || drift > MAX_EARLY_SLOTS || drift < -MAX_LATE_SLOTS)
      return this.#anchor(ssrc, timestamp, arrivalSlot);
    this.#highest = Math.max(this.#highest, slot);
    return slot;
  }

  #anchor(ssrc: number, timestamp: number, arrivalSlot: number): number {
    this.#ssrc = ssrc;
    this.#anchorTimestamp = timestamp >>> 0;
    this.#anchorSlot = Math.max(0, arrivalSlot, this.#highest + 1);
    this.#highest = this.#anchorSlot;
    return this.#anchorSlot;
  }
}

/** Float slack when the arrival falls exactly on a slot boundary (FakeClock fires exactly on time). */
const EPSILON_MS = 1e-6;

/**
 * The media-clock slot of "now" on the wall clock: the last tick's slot plus the slots elapsed since it was due.
 * `onTick` with every tick the session gets; `slotAt` when a packet arrives.
 */
export class ArrivalSlotClock {
  readonly #intervalMs: number;
  #slot = 0;
  /** Wall-clock time at which the last tick was due; undefined before the first tick. */
  #dueMs: number | undefined;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Slot `slot` fired at wall time `wallNowMs`, `lateMs` after it was due (the tick's now − idealTime). */
  onTick(slot: number, wallNowMs: number, lateMs: number): void {
    this.#slot = slot;
    this.#dueMs = wallNowMs - Math.max(0, lateMs);
  }

  slotAt(wallNowMs: number): number {
    if (this.#dueMs === undefined) return this.#slot;
    const elapsed = Math.floor((wallNowMs - this.#dueMs + EPSILON_MS) / this.#intervalMs);
    return this.#slot + Math.max(0, elapsed);
  }
}
