/**
 * What a media pipeline sends: a pull source of 20 ms frames of 8 kHz 16-bit mono PCM (see audio-format.ts).
 * The pipeline's shared 20 ms scheduler calls `nextFrame()` once per tick and per stream.
 */
import type { G711Codec } from "../media-pipeline.js";

export interface AudioSource {
  /**
   * The next 160-sample frame, or `undefined` once the source has ended (and on every later call). The returned
   * array is only lent: read it before the next call and never modify it (a tone hands out frames shared by every
   * call playing it). Whoever keeps audio copies it, as the recorders do.
   */
  nextFrame(): Int16Array | undefined;
  /**
   * The G.711 encoding of the frame `nextFrame()` returned last, when the source has it ready (a tone encodes its
   * frames once for every call); `undefined` means the caller encodes. Lent like the frame.
   */
  encodedFrame?(codec: G711Codec): Uint8Array | undefined;
}
