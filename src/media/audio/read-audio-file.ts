/**
 * Reads the file of an `rtp_stream` action into 16-bit PCM: a file that starts with `RIFF` is a WAV file (8 kHz
 * mono, 16-bit PCM, A-law or µ-law: read-wav-pcm.ts); anything else is raw G.711 in `rawCodec` (read-raw-g711.ts),
 * as SIPp streams raw files.
 */
import { SipwrightError } from "../../shared/errors.js";
import { INPUT_FILES, readInputFile } from "../../shared/input-files.js";
import type { G711Codec } from "../media-pipeline.js";
import { decodeRawG711 } from "./read-raw-g711.js";
import { decodeWavPcm } from "./read-wav-pcm.js";

export interface AudioFile {
  readonly format: "wav" | "raw";
  /** The samples (shared by every call that plays the file: never modified). */
  readonly pcm: Int16Array;
}

const RIFF = Buffer.from("RIFF", "latin1");

/** Reads and decodes the whole file; throws FILE_ERROR naming the file when it cannot be used. */
export function readAudioFile(path: string, rawCodec: G711Codec): AudioFile {
  let bytes: Buffer;
  try {
    bytes = readInputFile(path, INPUT_FILES.media);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SipwrightError("FILE_ERROR", `${path}: cannot read: ${message}`, { cause: error });
  }
  if (bytes.subarray(0, RIFF.length).equals(RIFF)) return { format: "wav", pcm: decodeWavPcm(bytes, path) };
  return { format: "raw", pcm: decodeRawG711(bytes, rawCodec, path) };
}
