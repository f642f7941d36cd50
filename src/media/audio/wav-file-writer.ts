/**
 * A streaming 8 kHz 16-bit PCM WAV writer that survives being killed.
 *
 * - The header is written synchronously when the file is opened, with sizes of 0: from the first instant the file
 *   is a valid (empty) WAV.
 * - Samples are appended to an in-memory chunk of `chunkMs` of audio (default 500 ms). A full chunk is written with
 *   one asynchronous positional write(2); once a second of audio (`headerPatchMs`) has been written since the last
 *   patch, the header is rewritten with the sizes written so far. Memory per file is one chunk (and the chunks still
 *   being written); the whole call is never held. Chunks come from a pool shared by every writer of the thread and go
 *   back to it once written, so a recording makes no garbage.
 * - `close()` writes the last partial chunk, patches the header with the final sizes and closes the file.
 *
 * So a process killed at any moment, even by SIGKILL, leaves a playable file whose header covers everything up to
 * the last header patch (at most `headerPatchMs` + `chunkMs` of audio is lost, 1.5 s by default; data beyond the
 * header's size is ignored by players). No fsync: the page cache outlives a killed process; only a machine crash can
 * lose more.
 *
 * A write error stops further writes and is reported by `close()` as a FILE_ERROR naming the file.
 */
import { close as closeFd, openSync, write as writeFd, writeSync } from "node:fs";
import { endianness } from "node:os";
import { ClosedError, SipwrightError } from "../../shared/errors.js";
import { makeParentDirs } from "../../shared/make-dirs.js";
import { BYTES_PER_SAMPLE, SAMPLE_RATE } from "./audio-format.js";
import { MAX_WAV_DATA_BYTES, WAV_HEADER_BYTES, wavHeader } from "./wav-header.js";

export interface WavFileWriterOptions {
  readonly path: string;
  readonly channels: 1 | 2;
  /** Audio buffered before a write (default 500 ms). */
  readonly chunkMs?: number;
  /** Audio written between two header patches, at least (default 1000 ms; a patch follows a chunk's write). */
  readonly headerPatchMs?: number;
}

const LITTLE_ENDIAN = endianness() === "LE";
const DEFAULT_CHUNK_MS = 500;
const DEFAULT_HEADER_PATCH_MS = 1000;

/**
 * Chunk buffers no writer holds, by length: a chunk goes back once its write(2) is done. At most `POOL_CAP` are
 * kept per length (a burst of recordings that ended leaves no more than that behind).
 */
const chunkPool = new Map<number, Int16Array[]>();
const POOL_CAP = 256;

function takeChunk(samples: number): Int16Array {
  return chunkPool.get(samples)?.pop() ?? new Int16Array(samples);
}

function giveBackChunk(chunk: Int16Array): void {
  let free = chunkPool.get(chunk.length);
  if (free === undefined) chunkPool.set(chunk.length, (free = []));
  if (free.length < POOL_CAP) free.push(chunk);
}

export class WavFileWriter {
  readonly path: string;
  readonly channels: 1 | 2;
  readonly #fd: number;
  readonly #chunkSamples: number;
  readonly #patchBytes: number;
  #chunk: Int16Array;
  #chunkFill = 0;
  /** Bytes accepted into the data chunk (written or buffered). */
  #dataBytes = 0;
  /** Bytes of data handed to write(2) so far (the position of the next chunk is header + this). */
  #queuedBytes = 0;
  /** The data size the last header patch queued says. */
  #patchedBytes = 0;
  #queue: Promise<void> = Promise.resolve();
  #error: Error | undefined;
  #truncated = false;
  #closing: Promise<void> | undefined;

  /** Creates the file (and its folder) and writes the header; throws FILE_ERROR when it cannot. */
  constructor(opts: WavFileWriterOptions) {
    this.path = opts.path;
    this.channels = opts.channels;
    const chunkMs = opts.chunkMs ?? DEFAULT_CHUNK_MS;
    const bytesPerMs = (SAMPLE_RATE * BYTES_PER_SAMPLE * opts.channels) / 1000;
    this.#chunkSamples = Math.max(1, Math.round((SAMPLE_RATE * chunkMs) / 1000)) * opts.channels;
    this.#patchBytes = Math.max(1, Math.round((opts.headerPatchMs ?? DEFAULT_HEADER_PATCH_MS) * bytesPerMs));
    this.#chunk = takeChunk(this.#chunkSamples);
    try {
      makeParentDirs(opts.path);
      this.#fd = openSync(opts.path, "w");
      writeSync(this.#fd, wavHeader(this.channels, 0), 0, WAV_HEADER_BYTES, 0);
    } catch (error) {
      throw new SipwrightError("FILE_ERROR", `cannot create ${opts.path}: ${messageOf(error)}`, { cause: error });
    }
  }

  /** Sample frames (one sample per channel) accepted so far. */
  get sampleFrames(): number {
    return this.#dataBytes / (BYTES_PER_SAMPLE * this.channels);
  }

  /** True once the 4 GiB RIFF limit was reached and later samples were dropped. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** Appends interleaved samples (copied at once). Throws ClosedError after close(); ignored after a write error. */
  append(samples: Int16Array): void {
    this.appendSamples(samples, 0, samples.length);
  }

  /** Appends `count` samples of `samples` from `start`; a range beyond `samples` is filled with silence. */
  appendSamples(samples: Int16Array, start: number, count: number): void {
    if (this.#closing !== undefined) throw new ClosedError(`WAV writer for ${this.path}`);
    if (this.#error !== undefined) return;
    if (this.#dataBytes + count * BYTES_PER_SAMPLE > MAX_WAV_DATA_BYTES) {
      this.#truncated = true;
      return;
    }
    this.#dataBytes += count * BYTES_PER_SAMPLE;
    let done = 0;
    while (done < count) {
      const n = Math.min(count - done, this.#chunkSamples - this.#chunkFill);
      const from = start + done;
      const available = Math.max(0, Math.min(n, samples.length - from));
      if (available > 0) this.#chunk.set(samples.subarray(from, from + available), this.#chunkFill);
      if (available < n) this.#chunk.fill(0, this.#chunkFill + available, this.#chunkFill + n);
      this.#chunkFill += n;
      done += n;
      if (this.#chunkFill === this.#chunkSamples) this.#writeChunk();
    }
  }

  /** Appends `count` samples of silence. */
  appendSilence(count: number): void {
    this.appendSamples(EMPTY, 0, count);
  }

  /** Writes what is buffered, patches the header and closes the file. Idempotent. Rejects with FILE_ERROR. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#writeChunk(true);
    await this.#queue;
    giveBackChunk(this.#chunk);
    await new Promise<void>((resolve) => {
      closeFd(this.#fd, (error) => {
        if (error) this.#error ??= error;
        resolve();
      });
    });
    if (this.#error !== undefined) {
      throw new SipwrightError("FILE_ERROR", `cannot write ${this.path}: ${this.#error.message}`, {
        cause: this.#error,
      });
    }
  }

  /**
   * Queues the current chunk (if it holds anything) and, when a second of audio has been queued since the last patch
   * or on `final`, a header covering everything queued up to it. The chunk goes back to the pool once written.
   */
  #writeChunk(final = false): void {
    const chunk = this.#chunk;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, this.#chunkFill * BYTES_PER_SAMPLE);
    // RIFF is little-endian.
    if (!LITTLE_ENDIAN) bytes.swap16();
    const position = WAV_HEADER_BYTES + this.#queuedBytes;
    this.#queuedBytes += bytes.length;
    const patch = final || this.#queuedBytes - this.#patchedBytes >= this.#patchBytes;
    const header = patch ? wavHeader(this.channels, this.#queuedBytes) : undefined;
    if (patch) this.#patchedBytes = this.#queuedBytes;
    if (!final) this.#chunk = takeChunk(this.#chunkSamples);
    this.#chunkFill = 0;
    this.#queue = this.#queue.then(async () => {
      try {
        if (this.#error !== undefined) return;
        if (bytes.length > 0) await writeAll(this.#fd, bytes, position);
        if (header !== undefined) await writeAll(this.#fd, header, 0);
      } catch (error) {
        // Recorded, not swallowed: close() reports it as FILE_ERROR; later chunks are skipped.
        this.#error = error instanceof Error ? error : new Error(String(error));
      } finally {
        if (!final) giveBackChunk(chunk);
      }
    });
  }
}

const EMPTY = new Int16Array(0);

/** One positional write(2); a short write (rare on a regular file) continues with the rest. */
async function writeAll(fd: number, data: Buffer, position: number): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    offset += await new Promise<number>((resolve, reject) => {
      writeFd(fd, data, offset, data.length - offset, position + offset, (error, written) => {
        if (error) reject(error);
        else if (written === 0) reject(new Error("write(2) wrote nothing"));
        else resolve(written);
      });
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
