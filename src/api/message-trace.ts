/**
 * Reads a `-trace_msg` file (trace-writers.ts MessageTraceWriter, SIPp's format) back into messages:
 * `----------------------------------------------- YYYY-MM-DD HH:MM:SS.uuuuuu` (local time), a title line
 * (`UDP message sent (N bytes):` / `UDP message received [N] bytes :`), an empty line, N bytes of message, `\n`.
 * The byte count delimits each message, so a message that contains the separator is still read whole.
 */
import { readFile, stat } from "node:fs/promises";

const SEPARATOR = Buffer.from("----------------------------------------------- ");
const TITLE = /^(\w+) message (sent|received) (?:\((\d+) bytes\):|\[(\d+)\] bytes :)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6})$/;

export interface TracedMessage {
  index: number;
  direction: "sent" | "received";
  time: string | null;
  transport: string;
  first_line: string;
  call_id: string | null;
  text: string;
}

function localDate(text: string): string | null {
  const m = DATE.exec(text);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, us] = m.map(Number) as [number, number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s, Math.floor(us / 1000)).toISOString();
}

function callIdOf(text: string): string | null {
  const head = text.split(/\r?\n\r?\n/, 1)[0] ?? "";
  for (const line of head.split(/\r?\n/)) {
    const m = /^(call-id|i)\s*:\s*(.*)$/i.exec(line);
    if (m) return (m[2] ?? "").trim();
  }
  return null;
}

function lineAt(data: Buffer, start: number): { text: string; next: number } | undefined {
  const end = data.indexOf(0x0a, start);
  if (end < 0) return undefined;
  return { text: data.subarray(start, end).toString("latin1"), next: end + 1 };
}

/** Every complete message of the trace, in file order (a torn last entry is left out). */
export function parseMessageTrace(data: Buffer): TracedMessage[] {
  const out: TracedMessage[] = [];
  let pos = data.indexOf(SEPARATOR);
  while (pos >= 0) {
    const dateLine = lineAt(data, pos + SEPARATOR.length);
    const titleLine = dateLine && lineAt(data, dateLine.next);
    const title = titleLine && TITLE.exec(titleLine.text);
    if (!dateLine || !titleLine || !title) {
      pos = data.indexOf(SEPARATOR, pos + 1);
      continue;
    }
    const length = Number(title[3] ?? title[4]);
    const start = titleLine.next + 1; // the empty line
    if (start + length > data.length) break;
    const text = data.subarray(start, start + length).toString("latin1");
    out.push({
      index: out.length,
      direction: title[2] === "sent" ? "sent" : "received",
      time: localDate(dateLine.text),
      transport: title[1] ?? "",
      first_line: text.split(/\r?\n/, 1)[0] ?? "",
      call_id: callIdOf(text),
      text,
    });
    pos = data.indexOf(SEPARATOR, start + length);
  }
  return out;
}

/** The messages of one call (its Call-ID), numbered from 0 in order. */
export function callMessages(data: Buffer, callId: string): Omit<TracedMessage, "call_id">[] {
  return parseMessageTrace(data)
    .filter((m) => m.call_id === callId)
    .map(({ call_id: _, ...m }, index) => ({ ...m, index }));
}

/**
 * The last traces read, grouped by Call-ID, kept while their file does not change (size and mtime): opening the
 * calls of a finished job one after another parses its trace once (a 60 MB trace takes about a second).
 */
export class TraceCache {
  readonly #entries = new Map<string, { key: string; byCall: Map<string, TracedMessage[]> }>();
  readonly #max: number;

  constructor(max = 2) {
    this.#max = max;
  }

  async callMessages(path: string, callId: string): Promise<Omit<TracedMessage, "call_id">[]> {
    let info;
    try {
      info = await stat(path);
    } catch {
      return [];
    }
    const key = `${info.size}:${info.mtimeMs}`;
    let entry = this.#entries.get(path);
    if (entry?.key !== key) {
      const byCall = new Map<string, TracedMessage[]>();
      for (const m of parseMessageTrace(await readFile(path))) {
        if (m.call_id === null) continue;
        const list = byCall.get(m.call_id) ?? [];
        list.push(m);
        byCall.set(m.call_id, list);
      }
      entry = { key, byCall };
      this.#entries.delete(path);
      this.#entries.set(path, entry);
      while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value ?? path);
    }
    return (entry.byCall.get(callId) ?? []).map(({ call_id: _, ...m }, index) => ({ ...m, index }));
  }
}
