/**
 * Follows a growing NDJSON file (live.ndjson, call_records.jsonl) written by a job's process: polls its size and
 * hands each complete new line over; a partial last line waits for its newline.
 */
import { open, stat } from "node:fs/promises";

export class FileTail {
  readonly #path: string;
  readonly #onLine: (line: string) => void;
  #offset = 0;
  #rest: Buffer = Buffer.alloc(0);
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> | undefined;

  constructor(path: string, onLine: (line: string) => void) {
    this.#path = path;
    this.#onLine = onLine;
  }

  start(periodMs = 100): void {
    this.#timer = setInterval(() => void this.poll(), periodMs);
    this.#timer.unref();
  }

  /** Reads what was appended since the last call (one read at a time). */
  poll(): Promise<void> {
    this.#reading ??= this.#read().finally(() => (this.#reading = undefined));
    return this.#reading;
  }

  async #read(): Promise<void> {
    let size: number;
    try {
      size = (await stat(this.#path)).size;
    } catch {
      return; // Not written yet.
    }
    if (size <= this.#offset) return;
    const handle = await open(this.#path, "r");
    try {
      const buffer = Buffer.alloc(size - this.#offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.#offset);
      this.#offset += bytesRead;
      // Split on the last newline byte: a multi-byte character is never cut in two.
      const data = Buffer.concat([this.#rest, buffer.subarray(0, bytesRead)]);
      const end = data.lastIndexOf(0x0a);
      this.#rest = end < 0 ? data : data.subarray(end + 1);
      if (end < 0) return;
      for (const line of data.subarray(0, end).toString("utf8").split("\n")) {
        if (line.trim() !== "") this.#onLine(line);
      }
    } finally {
      await handle.close();
    }
  }

  /** A last read (the writer has ended), then stop polling. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#reading;
    await this.poll();
  }
}
