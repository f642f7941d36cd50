/**
 * Keeps a compact summary of every 20 ms frame of a call, per direction — level and dominant frequency, 8 bytes
 * per frame (see frame-analysis.ts) — so an audio check can look at "the call so far" without keeping the audio.
 *
 * Bounded: at most `maxFrames` per direction (default 180 000 = one hour); beyond that the oldest frames are
 * forgotten, so a check looks at the last hour. Storage grows on demand (short calls stay small).
 *
 * Frames may carry their slot on the pipeline's 20 ms frame clock: slots that got no frame (loss, a silent peer)
 * count as silent frames, so a silence gap is measured in real time, not in packets. The window opens at the first
 * frame of either direction (media flowing at all): the slots before it — a pipeline waiting for its answer, for
 * ICE gathering against an unreachable STUN server, for DTLS — are no one's silence. From then on both directions
 * count, so a peer that starts sending late is still measured as one-way audio for that time.
 */
import type { AudioCheckResult, AudioCheckSpec, AudioDirection } from "../media-pipeline.js";
import { MIN_LEVEL_DBFS } from "./audio-format.js";
import { evaluateCheck, type PacketCounts } from "./evaluate-check.js";
import { analyzeFrame, frameLevelDbfs, type FrameSummary } from "./frame-analysis.js";

export interface AudioAnalyzerOptions {
  /** Frames kept per direction (default 180 000 = 1 hour of 20 ms frames). */
  readonly maxFrames?: number;
  /**
   * Estimate the frequency of every Nth frame only (default 1 = every frame); the others get their level only and
   * `frequencyHz` NaN, and the tone check looks at the estimated frames. The level is cheap (under 1 µs a frame),
   * the frequency is not (about 3.5 µs): N = 5 cuts the cost of analysing 2000 calls both ways from about 70 % of
   * a core to about 20 %.
   */
  readonly frequencyEveryFrames?: number;
}

const DEFAULT_MAX_FRAMES = 180_000;
const INITIAL_CAPACITY = 1_500;

/** A ring of (level, frequency) pairs that grows up to its cap and then overwrites the oldest. */
class FrameRing {
  readonly #cap: number;
  #levels: Float32Array;
  #frequencies: Float32Array;
  /** Index of the oldest entry. */
  #start = 0;
  #length = 0;

  constructor(cap: number) {
    this.#cap = cap;
    const initial = Math.min(cap, INITIAL_CAPACITY);
    this.#levels = new Float32Array(initial);
    this.#frequencies = new Float32Array(initial);
  }

  get length(): number {
    return this.#length;
  }

  push(levelDbfs: number, frequencyHz: number): void {
    if (this.#length === this.#levels.length && this.#levels.length < this.#cap) this.#grow();
    const size = this.#levels.length;
    const index = (this.#start + this.#length) % size;
    this.#levels[index] = levelDbfs;
    this.#frequencies[index] = frequencyHz;
    if (this.#length < size) this.#length++;
    else this.#start = (this.#start + 1) % size;
  }

  toArray(): FrameSummary[] {
    const out: FrameSummary[] = [];
    const size = this.#levels.length;
    for (let i = 0; i < this.#length; i++) {
      const index = (this.#start + i) % size;
      out.push({ levelDbfs: this.#levels[index] ?? MIN_LEVEL_DBFS, frequencyHz: this.#frequencies[index] ?? 0 });
    }
    return out;
  }

  #grow(): void {
    const size = Math.min(this.#cap, this.#levels.length * 2);
    const levels = new Float32Array(size);
    const frequencies = new Float32Array(size);
    // Unroll the ring so the oldest entry lands at 0 (the ring is full when it grows).
    const old = this.#levels.length;
    for (let i = 0; i < this.#length; i++) {
      const from = (this.#start + i) % old;
      levels[i] = this.#levels[from] ?? MIN_LEVEL_DBFS;
      frequencies[i] = this.#frequencies[from] ?? 0;
    }
    this.#levels = levels;
    this.#frequencies = frequencies;
    this.#start = 0;
  }
}

export class AudioAnalyzer {
  readonly #maxFrames: number;
  readonly #frequencyEvery: number;
  readonly #counts: Record<AudioDirection, number> = { sent: 0, received: 0 };
  readonly #rings: Record<AudioDirection, FrameRing>;
  /** Next expected slot per direction; undefined until the first frame of either direction opens the window. */
  #nextSlot: Record<AudioDirection, number> | undefined;

  constructor(opts: AudioAnalyzerOptions = {}) {
    const maxFrames = opts.maxFrames ?? DEFAULT_MAX_FRAMES;
    if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new RangeError(`maxFrames must be >= 1: ${maxFrames}`);
    const every = opts.frequencyEveryFrames ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`frequencyEveryFrames must be >= 1: ${every}`);
    this.#maxFrames = maxFrames;
    this.#frequencyEvery = every;
    this.#rings = { sent: new FrameRing(maxFrames), received: new FrameRing(maxFrames) };
  }

  /**
   * Analyses one frame of a direction. With `slot` (the pipeline's frame clock, 0 = first tick), slots skipped
   * since the last frame of that direction are recorded as silent frames; a slot already seen is ignored.
   */
  addFrame(direction: AudioDirection, pcm: Int16Array, slot?: number): void {
    const ring = this.#rings[direction];
    if (slot !== undefined) {
      // Slots come from the pipeline's own frame clock, never from the network: a bad one is a programming error.
      if (!Number.isSafeInteger(slot) || slot < 0) throw new RangeError(`frame slot must be an integer >= 0: ${slot}`);
      const nextSlot = (this.#nextSlot ??= { sent: slot, received: slot });
      const next = nextSlot[direction];
      if (slot < next) return;
      // Only the last maxFrames of a long gap can still be in the ring.
      const gap = Math.min(slot - next, this.#maxFrames);
      for (let i = 0; i < gap; i++) ring.push(MIN_LEVEL_DBFS, 0);
      nextSlot[direction] = slot + 1;
    }
    if (this.#counts[direction]++ % this.#frequencyEvery === 0) {
      const summary = analyzeFrame(pcm);
      ring.push(summary.levelDbfs, summary.frequencyHz);
    } else {
      ring.push(frameLevelDbfs(pcm), Number.NaN);
    }
  }

  /** Frames kept for a direction. */
  frameCount(direction: AudioDirection): number {
    return this.#rings[direction].length;
  }

  /** The kept frames of a direction, oldest first. */
  frames(direction: AudioDirection): FrameSummary[] {
    return this.#rings[direction].toArray();
  }

  /**
   * Evaluates a check on the frames kept so far (packet counts are needed for the "packets" kind only). `untilSlot`:
   * only the frames of the slots before it (the audio as it was when the check was asked, a little earlier).
   */
  check(spec: AudioCheckSpec, packets?: PacketCounts, untilSlot?: number): AudioCheckResult {
    return evaluateCheck(spec, this.#framesUntil("sent", untilSlot), this.#framesUntil("received", untilSlot), packets);
  }

  #framesUntil(direction: AudioDirection, untilSlot: number | undefined): FrameSummary[] {
    const frames = this.frames(direction);
    const next = this.#nextSlot?.[direction];
    if (untilSlot === undefined || next === undefined || next <= untilSlot) return frames;
    return frames.slice(0, Math.max(0, frames.length - (next - untilSlot)));
  }
}
