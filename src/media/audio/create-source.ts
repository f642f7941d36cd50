import type { SourceSpec } from "../media-pipeline.js";
import type { AudioSource } from "./audio-source.js";
import { SilenceSource } from "./silence-source.js";
import { ToneSource } from "./tone-source.js";
import { WavSource } from "./wav-source.js";

/** The source kinds that are plain PCM generators; pcap replay and echo are RTP-level and live in media/rtp/. */
export type PcmSourceSpec = Extract<SourceSpec, { readonly kind: "tone" | "silence" | "wav" }>;

export function isPcmSourceSpec(spec: SourceSpec): spec is PcmSourceSpec {
  return spec.kind === "tone" || spec.kind === "silence" || spec.kind === "wav";
}

/**
 * Builds the source; a WAV file without decoded `pcm` is read and checked here (FILE_ERROR naming the file), tone
 * values too. The spec's `codec` is for the sender (SourcePlayer), not the source.
 */
export function createSource(spec: PcmSourceSpec): AudioSource {
  switch (spec.kind) {
    case "tone":
      return new ToneSource({ frequencyHz: spec.frequencyHz, levelDbfs: spec.levelDbfs });
    case "silence":
      return new SilenceSource();
    case "wav":
      return new WavSource(
        spec.pcm === undefined
          ? { path: spec.path, loops: spec.loops }
          : { path: spec.path, loops: spec.loops, pcm: spec.pcm },
      );
  }
}
