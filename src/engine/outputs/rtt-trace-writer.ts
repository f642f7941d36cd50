/**
 * SIPp's `-trace_rtt` file (CStat::computeRtt / dumpDataRtt): a `Date_ms;response_time_ms;rtd_no` header, then one
 * row per RTD sample, written in batches of `-rtt_freq` samples (SIPp default 200). `Date_ms` is the time of the
 * sample in ms since the run started; `rtd_no` is the RTD name. Numbers use ostream's default format (`204.001`).
 */
import { TraceFile } from "./trace-file.js";
import { formatG } from "./trace-format.js";

export interface RttTraceWriterOptions {
  path: string;
  /** -stat_delimiter (SIPp default ";"). */
  delimiter?: string;
  /** -rtt_freq: samples per batch. */
  freq?: number;
}

export class RttTraceWriter {
  readonly #file: TraceFile;
  readonly #delimiter: string;
  readonly #freq: number;
  #pending: string[] = [];
  #headerWritten = false;

  constructor(opts: RttTraceWriterOptions) {
    this.#file = new TraceFile(opts.path);
    this.#delimiter = opts.delimiter ?? ";";
    this.#freq = Math.max(1, Math.floor(opts.freq ?? 200));
  }

  get path(): string {
    return this.#file.path;
  }

  /** Records one RTD sample: `atMs` since the run started, `rttMs` the measured time. */
  record(atMs: number, rttMs: number, rtdName: string): void {
    if (this.#file.closed) return;
    const d = this.#delimiter;
    this.#pending.push(`${formatG(atMs)}${d}${formatG(rttMs)}${d}${rtdName}\n`);
    if (this.#pending.length >= this.#freq) this.flush();
  }

  /** Writes the pending samples now (SIPp does this when the batch is full and on SIGUSR2). */
  flush(): void {
    if (this.#file.closed || this.#pending.length === 0) return;
    if (!this.#headerWritten) {
      this.#headerWritten = true;
      const d = this.#delimiter;
      this.#file.write(`Date_ms${d}response_time_ms${d}rtd_no\n`);
    }
    this.#file.write(this.#pending.join(""));
    this.#pending = [];
  }

  /** Writes what is pending (sipwright loses no sample at the end of a run), then closes. */
  close(): Promise<void> {
    this.flush();
    return this.#file.close();
  }
}
