/** Test helpers for the audio building blocks: tones, WAV files built and read with wavefile, sox. */
import { spawnSync } from "node:child_process";
import * as wavefileNs from "wavefile";
import { cjsNamespace } from "../../../../src/media/audio/cjs-namespace.js";

export const { WaveFile } = cjsNamespace(wavefileNs, "WaveFile");

/** `count` samples of a sine at `levelDbfs` (AES17: peak = 32767·10^(L/20)), starting at `startSample`. */
export function sine(frequencyHz: number, levelDbfs: number, count: number, startSample = 0): Int16Array {
  const amplitude = 32767 * 10 ** (levelDbfs / 20);
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * (startSample + i)) / 8000));
  }
  return out;
}

/** A WAV file built by wavefile (`bitDepth`: "16", "8", "8a" = A-law codes, "8m" = µ-law codes). */
export function wavBytes(
  channels: number,
  sampleRate: number,
  bitDepth: string,
  samples: ArrayLike<number> | ArrayLike<number>[],
): Uint8Array {
  const wav = new WaveFile();
  wav.fromScratch(channels, sampleRate, bitDepth, samples);
  return wav.toBuffer();
}

export interface WavReadBack {
  readonly audioFormat: number;
  readonly numChannels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
  /** One array per channel. */
  readonly channels: Int16Array[];
}

/** Reads a 16-bit PCM WAV with wavefile. */
export function readWav(bytes: Uint8Array): WavReadBack {
  const wav = new WaveFile(bytes);
  const fmt = wav.fmt as Omit<WavReadBack, "channels">;
  const raw = wav.getSamples(false, Int16Array) as unknown;
  const channels = fmt.numChannels === 1 ? [raw as Int16Array] : [...(raw as Int16Array[])];
  return {
    audioFormat: fmt.audioFormat,
    numChannels: fmt.numChannels,
    sampleRate: fmt.sampleRate,
    bitsPerSample: fmt.bitsPerSample,
    channels,
  };
}

/** True when `sox` can be run (the CI image installs it; a developer machine may not have it). */
export const HAVE_SOX = spawnSync("sox", ["--version"]).status === 0;

/** `sox --i` of a file: its report, or throws with sox's stderr. */
export function soxInfo(path: string): string {
  const r = spawnSync("sox", ["--i", path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`sox --i ${path} failed: ${r.stderr}`);
  return r.stdout;
}
