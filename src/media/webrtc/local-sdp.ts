/**
 * Our own offer or answer as werift wrote it, fixed up before it leaves:
 * - host candidates on addresses outside the configured list are removed (werift advertises every interface);
 * - RFC 8839 4.2.1.2 / 5.1: when the description carries candidates, `m=` and `c=` (and `a=rtcp`) name the default
 *   candidate instead of werift's `9` / `0.0.0.0`, which strict ICE stacks read as an ICE mismatch. RFC 8445
 *   5.1.4: the default is the one most likely to work — relayed, else server-reflexive, else host;
 * - candidates gathered before a bounded wait ran out (`gathered`: werift writes candidates into its description only
 *   once gathering completes, so a STUN server that never answers would otherwise leave even the host candidates
 *   out) are added when the description lacks them;
 * - a complete description (full gathering) ends its candidates with `a=end-of-candidates` (RFC 8840 4.4);
 * - `a=ice-options:trickle` (RFC 8840 4.1, RFC 8838 3) only when `trickleOption` says so: werift always writes it,
 *   but an answer may not carry an option the offer did not (RFC 3264 6), and a description that will never be
 *   followed by trickled candidates does not announce trickle (see docs/media.md "ICE modes").
 * A description without candidates keeps `9` / `0.0.0.0` / `IN IP4 0.0.0.0`, as RFC 8840 4.3.1 requires of trickle.
 */
import { isAllowedLocalCandidate, parseCandidate, type CandidateFields } from "./candidate-line.js";
import { joinSdp, mediaKind, splitSdp } from "./sdp-sections.js";

export interface LocalSdpOptions {
  /** Addresses host candidates may have (empty: any). */
  readonly candidateAddresses: readonly string[];
  /** Gathering is complete and every candidate is in the description. */
  readonly complete: boolean;
  /** Keep the `trickle` ICE option (when false it is removed, other options kept). Default true. */
  readonly trickleOption?: boolean;
  /** Candidates gathered so far (`candidate:...`), added to the audio section when it does not carry them. */
  readonly gathered?: readonly string[];
}

export interface LocalSdp {
  readonly sdp: string;
  /** The candidates it carries. */
  readonly candidates: number;
}

const DEFAULT_PREFERENCE = ["relay", "srflx", "prflx", "host"];

export function fixLocalSdp(body: string, options: LocalSdpOptions): LocalSdp {
  const sections = splitSdp(body);
  const trickleOption = options.trickleOption ?? true;
  const session = trickleOption ? sections.session : withoutTrickleOption(sections.session);
  let candidates = 0;
  const media = sections.media.map((whole) => {
    const section = trickleOption ? whole : withoutTrickleOption(whole);
    if (mediaKind(section) !== "audio") return section;
    const kept = withGathered(section, options.gathered ?? []).filter((line) => {
      if (!line.startsWith("a=candidate:")) return line !== "a=end-of-candidates";
      const candidate = parseCandidate(line);
      return candidate !== undefined && isAllowedLocalCandidate(candidate, options.candidateAddresses);
    });
    const fields = kept.flatMap((line) => {
      const candidate = line.startsWith("a=candidate:") ? parseCandidate(line) : undefined;
      return candidate === undefined ? [] : [candidate];
    });
    candidates += fields.length;
    const chosen = defaultCandidate(fields);
    const out = chosen === undefined ? kept : kept.map((line) => withDefault(line, chosen));
    if (options.complete) insertEndOfCandidates(out);
    return out;
  });
  return { sdp: joinSdp({ session, media }), candidates };
}

/** The section with every gathered candidate it lacks (same transport, address, port and component), in order. */
function withGathered(section: readonly string[], gathered: readonly string[]): readonly string[] {
  const key = (c: CandidateFields): string => `${c.component} ${c.transport} ${c.address} ${c.port}`;
  const present = new Set(
    section.flatMap((line) => {
      const candidate = line.startsWith("a=candidate:") ? parseCandidate(line) : undefined;
      return candidate === undefined ? [] : [key(candidate)];
    }),
  );
  const missing = gathered.flatMap((text) => {
    const line = text.startsWith("a=") ? text : `a=${text}`;
    const candidate = parseCandidate(line);
    if (candidate === undefined || present.has(key(candidate))) return [];
    present.add(key(candidate));
    return [line];
  });
  if (missing.length === 0) return section;
  // After the last candidate already there, else after the section's c= line (where werift writes them).
  let at = section.findLastIndex((line) => line.startsWith("a=candidate:"));
  if (at === -1) at = section.findIndex((line) => line.startsWith("c="));
  const index = at === -1 ? 1 : at + 1;
  return [...section.slice(0, index), ...missing, ...section.slice(index)];
}

/** `a=ice-options:` without its `trickle` token (the line goes when no option is left). */
function withoutTrickleOption(section: readonly string[]): string[] {
  return section.flatMap((line) => {
    if (!line.startsWith("a=ice-options:")) return [line];
    const tokens = line.slice("a=ice-options:".length).trim().split(/\s+/);
    const rest = tokens.filter((token) => token !== "trickle" && token !== "");
    return rest.length === 0 ? [] : [`a=ice-options:${rest.join(" ")}`];
  });
}

/** Does an SDP (offer) carry `a=ice-options:` with the `trickle` token (RFC 8840 4.1)? */
export function offersTrickle(sdp: string): boolean {
  return /^a=ice-options:[^\r\n]*\btrickle\b/m.test(sdp);
}

/** RFC 8445 5.1.4: relayed before server-reflexive before host; RTP component, UDP first. */
export function defaultCandidate(candidates: readonly CandidateFields[]): CandidateFields | undefined {
  const usable = candidates.filter((c) => c.component === 1);
  const rank = (c: CandidateFields): number => {
    const type = DEFAULT_PREFERENCE.indexOf(c.type);
    return (type === -1 ? DEFAULT_PREFERENCE.length : type) * 2 + (c.transport === "udp" ? 0 : 1);
  };
  return [...usable].sort((a, b) => rank(a) - rank(b) || b.priority - a.priority)[0];
}

function withDefault(line: string, chosen: CandidateFields): string {
  const family = chosen.address.includes(":") ? "IP6" : "IP4";
  if (line.startsWith("m=")) {
    const parts = line.split(" ");
    parts[1] = String(chosen.port);
    return parts.join(" ");
  }
  if (line.startsWith("c=")) return `c=IN ${family} ${chosen.address}`;
  // RFC 5761 5.1.3: with rtcp-mux, a=rtcp names the RTP port.
  if (line.startsWith("a=rtcp:")) return `a=rtcp:${chosen.port} IN ${family} ${chosen.address}`;
  return line;
}

/** After the last candidate (or, with none, at the end of the section). */
function insertEndOfCandidates(section: string[]): void {
  let last = -1;
  section.forEach((line, index) => {
    if (line.startsWith("a=candidate:")) last = index;
  });
  section.splice(last === -1 ? section.length : last + 1, 0, "a=end-of-candidates");
}
