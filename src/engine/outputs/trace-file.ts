/**
 * A buffered text file for traces and statistics: writes go to a stream (never blocking the event loop), `close()`
 * flushes everything, a write after close is ignored. A write error stops further writes and is reported by
 * `close()` as a FILE_ERROR, so a full disk never crashes a run but is never hidden either.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { SipwrightError } from "../../shared/errors.js";
import { makeParentDirs } from "../../shared/make-dirs.js";

export class TraceFile {
  readonly path: string;
  readonly #stream: WriteStream;
  #closed = false;
  #error: Error | undefined;
  #closing: Promise<void> | undefined;

  /** Opens (truncates) `path`, creating its folder. SIPp behaviour: `-*_overwrite` defaults to true. */
  constructor(path: string) {
    this.path = path;
    try {
      makeParentDirs(path);
    } catch (error) {
      throw new SipwrightError("FILE_ERROR", `cannot create the folder of ${path}`, { cause: error });
    }
    this.#stream = createWriteStream(path, { flags: "w", encoding: "utf8" });
    this.#stream.on("error", (err) => {
      // Remembered and reported by close(); the stream is unusable from here on.
      this.#error ??= err;
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(chunk: string | Uint8Array): void {
    if (this.#closed || this.#error) return;
    this.#stream.write(chunk);
  }

  /** Flushes and closes; idempotent. Rejects with FILE_ERROR if any write failed. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        if (this.#error) {
          reject(
            new SipwrightError("FILE_ERROR", `cannot write ${this.path}: ${this.#error.message}`, {
              cause: this.#error,
            }),
          );
        } else {
          resolve();
        }
      };
      if (this.#stream.destroyed) {
        settle();
        return;
      }
      this.#stream.once("close", settle);
      this.#stream.end();
    });
    return this.#closing;
  }
}
