/**
 * Raw G.711 files: no header, one byte per 8 kHz sample, in the codec the caller names. SIPp behaviour:
 * `rtp_stream` sends a file that is not a RIFF/WAVE file as it is, as payload of the action's payload type (PCMA
 * for 8, its default; PCMU for 0). We decode it once, so it can be re-encoded when another codec is sent.
 */
import { SipwrightError } from "../../shared/errors.js";
import type { G711Codec } from "../media-pipeline.js";
import { decodeFrame } from "./g711.js";

/** Decodes the bytes of a raw file; `path` names the file in errors. Every byte value is valid G.711. */
export function decodeRawG711(bytes: Uint8Array, codec: G711Codec, path: string): Int16Array {
  // An empty file is a mistake (a wrong path to a file being written, a failed export), not a silent prompt.
  if (bytes.length === 0) throw new SipwrightError("FILE_ERROR", `${path}: empty file (no ${codec} audio)`);
  return decodeFrame(codec, bytes);
}
