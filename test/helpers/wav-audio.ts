/**
 * WAV files in media tests: written with wavefile (tones, A-law for sipp's rtp_stream), read back with wavefile,
 * checked with `sox --i`, and analysed here with a Goertzel scan of our own — independent of src/media/audio, so a
 * test does not grade sipwright's recordings with sipwright's analyzer.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import * as wavefileNs from "wavefile";

const run = promisify(execFile);

interface WaveFileLike {
  fromScratch(channels: number, sampleRate: number, bitDepth: string, samples: Int16Array | number[]): void;
  fromBuffer(bytes: Uint8Array): void;
  toALaw(): void;
  toMuLaw(): void;
  toBuffer(): Uint8Array;
  getSamples(interleaved: boolean, type: typeof Float64Array): Float64Array | Float64Array[];
  readonly fmt: { readonly numChannels: number; readonly sampleRate: number; readonly bitsPerSample: number };
}

// wavefile ships a UMD bundle without an `exports` map: under Node ESM the class is on `default` (libraries.md §7).
const ns = wavefileNs as unknown as {
  WaveFile?: new () => WaveFileLike;
  default?: { WaveFile: new () => WaveFileLike };
};
const WaveFile = ns.WaveFile ?? ns.default?.WaveFile;
if (WaveFile === undefined) throw new Error("wavefile: no WaveFile export");

export const SAMPLE_RATE = 8000;

/** A sine tone as 16-bit PCM at 8 kHz. */
export function toneSamples(frequencyHz: number, seconds: number, amplitude = 0.5): Int16Array {
  const out = new Int16Array(Math.round(seconds * SAMPLE_RATE));
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequencyHz * i) / SAMPLE_RATE));
  }
  return out;
}

/** Writes an 8 kHz mono WAV: 16-bit PCM, or A-law / µ-law encoded (what sipp's rtp_stream sends as it is). */
export function writeToneWav(path: string, samples: Int16Array, encoding: "pcm" | "alaw" | "ulaw" = "pcm"): void {
  const wav = new (WaveFile as new () => WaveFileLike)();
  wav.fromScratch(1, SAMPLE_RATE, "16", samples);
  if (encoding === "alaw") wav.toALaw();
  if (encoding === "ulaw") wav.toMuLaw();
  writeFileSync(path, wav.toBuffer());
}

export interface WavContent {
  readonly sampleRate: number;
  readonly bitsPerSample: number;
  /** One Int16Array per channel (left first). */
  readonly channels: Int16Array[];
}

/** Reads a WAV back with wavefile (throws when it is not a readable WAV). */
export function readWavFile(path: string): WavContent {
  const wav = new (WaveFile as new () => WaveFileLike)();
  wav.fromBuffer(readFileSync(path));
  const raw = wav.getSamples(false, Float64Array);
  const list = Array.isArray(raw) ? raw : [raw];
  return {
    sampleRate: wav.fmt.sampleRate,
    bitsPerSample: wav.fmt.bitsPerSample,
    channels: list.map((channel) => Int16Array.from(channel)),
  };
}

export interface SoxInfo {
  readonly channels: number;
  readonly sampleRate: number;
  readonly samples: number;
}

/** `sox --i`: what an independent tool reads from the file's header (rejects when sox cannot open it). */
export async function soxInfo(path: string): Promise<SoxInfo> {
  const { stdout } = await run("sox", ["--i", path], { timeout: 10_000 });
  const field = (name: string): string => {
    const match = new RegExp(`^${name}\\s*:\\s*(.+)$`, "m").exec(stdout);
    if (match?.[1] === undefined) throw new Error(`sox --i ${path}: no "${name}" line in:\n${stdout}`);
    return match[1].trim();
  };
  // sox prints no Duration line for a WAV whose header says it holds no samples.
  const duration = /^Duration\s*:\s*(.+)$/m.exec(stdout)?.[1];
  const samples = duration === undefined ? "0" : /=\s*(\d+)\s+samples/.exec(duration)?.[1];
  return {
    channels: Number(field("Channels")),
    sampleRate: Number(field("Sample Rate")),
    samples: Number(samples ?? NaN),
  };
}

/** Goertzel power of `frequencyHz` in `window`. */
function goertzel(window: Int16Array, frequencyHz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / SAMPLE_RATE);
  let s1 = 0;
  let s2 = 0;
  for (const x of window) {
    const s0 = x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

/** 100 ms windows: 10 Hz bins, so a 1 Hz scan finds a pure tone's frequency well within ±2 %. */
const WINDOW = 800;

export interface ToneAnalysis {
  /** 100 ms windows in the signal. */
  readonly windows: number;
  /** Windows whose strongest frequency near the target is within the tolerance and that hold most of the energy. */
  readonly toneWindows: number;
  /** Seconds of tone (toneWindows × 0.1). */
  readonly toneSeconds: number;
  /** The median frequency found in the tone windows (NaN when none). */
  readonly medianHz: number;
}

/**
 * Where `samples` carry `frequencyHz` (±`tolerance`): per 100 ms window, the strongest frequency within ±20 % of the
 * target (1 Hz steps) must be within the tolerance and carry at least half of the window's energy, at -30 dBFS or
 * louder.
 */
export function analyzeTone(samples: Int16Array, frequencyHz: number, tolerance = 0.02): ToneAnalysis {
  let windows = 0;
  let toneWindows = 0;
  const found: number[] = [];
  for (let at = 0; at + WINDOW <= samples.length; at += WINDOW) {
    windows++;
    const window = samples.subarray(at, at + WINDOW);
    let energy = 0;
    for (const x of window) energy += x * x;
    const rms = Math.sqrt(energy / WINDOW) / 32768;
    if (rms === 0 || 20 * Math.log10(rms) < -30) continue;
    let bestHz = 0;
    let bestPower = -1;
    for (let hz = Math.floor(frequencyHz * 0.8); hz <= Math.ceil(frequencyHz * 1.2); hz++) {
      const power = goertzel(window, hz);
      if (power > bestPower) {
        bestPower = power;
        bestHz = hz;
      }
    }
    // Parseval: a pure tone's Goertzel power is about N/2 × its energy.
    const share = (2 * bestPower) / (WINDOW * energy);
    if (share >= 0.5 && Math.abs(bestHz - frequencyHz) <= frequencyHz * tolerance) {
      toneWindows++;
      found.push(bestHz);
    }
  }
  found.sort((a, b) => a - b);
  return {
    windows,
    toneWindows,
    toneSeconds: toneWindows * (WINDOW / SAMPLE_RATE),
    medianHz: found.length === 0 ? NaN : (found[Math.floor(found.length / 2)] ?? NaN),
  };
}
