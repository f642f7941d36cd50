/**
 * The canonical 44-byte RIFF/WAVE header of 16-bit PCM: "RIFF" size "WAVE", a 16-byte "fmt " chunk
 * (format tag 1 = PCM), then "data" size. Both sizes are little-endian byte counts; RIFF size = 36 + data size.
 */
import { BYTES_PER_SAMPLE, SAMPLE_RATE } from "./audio-format.js";

export const WAV_HEADER_BYTES = 44;

/** The largest data chunk a RIFF file can describe (32-bit sizes). */
export const MAX_WAV_DATA_BYTES = 0xffffffff - (WAV_HEADER_BYTES - 8);

export function wavHeader(channels: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  const blockAlign = channels * BYTES_PER_SAMPLE;
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, 4);
  h.write("WAVE", 8, "ascii");
  h.write("fmt ", 12, "ascii");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(SAMPLE_RATE * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(8 * BYTES_PER_SAMPLE, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(dataBytes, 40);
  return h;
}
