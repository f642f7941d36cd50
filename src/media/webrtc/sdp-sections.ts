/**
 * SDP as lines grouped by section (RFC 8866 5: session-level lines, then one group per `m=` line), for the small
 * textual rewrites the bridge makes on the way into and out of werift. CRLF and bare LF both read; blank lines and
 * surrounding whitespace are dropped; output always uses CRLF (RFC 8866 5) and ends with one.
 */
export interface SdpSections {
  readonly session: string[];
  /** Each media section starts with its `m=` line. */
  readonly media: string[][];
}

export function splitSdp(body: string): SdpSections {
  const session: string[] = [];
  const media: string[][] = [];
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("m=")) media.push([line]);
    else (media.at(-1) ?? session).push(line);
  }
  return { session, media };
}

export function joinSdp(sections: SdpSections): string {
  return [...sections.session, ...sections.media.flat()].map((line) => `${line}\r\n`).join("");
}

/** The value of the first `a=<name>:value` (or `a=<name>` flag, value "") among `lines`. */
export function attribute(lines: readonly string[], name: string): string | undefined {
  for (const line of lines) {
    if (line === `a=${name}`) return "";
    if (line.startsWith(`a=${name}:`)) return line.slice(name.length + 3).trim();
  }
  return undefined;
}

/** The media kind of an `m=` line (`audio`, `video`, `application`). */
export function mediaKind(section: readonly string[]): string {
  return section[0]?.slice(2).split(" ")[0] ?? "";
}
