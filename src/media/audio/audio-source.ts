/**
 * What a media pipeline sends: a pull source of 20 ms frames of 8 kHz 16-bit mono PCM (see audio-format.ts).
 * The pipeline's shared 20 ms scheduler calls `nextFrame()` once per tick and per stream.
 */
export interface AudioSource {
  /**
   * The next 160-sample frame, or `undefined` once the source has ended (and on every later call). The returned
   * array belongs to the caller (a fresh array each time), so it may be kept or modified.
   */
  nextFrame(): Int16Array | undefined;
}
