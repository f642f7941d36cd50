/**
 * The WAV files of a media worker that died: their header still holds the sizes written when the file was opened
 * (the worker finalises them on close, which never came). The engine's thread sets the RIFF and data sizes from
 * what is on disk — whole sample frames only — so the file plays up to the last audio written.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { WAV_HEADER_BYTES } from "../audio/wav-header.js";
import { createLogger } from "../../shared/logger.js";

const log = createLogger("media.workers");

/** True when the file now has a header that covers its data; false (logged) when it is not a WAV we can fix. */
export function finaliseWavHeader(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r+");
    const header = Buffer.alloc(WAV_HEADER_BYTES);
    if (readSync(fd, header, 0, WAV_HEADER_BYTES, 0) < WAV_HEADER_BYTES) return false;
    const canonical =
      header.toString("ascii", 0, 4) === "RIFF" &&
      header.toString("ascii", 8, 12) === "WAVE" &&
      header.toString("ascii", 36, 40) === "data";
    const blockAlign = header.readUInt16LE(32);
    if (!canonical || blockAlign === 0) return false;
    const dataBytes = Math.floor((fstatSync(fd).size - WAV_HEADER_BYTES) / blockAlign) * blockAlign;
    ftruncateSync(fd, WAV_HEADER_BYTES + dataBytes);
    const sizes = Buffer.alloc(4);
    sizes.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes);
    writeSync(fd, sizes, 0, 4, 4);
    sizes.writeUInt32LE(dataBytes);
    writeSync(fd, sizes, 0, 4, 40);
    return true;
  } catch (error) {
    log.warn(`cannot finalise ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
