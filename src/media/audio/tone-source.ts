/**
 * A pure sine tone at a frequency and level, phase-continuous across frames (no click at frame boundaries).
 *
 * Level convention (AES17): 0 dBFS is a full-scale sine, so a tone at L dBFS has a peak of 32767 * 10^(L/20) and is
 * measured at L dBFS by frame-analysis.ts.
 *
 * Fast path: a tone of integer frequency f repeats exactly every 8000 / gcd(8000, f) samples (at most one second),
 * so its 20 ms frames repeat too, after at most 50 frames. That cycle of frames is computed once and shared by every
 * source with the same tone (bounded cache), and so is its G.711 encoding per codec: playing a tone costs no
 * arithmetic and no allocation per frame. Other frequencies are computed sample by sample from a phase accumulator
 * kept in [0, 2π), into the source's own frame.
 */
import { ConfigError } from "../../shared/errors.js";
import type { G711Codec } from "../media-pipeline.js";
import type { AudioSource } from "./audio-source.js";
import { dbfsToAmplitude, FRAME_SAMPLES, SAMPLE_RATE } from "./audio-format.js";
import { encodeFrame } from "./g711.js";

export interface ToneOptions {
  readonly frequencyHz: number;
  readonly levelDbfs: number;
}

const MAX_CACHED_TONES = 64;

/** The frames of one tone, in the order they repeat, and their G.711 encodings (made on first use). */
interface FrameCycle {
  readonly frames: readonly Int16Array[];
  readonly encoded: Map<G711Codec, readonly Uint8Array[]>;
}

const cycleCache = new Map<string, FrameCycle>();

export class ToneSource implements AudioSource {
  readonly frequencyHz: number;
  readonly levelDbfs: number;
  readonly #amplitude: number;
  readonly #cycle: FrameCycle | undefined;
  /** Index into the cycle of the frame handed out last (fast path). */
  #index = -1;
  /** Phase of the next sample, radians in [0, 2π) (slow path). */
  #phase = 0;
  /** The slow path's frame, refilled by every call. */
  #frame: Int16Array | undefined;

  constructor(opts: ToneOptions) {
    const { frequencyHz, levelDbfs } = opts;
    // Nyquist: 8 kHz sampling carries frequencies below 4000 Hz only.
    if (!Number.isFinite(frequencyHz) || frequencyHz <= 0 || frequencyHz >= SAMPLE_RATE / 2) {
      throw new ConfigError(`tone frequency must be between 0 and ${SAMPLE_RATE / 2} Hz (exclusive): ${frequencyHz}`);
    }
    if (!Number.isFinite(levelDbfs) || levelDbfs > 0) {
      throw new ConfigError(`tone level must be a finite dBFS value at most 0: ${levelDbfs}`);
    }
    this.frequencyHz = frequencyHz;
    this.levelDbfs = levelDbfs;
    this.#amplitude = dbfsToAmplitude(levelDbfs);
    this.#cycle = Number.isInteger(frequencyHz) ? cycleOf(frequencyHz, levelDbfs, this.#amplitude) : undefined;
  }

  nextFrame(): Int16Array {
    const cycle = this.#cycle;
    if (cycle !== undefined) {
      this.#index = (this.#index + 1) % cycle.frames.length;
      const frame = cycle.frames[this.#index];
      if (frame !== undefined) return frame;
    }
    const out = (this.#frame ??= new Int16Array(FRAME_SAMPLES));
    const step = (2 * Math.PI * this.frequencyHz) / SAMPLE_RATE;
    let phase = this.#phase;
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      out[i] = Math.round(this.#amplitude * Math.sin(phase));
      phase += step;
    }
    this.#phase = phase % (2 * Math.PI);
    return out;
  }

  encodedFrame(codec: G711Codec): Uint8Array | undefined {
    const cycle = this.#cycle;
    if (cycle === undefined || this.#index < 0) return undefined;
    let encoded = cycle.encoded.get(codec);
    if (encoded === undefined) {
      encoded = cycle.frames.map((frame) => encodeFrame(codec, frame));
      cycle.encoded.set(codec, encoded);
    }
    return encoded[this.#index];
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The frames of a tone of integer frequency, from sample 0 on, until they repeat. */
function cycleOf(frequencyHz: number, levelDbfs: number, amplitude: number): FrameCycle {
  const key = `${frequencyHz}/${levelDbfs}`;
  const cached = cycleCache.get(key);
  if (cached !== undefined) return cached;
  const period = SAMPLE_RATE / gcd(SAMPLE_RATE, frequencyHz);
  const frameCount = period / gcd(period, FRAME_SAMPLES);
  const samples = new Int16Array(frameCount * FRAME_SAMPLES);
  // n * f is an integer, so the phase is reduced exactly before the multiplication by 2π.
  for (let n = 0; n < samples.length; n++) {
    samples[n] = Math.round(amplitude * Math.sin((2 * Math.PI * ((n * frequencyHz) % SAMPLE_RATE)) / SAMPLE_RATE));
  }
  const frames = Array.from({ length: frameCount }, (_, k) =>
    samples.subarray(k * FRAME_SAMPLES, (k + 1) * FRAME_SAMPLES),
  );
  if (cycleCache.size >= MAX_CACHED_TONES) {
    const oldest = cycleCache.keys().next();
    if (oldest.done !== true) cycleCache.delete(oldest.value);
  }
  const cycle: FrameCycle = { frames, encoded: new Map() };
  cycleCache.set(key, cycle);
  return cycle;
}
