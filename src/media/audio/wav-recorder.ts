/**
 * Call recorders on top of {@link WavFileWriter}: decoded audio, 8 kHz 16-bit PCM, written as a stream.
 *
 * Frames are placed on a 20 ms frame clock owned by the caller (the media scheduler): each frame comes with its
 * slot index, 0 being the first tick of the recording. Slots that never get a frame (loss, a silent peer, a paused
 * source) are written as silence, so the file keeps real time and the two directions stay aligned.
 *
 * - {@link MonoWavRecorder}: one direction, one mono file. Slots must not go backwards: a frame for a slot
 *   already written is dropped (counted in `lateFrames`).
 * - {@link StereoWavRecorder}: one stereo file, left = sent, right = received. A slot is written once both
 *   directions have delivered it, or once a frame arrives `reorderWindowSlots` (default 50 = 1 s) or more
 *   beyond it (the window covers a stalled event loop: after a 300 ms stall the sent side's catch-up ticks may be
 *   written before the burst of received packets queued meanwhile, which belong up to 300 ms back); the missing
 *   side is written as silence. Frames for slots already written are dropped (`lateFrames`).
 *   Each channel of a slot holds 160 samples: a shorter frame is padded with silence, a longer one cut. A frame is
 *   copied into the window (into frame buffers reused once their slot is written), so the caller may reuse its
 *   buffer at once (the RTP receiver decodes every packet into one).
 *
 * `writeFrame()` after `close()` throws ClosedError. `close()` is idempotent, writes every pending slot, finalises the header and resolves to the file's path.
 * Crash behaviour: see wav-file-writer.ts (the header is patched after every second of audio).
 */
import { ClosedError } from "../../shared/errors.js";
import type { AudioDirection } from "../media-pipeline.js";
import { FRAME_SAMPLES } from "./audio-format.js";
import { WavFileWriter } from "./wav-file-writer.js";

export interface MonoWavRecorderOptions {
  readonly path: string;
  /** Audio buffered per write (default 500 ms). */
  readonly chunkMs?: number;
  /** Audio written between two header patches, at least (default 1000 ms). */
  readonly headerPatchMs?: number;
}

export class MonoWavRecorder {
  readonly path: string;
  readonly #writer: WavFileWriter;
  /** The next slot to write. */
  #next = 0;
  #late = 0;
  #closing: Promise<string> | undefined;

  /** Creates the file at once; throws FILE_ERROR when it cannot. */
  constructor(opts: MonoWavRecorderOptions) {
    this.path = opts.path;
    this.#writer = new WavFileWriter({ path: opts.path, channels: 1, ...writerOptions(opts) });
  }

  get lateFrames(): number {
    return this.#late;
  }

  /** Appends a frame; with `slot`, first writes silence for the slots skipped since the last frame. */
  writeFrame(pcm: Int16Array, slot?: number): void {
    if (this.#closing !== undefined) throw new ClosedError(`recorder ${this.path}`);
    if (slot !== undefined) {
      checkSlot(slot);
      if (slot < this.#next) {
        this.#late++;
        return;
      }
      if (slot > this.#next) this.#writer.appendSilence((slot - this.#next) * FRAME_SAMPLES);
      this.#next = slot + 1;
    } else {
      this.#next++;
    }
    this.#writer.append(pcm);
  }

  close(): Promise<string> {
    this.#closing ??= this.#writer.close().then(() => this.path);
    return this.#closing;
  }
}

export interface StereoWavRecorderOptions {
  readonly path: string;
  /** How far (in 20 ms slots) one direction may run ahead of a slot the other has not delivered (default 50). */
  readonly reorderWindowSlots?: number;
  /**
   * A slot one direction has not delivered is given up (written with that side silent) once the same direction has
   * delivered a frame this many slots beyond it (default 5 = 100 ms): its packet was lost, or is later than any
   * reordering we wait for. So a lossy call keeps a few frames pending, not the whole window.
   */
  readonly lossGapSlots?: number;
  /** Audio buffered per write (default 500 ms). */
  readonly chunkMs?: number;
  /** Audio written between two header patches, at least (default 1000 ms). */
  readonly headerPatchMs?: number;
}

/** 1 s: two directions × 50 frame references (at most 32 KB of audio pending per call). */
const DEFAULT_REORDER_WINDOW_SLOTS = 50;
const DEFAULT_LOSS_GAP_SLOTS = 5;

export class StereoWavRecorder {
  readonly path: string;
  readonly #writer: WavFileWriter;
  readonly #window: number;
  readonly #lossGap: number;
  /** Pending frames by slot % window, for slots in [#next, #next + window). */
  readonly #left: (Int16Array | undefined)[];
  readonly #right: (Int16Array | undefined)[];
  readonly #interleaved = new Int16Array(2 * FRAME_SAMPLES);
  /** Frame buffers of slots already written, for the next frames placed in the window. */
  readonly #spare: Int16Array[] = [];
  #next = 0;
  /** One past the highest slot received, of either direction and of each. */
  #end = 0;
  #endLeft = 0;
  #endRight = 0;
  #late = 0;
  #closing: Promise<string> | undefined;

  /** Creates the file at once; throws FILE_ERROR when it cannot. */
  constructor(opts: StereoWavRecorderOptions) {
    const window = opts.reorderWindowSlots ?? DEFAULT_REORDER_WINDOW_SLOTS;
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`reorder window must be >= 1: ${window}`);
    this.path = opts.path;
    this.#window = window;
    this.#lossGap = opts.lossGapSlots ?? DEFAULT_LOSS_GAP_SLOTS;
    this.#left = new Array<Int16Array | undefined>(window).fill(undefined);
    this.#right = new Array<Int16Array | undefined>(window).fill(undefined);
    this.#writer = new WavFileWriter({ path: opts.path, channels: 2, ...writerOptions(opts) });
  }

  get lateFrames(): number {
    return this.#late;
  }

  /** Places a frame of one direction (sent = left, received = right) in its slot. */
  writeFrame(direction: AudioDirection, slot: number, pcm: Int16Array): void {
    if (this.#closing !== undefined) throw new ClosedError(`recorder ${this.path}`);
    checkSlot(slot);
    if (slot < this.#next) {
      this.#late++;
      return;
    }
    // Slots that fell out of the window are written with whatever arrived for them.
    while (slot >= this.#next + this.#window) this.#emitNext();
    const side = direction === "sent" ? this.#left : this.#right;
    const index = slot % this.#window;
    if (side[index] !== undefined) {
      this.#late++;
      return;
    }
    side[index] = this.#copyOf(pcm);
    this.#end = Math.max(this.#end, slot + 1);
    if (direction === "sent") this.#endLeft = Math.max(this.#endLeft, slot + 1);
    else this.#endRight = Math.max(this.#endRight, slot + 1);
    while (this.#next < this.#end && this.#isDue(this.#next)) this.#emitNext();
  }

  close(): Promise<string> {
    if (this.#closing === undefined) {
      while (this.#next < this.#end) this.#emitNext();
      this.#closing = this.#writer.close().then(() => this.path);
    }
    return this.#closing;
  }

  /** Both directions delivered the slot, or the one that did not has delivered `lossGap` slots beyond it. */
  #isDue(slot: number): boolean {
    const index = slot % this.#window;
    const gone = slot + this.#lossGap;
    return (
      (this.#left[index] !== undefined || this.#endLeft > gone) &&
      (this.#right[index] !== undefined || this.#endRight > gone)
    );
  }

  #emitNext(): void {
    const index = this.#next % this.#window;
    const left = this.#left[index];
    const right = this.#right[index];
    this.#left[index] = undefined;
    this.#right[index] = undefined;
    this.#next++;
    if (left === undefined && right === undefined) {
      this.#writer.appendSilence(2 * FRAME_SAMPLES);
      return;
    }
    const out = this.#interleaved;
    interleave(out, 0, left ?? SILENT_FRAME);
    interleave(out, 1, right ?? SILENT_FRAME);
    this.#writer.append(out);
    if (left !== undefined) this.#spare.push(left);
    if (right !== undefined) this.#spare.push(right);
  }

  /** `pcm` in a frame buffer of the window: 160 samples, padded with silence or cut. */
  #copyOf(pcm: Int16Array): Int16Array {
    const frame = this.#spare.pop() ?? new Int16Array(FRAME_SAMPLES);
    if (pcm.length >= FRAME_SAMPLES) {
      frame.set(pcm.length === FRAME_SAMPLES ? pcm : pcm.subarray(0, FRAME_SAMPLES));
    } else {
      frame.set(pcm);
      frame.fill(0, pcm.length);
    }
    return frame;
  }
}

const SILENT_FRAME = new Int16Array(FRAME_SAMPLES);

/** Writes `frame` into every other sample of `out` from `channel`; missing samples are silence. */
function interleave(out: Int16Array, channel: number, frame: Int16Array): void {
  const n = Math.min(frame.length, FRAME_SAMPLES);
  for (let i = 0; i < n; i++) out[2 * i + channel] = frame[i] ?? 0;
  for (let i = n; i < FRAME_SAMPLES; i++) out[2 * i + channel] = 0;
}

function checkSlot(slot: number): void {
  // Slots come from the caller's own frame clock, never from the network: a bad one is a programming error.
  if (!Number.isSafeInteger(slot) || slot < 0) throw new RangeError(`frame slot must be an integer >= 0: ${slot}`);
}

function writerOptions(opts: MonoWavRecorderOptions): { chunkMs?: number; headerPatchMs?: number } {
  return {
    ...(opts.chunkMs === undefined ? {} : { chunkMs: opts.chunkMs }),
    ...(opts.headerPatchMs === undefined ? {} : { headerPatchMs: opts.headerPatchMs }),
  };
}
