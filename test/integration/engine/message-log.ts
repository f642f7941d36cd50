/**
 * Reads a -trace_msg log back into messages (SIPp's format: a separator line with the date, then
 * "<T> message sent (<n> bytes):" or "<T> message received [<n>] bytes :", a blank line and the message).
 */

export interface LoggedMessage {
  readonly direction: "sent" | "received";
  readonly transport: string;
  /** Wall-clock time of the log entry, ms since the epoch (local time, as the log writes it). */
  readonly timeMs: number;
  readonly startLine: string;
  /** The first value of a header (case-insensitive name, no compact forms). */
  header(name: string): string | undefined;
}

const ENTRY =
  /^-{20,} (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})\d*\r?\n(\S+) message (sent|received)[^\n]*\n\r?\n/gm;

export function parseMessageLog(text: string): LoggedMessage[] {
  const starts = [...text.matchAll(ENTRY)];
  return starts.map((m, i) => {
    const begin = m.index + m[0].length;
    const end = starts[i + 1]?.index ?? text.length;
    const lines = text.slice(begin, end).split(/\r?\n/);
    const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const headers: [string, string][] = [];
    for (const line of lines.slice(1)) {
      if (line === "") break;
      const colon = line.indexOf(":");
      if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    }
    return {
      direction: m[9] === "sent" ? "sent" : "received",
      transport: m[8] ?? "",
      timeMs: new Date(y, mo - 1, d, h, mi, s, ms).getTime(),
      startLine: lines[0] ?? "",
      header: (name: string) => headers.find(([n]) => n === name.toLowerCase())?.[1],
    };
  });
}
