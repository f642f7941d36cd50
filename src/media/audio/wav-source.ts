/**
 * Streams an 8 kHz mono WAV file (16-bit PCM, A-law or µ-law; see read-wav-pcm.ts) in 20 ms frames.
 * `loops`: how many times the file plays; -1 plays it forever, 0 not at all (measured with sipp 3.6.1: its
 * rtp_stream with LOOPS 0 sends nothing, with LOOPS omitted or 1 one play). The last frame of each play is padded with silence, so every play
 * starts on a frame boundary. An empty file ends at once.
 */
import { ConfigError } from "../../shared/errors.js";
import type { AudioSource } from "./audio-source.js";
import { FRAME_SAMPLES } from "./audio-format.js";
import { readWavPcm } from "./read-wav-pcm.js";

export interface WavSourceOptions {
  readonly path: string;
  readonly loops: number;
  /** The file's samples already decoded (shared, never modified); when absent the file is read here. */
  readonly pcm?: Int16Array;
}

export class WavSource implements AudioSource {
  readonly path: string;
  readonly #pcm: Int16Array;
  /** Plays left after the current one; Infinity for -1. */
  #playsLeft: number;
  #offset = 0;
  /** The frame handed out, refilled by every call. */
  readonly #frame = new Int16Array(FRAME_SAMPLES);

  /** Reads and checks the file at once (unless `pcm` is given); throws FILE_ERROR naming the file when unusable. */
  constructor(opts: WavSourceOptions) {
    if (!Number.isInteger(opts.loops) || opts.loops < -1) {
      throw new ConfigError(`WAV source loops must be -1 (forever) or a count >= 0: ${opts.loops}`);
    }
    this.path = opts.path;
    this.#pcm = opts.pcm ?? readWavPcm(opts.path);
    this.#playsLeft = opts.loops === -1 ? Infinity : opts.loops - 1;
    if (this.#pcm.length === 0) this.#playsLeft = -1;
  }

  nextFrame(): Int16Array | undefined {
    if (this.#playsLeft < 0) return undefined;
    const out = this.#frame;
    const n = Math.min(FRAME_SAMPLES, this.#pcm.length - this.#offset);
    out.set(this.#pcm.subarray(this.#offset, this.#offset + n));
    if (n < FRAME_SAMPLES) out.fill(0, n);
    this.#offset += n;
    if (this.#offset >= this.#pcm.length) {
      this.#offset = 0;
      this.#playsLeft--;
    }
    return out;
  }
}
