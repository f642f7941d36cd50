/**
 * A job's call_records.jsonl without reading it whole on every request (docs/api.md "Routes", records). Each file
 * gets a line-offset index in memory — the byte offset where every complete line starts — built on first use and
 * extended by reading only what was appended since (a restarted server builds it again on first use). A page
 * without filters reads just its own bytes; a filtered query streams through the indexed part of the file in chunks,
 * parsing only lines that can match and keeping only the page. A partial last line (no newline yet) is never indexed.
 */
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import type { CallRecord } from "../records/call-record.js";

export interface RecordFilter {
  readonly result?: string | undefined;
  readonly failure_class?: string | undefined;
  readonly call_id?: string | undefined;
}

export interface RecordPage {
  /** Matching records (without filters: the complete lines of the file). */
  readonly total: number;
  readonly records: CallRecord[];
}

const CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;

function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}

function parse(line: Buffer): CallRecord | undefined {
  try {
    return JSON.parse(line.toString("utf8")) as CallRecord;
  } catch {
    return undefined; // Not a record (a torn line of a killed writer).
  }
}

function matches(r: CallRecord, f: RecordFilter): boolean {
  return (
    (f.result === undefined || r.result === f.result) &&
    (f.failure_class === undefined || r.failure?.class === f.failure_class) &&
    (f.call_id === undefined || r.call_id === f.call_id)
  );
}

/** `"result":"` as the records writer spells it (JSON.stringify, no spaces): every record line has it. */
const COMPACT_MARK = Buffer.from('"result":"');

/** `"key":value` of each filter, as JSON.stringify writes it in a matching line. */
function filterNeedles(f: RecordFilter): Buffer[] {
  const pairs: [string, string | undefined][] = [
    ["result", f.result],
    ["class", f.failure_class],
    ["call_id", f.call_id],
  ];
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([key, value]) => Buffer.from(`${JSON.stringify(key)}:${JSON.stringify(value)}`));
}

/**
 * Whether a line needs parsing: it has every needle, or it is not in the writer's compact form (then the needles
 * say nothing and it is parsed anyway). A line without them cannot match: most lines are skipped unparsed.
 */
function mayMatch(line: Buffer, needles: readonly Buffer[]): boolean {
  return needles.every((n) => line.includes(n)) || !line.includes(COMPACT_MARK);
}

/** Calls `onLine` for every non-blank line in bytes [0, end) of the file, in order; `false` from it stops. */
async function eachLine(path: string, end: number, onLine: (line: Buffer) => boolean): Promise<void> {
  if (end === 0) return;
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { start: 0, end: end - 1, highWaterMark: CHUNK })) {
    const data = rest.length === 0 ? (chunk as Buffer) : Buffer.concat([rest, chunk as Buffer]);
    let from = 0;
    for (let nl = data.indexOf(NEWLINE); nl >= 0; nl = data.indexOf(NEWLINE, from)) {
      const line = data.subarray(from, nl);
      from = nl + 1;
      if (!isBlank(line) && !onLine(line)) return;
    }
    rest = data.subarray(from);
  }
}

/** The start offset of every complete, non-blank line of one file. */
class LineIndex {
  starts: number[] = [];
  /** Bytes indexed: just past the last newline seen. */
  end = 0;
  #ino = -1;
  #updating: Promise<void> | undefined;

  /** Indexes what was appended since the last update (one update at a time). */
  update(path: string): Promise<void> {
    this.#updating ??= this.#extend(path).finally(() => (this.#updating = undefined));
    return this.#updating;
  }

  async #extend(path: string): Promise<void> {
    const info = await stat(path).catch(() => undefined);
    if (info?.ino !== this.#ino || info.size < this.end) {
      // Not written yet, replaced or truncated: start again.
      this.starts = [];
      this.end = 0;
      this.#ino = info?.ino ?? -1;
    }
    if (info === undefined || info.size === this.end) return;
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(CHUNK);
      let lineStart = this.end;
      let position = this.end;
      while (position < info.size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, info.size - position), position);
        if (bytesRead === 0) break;
        for (let i = buffer.indexOf(NEWLINE); i >= 0 && i < bytesRead; i = buffer.indexOf(NEWLINE, i + 1)) {
          const nl = position + i;
          if (nl > lineStart && !(await this.#blank(handle, lineStart, nl))) this.starts.push(lineStart);
          lineStart = nl + 1;
        }
        position += bytesRead;
      }
      this.end = lineStart;
    } finally {
      await handle.close();
    }
  }

  /** Only short lines can be blank; a record line is never short, so this reads almost never. */
  async #blank(handle: import("node:fs/promises").FileHandle, start: number, end: number): Promise<boolean> {
    if (end - start > 8) return false;
    const line = Buffer.alloc(end - start);
    await handle.read(line, 0, line.length, start);
    return isBlank(line);
  }
}

/** One index per records file, kept while the server runs. */
export class RecordsStore {
  readonly #indexes = new Map<string, LineIndex>();

  async #index(path: string): Promise<LineIndex> {
    let index = this.#indexes.get(path);
    if (index === undefined) {
      index = new LineIndex();
      this.#indexes.set(path, index);
    }
    await index.update(path);
    return index;
  }

  /** The matching records [offset, offset + limit) and how many match in all. */
  async page(path: string, filter: RecordFilter, offset: number, limit: number): Promise<RecordPage> {
    const index = await this.#index(path);
    const filtered = filter.result !== undefined || filter.failure_class !== undefined || filter.call_id !== undefined;
    if (!filtered) return { total: index.starts.length, records: await this.#slice(path, index, offset, limit) };
    const needles = filterNeedles(filter);
    const records: CallRecord[] = [];
    let total = 0;
    await eachLine(path, index.end, (line) => {
      if (!mayMatch(line, needles)) return true;
      const record = parse(line);
      if (record === undefined || !matches(record, filter)) return true;
      if (total >= offset && records.length < limit) records.push(record);
      total += 1;
      return true;
    });
    return { total, records };
  }

  /** The record of one call number (the first line that has it). */
  async find(path: string, callNumber: number): Promise<CallRecord | undefined> {
    const index = await this.#index(path);
    const needle = Buffer.from(String(callNumber));
    let found: CallRecord | undefined;
    await eachLine(path, index.end, (line) => {
      if (!line.includes(needle)) return true;
      const record = parse(line);
      if (record?.call_number === callNumber) found = record;
      return found === undefined;
    });
    return found;
  }

  /** Drops the index of a removed job's file. */
  forget(path: string): void {
    this.#indexes.delete(path);
  }

  async #slice(path: string, index: LineIndex, offset: number, limit: number): Promise<CallRecord[]> {
    const last = Math.min(offset + limit, index.starts.length);
    if (offset >= last) return [];
    const from = index.starts[offset] ?? 0;
    const to = index.starts[last] ?? index.end;
    const handle = await open(path, "r");
    const bytes = Buffer.alloc(to - from);
    try {
      await handle.read(bytes, 0, bytes.length, from);
    } finally {
      await handle.close();
    }
    const records: CallRecord[] = [];
    let start = 0;
    for (let nl = bytes.indexOf(NEWLINE); nl >= 0; nl = bytes.indexOf(NEWLINE, start)) {
      const line = bytes.subarray(start, nl);
      start = nl + 1;
      const record = isBlank(line) ? undefined : parse(line);
      if (record !== undefined) records.push(record);
    }
    return records;
  }
}
