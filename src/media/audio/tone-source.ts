/**
 * A pure sine tone at a frequency and level, phase-continuous across frames (no click at frame boundaries).
 *
 * Level convention (AES17): 0 dBFS is a full-scale sine, so a tone at L dBFS has a peak of 32767 * 10^(L/20) and is
 * measured at L dBFS by frame-analysis.ts.
 *
 * Fast path: a tone of integer frequency f repeats exactly every 8000 / gcd(8000, f) samples (at most one second),
 * so that period is computed once, shared by every source with the same tone (bounded cache) and copied out frame by
 * frame. Other frequencies are computed sample by sample from a phase accumulator kept in [0, 2π).
 */
import { ConfigError } from "../../shared/errors.js";
import type { AudioSource } from "./audio-source.js";
import { dbfsToAmplitude, FRAME_SAMPLES, SAMPLE_RATE } from "./audio-format.js";

export interface ToneOptions {
  readonly frequencyHz: number;
  readonly levelDbfs: number;
}

const MAX_CACHED_TONES = 64;
const periodCache = new Map<string, Int16Array>();

export class ToneSource implements AudioSource {
  readonly frequencyHz: number;
  readonly levelDbfs: number;
  readonly #amplitude: number;
  readonly #period: Int16Array | undefined;
  /** Index into #period of the next sample (fast path). */
  #offset = 0;
  /** Phase of the next sample, radians in [0, 2π) (slow path). */
  #phase = 0;

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
    this.#period = Number.isInteger(frequencyHz) ? periodOf(frequencyHz, levelDbfs, this.#amplitude) : undefined;
  }

  nextFrame(): Int16Array {
    const out = new Int16Array(FRAME_SAMPLES);
    const period = this.#period;
    if (period !== undefined) {
      let filled = 0;
      while (filled < FRAME_SAMPLES) {
        const n = Math.min(FRAME_SAMPLES - filled, period.length - this.#offset);
        out.set(period.subarray(this.#offset, this.#offset + n), filled);
        filled += n;
        this.#offset = (this.#offset + n) % period.length;
      }
      return out;
    }
    const step = (2 * Math.PI * this.frequencyHz) / SAMPLE_RATE;
    let phase = this.#phase;
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      out[i] = Math.round(this.#amplitude * Math.sin(phase));
      phase += step;
    }
    this.#phase = phase % (2 * Math.PI);
    return out;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function periodOf(frequencyHz: number, levelDbfs: number, amplitude: number): Int16Array {
  const key = `${frequencyHz}/${levelDbfs}`;
  const cached = periodCache.get(key);
  if (cached !== undefined) return cached;
  const length = SAMPLE_RATE / gcd(SAMPLE_RATE, frequencyHz);
  const period = new Int16Array(length);
  // n * f is an integer, so the phase is reduced exactly before the multiplication by 2π.
  for (let n = 0; n < length; n++) {
    period[n] = Math.round(amplitude * Math.sin((2 * Math.PI * ((n * frequencyHz) % SAMPLE_RATE)) / SAMPLE_RATE));
  }
  if (periodCache.size >= MAX_CACHED_TONES) {
    const oldest = periodCache.keys().next();
    if (oldest.done !== true) periodCache.delete(oldest.value);
  }
  periodCache.set(key, period);
  return period;
}
