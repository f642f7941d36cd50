import type { AudioSource } from "./audio-source.js";
import { FRAME_SAMPLES } from "./audio-format.js";

/** Digital silence, forever. */
export class SilenceSource implements AudioSource {
  nextFrame(): Int16Array {
    return new Int16Array(FRAME_SAMPLES);
  }
}
