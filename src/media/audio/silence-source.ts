import type { AudioSource } from "./audio-source.js";
import { FRAME_SAMPLES } from "./audio-format.js";

const SILENT_FRAME = new Int16Array(FRAME_SAMPLES);

/** Digital silence, forever (one frame of zeros, lent to every caller). */
export class SilenceSource implements AudioSource {
  nextFrame(): Int16Array {
    return SILENT_FRAME;
  }
}
