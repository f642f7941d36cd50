/**
 * The one audio format inside sipwright: 8 kHz, 16-bit signed, mono PCM in 20 ms frames of 160 samples
 * (RFC 3551 4.5: G.711 at 8000 Hz; 20 ms is the default packetisation of PCMU/PCMA).
 */
export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;
export const BYTES_PER_SAMPLE = 2;

/** Full scale of a 16-bit sample. */
export const FULL_SCALE = 32767;

/** The floor reported for digital silence (a frame of zeros has no finite level). */
export const MIN_LEVEL_DBFS = -120;

/**
 * AES17 convention: a full-scale sine is 0 dBFS, so the level of a frame is its RMS plus 3.01 dB. A tone generated at
 * L dBFS is measured at L dBFS.
 */
export function rmsToDbfs(rms: number): number {
  if (rms <= 0) return MIN_LEVEL_DBFS;
  return Math.max(MIN_LEVEL_DBFS, 20 * Math.log10((rms * Math.SQRT2) / FULL_SCALE));
}

/** Peak amplitude of a sine at `levelDbfs` (AES17: 0 dBFS = full-scale sine). */
export function dbfsToAmplitude(levelDbfs: number): number {
  return FULL_SCALE * 10 ** (levelDbfs / 20);
}
