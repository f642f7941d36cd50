/**
 * Appends JSON objects to a JSONL file, one per line, for files that must survive an interrupted run
 * (call_records.jsonl). The file is opened in append mode and never rewritten.
 *
 * Whole lines only: records are serialised straight into a batch buffer, and a batch goes out in one write(2) of
 * complete lines when it reaches `flushBytes` (64 KiB), `flushIntervalMs` (100 ms) after its first record, on
 * `flush()` and on `close()`. A process killed between writes (even by SIGKILL) leaves a file of complete lines; it loses at most
 * the last batch. No fsync and no synchronous write per record: the engine ends thousands of calls per second.
 *
 * A write error stops further writes and is reported by `flush()`/`close()` as a FILE_ERROR, so a full disk never
 * crashes a run but is never hidden either.
 */
import { close as closeFd, openSync, write as writeFd } from "node:fs";
import { systemClock, type Clock, type TimerHandle } from "../shared/clock.js";
import { ClosedError, SipwrightError } from "../shared/errors.js";
import { makeParentDirs } from "../shared/make-dirs.js";

export interface JsonlWriterOptions {
  readonly path: string;
  readonly clock?: Clock;
  /** A batch older than this is written (default 100 ms). */
  readonly flushIntervalMs?: number;
  /** A batch this large (bytes) is written at once (default 64 KiB). */
  readonly flushBytes?: number;
}

const DEFAULT_FLUSH_INTERVAL_MS = 100;
const DEFAULT_FLUSH_BYTES = 64 * 1024;
const LF = 0x0a;

export class JsonlWriter<T = unknown> {
  readonly path: string;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #flushBytes: number;
  readonly #fd: number;
  /** Serialised lines (UTF-8, each with its LF) waiting for the next write: #pendingSize bytes of #batch. */
  #batch: Buffer;
  /** The batch buffer of the last write, once that write is done: the next batch reuses it (no 80 KiB per batch). */
  #spare: Buffer | undefined;
  #pendingSize = 0;
  #pendingLines = 0;
  #timer: TimerHandle | undefined;
  /** Lines in the write(2) in flight; 0 when none is. */
  #writing = 0;
  /** Lines known to be in the file. */
  #written = 0;
  /** flush() callers, each waiting for the lines accepted before its call (or for a write error). */
  #waiters: { readonly lines: number; readonly resolve: () => void }[] = [];
  #lines = 0;
  #error: Error | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  /** Opens `path` for appending (creating it and its folder); throws FILE_ERROR when it cannot. */
  constructor(opts: JsonlWriterOptions) {
    this.path = opts.path;
    this.#clock = opts.clock ?? systemClock;
    this.#intervalMs = opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.#flushBytes = opts.flushBytes ?? DEFAULT_FLUSH_BYTES;
    this.#batch = Buffer.allocUnsafe(this.#batchBytes(0));
    try {
      makeParentDirs(opts.path);
      this.#fd = openSync(opts.path, "a");
    } catch (error) {
      throw new SipwrightError("FILE_ERROR", `cannot open ${opts.path}: ${messageOf(error)}`, { cause: error });
    }
  }

  /** Lines accepted so far (written or waiting in the current batch). */
  get lines(): number {
    return this.#lines;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Queues one record as one line. Throws ClosedError after close(); ignored after a write error. */
  write(record: T): void {
    if (this.#closed) throw new ClosedError(`JSONL writer for ${this.path}`);
    if (this.#error !== undefined) return;
    // JSON.stringify has no text for undefined (or a function): "undefined", as `+ "\n"` made of it before.
    const line = (JSON.stringify(record) as string | undefined) ?? "undefined";
    // UTF-8 needs at most 3 bytes per UTF-16 code unit, plus the LF.
    const room = line.length * 3 + 1;
    if (this.#pendingSize + room > this.#batch.length) {
      // Grows by doubling: lines keep coming while a write is in flight.
      const bigger = Buffer.allocUnsafe(this.#batchBytes(Math.max(this.#pendingSize + room, 2 * this.#batch.length)));
      this.#batch.copy(bigger, 0, 0, this.#pendingSize);
      this.#batch = bigger;
    }
    this.#pendingSize += this.#batch.write(line, this.#pendingSize, "utf8");
    this.#batch[this.#pendingSize++] = LF;
    this.#pendingLines++;
    this.#lines++;
    if (this.#pendingSize >= this.#flushBytes) {
      this.#cancelTimer();
      this.#startWrite();
    } else {
      this.#timer ??= this.#clock.setTimer(this.#intervalMs, () => this.#tick());
    }
  }

  /**
   * Writes the current batch now; resolves once every line accepted before this call is in the file (lines written
   * meanwhile do not hold it up). Rejects with FILE_ERROR if a write failed.
   */
  flush(): Promise<void> {
    if (this.#error === undefined && this.#written >= this.#lines) return Promise.resolve();
    this.#cancelTimer();
    const done = new Promise<void>((resolve) => this.#waiters.push({ lines: this.#lines, resolve }));
    this.#startWrite();
    this.#settleWaiters();
    return done.then(() => this.#throwIfFailed());
  }

  /** Flushes and closes the file; idempotent. Rejects with FILE_ERROR if any write failed. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    // Lines accepted before close() are written; a write() from here on throws.
    const flushed = this.flush();
    this.#closed = true;
    try {
      await flushed;
    } finally {
      await new Promise<void>((resolve) => {
        closeFd(this.#fd, (error) => {
          if (error) this.#error ??= error;
          resolve();
        });
      });
    }
    this.#throwIfFailed();
  }

  #cancelTimer(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** Starts writing the pending batch unless a write is in flight (its completion picks the batch up). */
  #startWrite(): void {
    if (this.#writing > 0 || this.#pendingLines === 0) return;
    if (this.#error !== undefined) {
      this.#dropPending();
      return;
    }
    // The write in flight keeps its bytes; the next lines go to a fresh batch.
    const batch = this.#batch;
    const data = batch.subarray(0, this.#pendingSize);
    this.#writing = this.#pendingLines;
    this.#batch = this.#spare ?? Buffer.allocUnsafe(this.#batchBytes(0));
    this.#spare = undefined;
    this.#pendingSize = 0;
    this.#pendingLines = 0;
    this.#writeAll(batch, data, 0);
  }

  /** One write(2) of whole lines; a short write (rare on a regular file) continues with the rest. */
  #writeAll(batch: Buffer, data: Buffer, offset: number): void {
    writeFd(this.#fd, data, offset, data.length - offset, null, (error, written) => {
      if (error) {
        this.#error ??= error;
        this.#dropPending();
      } else if (offset + written < data.length) {
        this.#writeAll(batch, data, offset + written);
        return;
      } else {
        this.#written += this.#writing;
      }
      this.#writing = 0;
      // A batch grown past the usual size (one very long line) is not kept.
      if (batch.length === this.#batchBytes(0)) this.#spare = batch;
      this.#settleWaiters();
      // A flush still waiting wants the next batch out now; otherwise it waits for its size or its timer.
      if (this.#waiters.length > 0 || this.#pendingSize >= this.#flushBytes) {
        this.#cancelTimer();
        this.#startWrite();
      } else if (this.#pendingLines > 0) {
        this.#timer ??= this.#clock.setTimer(this.#intervalMs, () => this.#tick());
      }
    });
  }

  #tick(): void {
    this.#timer = undefined;
    this.#startWrite();
  }

  #dropPending(): void {
    this.#pendingSize = 0;
    this.#pendingLines = 0;
  }

  /** A batch buffer for at least `needed` bytes: room for a full batch and the line that completes it. */
  #batchBytes(needed: number): number {
    return Math.max(needed, this.#flushBytes + 16 * 1024);
  }

  /** Resolves the flushes whose lines are all in the file; every one after a write error (they then reject). */
  #settleWaiters(): void {
    const failed = this.#error !== undefined;
    const ready = this.#waiters.filter((w) => failed || w.lines <= this.#written);
    if (ready.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  #throwIfFailed(): void {
    if (this.#error !== undefined) {
      throw new SipwrightError("FILE_ERROR", `cannot write ${this.path}: ${this.#error.message}`, {
        cause: this.#error,
      });
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
