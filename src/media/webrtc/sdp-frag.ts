/**
 * RFC 8840 trickle-ICE SDP fragments (`application/trickle-ice-sdpfrag`), read and written. A fragment carries the
 * ICE credentials (`a=ice-ufrag`, `a=ice-pwd`, RFC 8840 4.4: they tell which ICE generation it belongs to), the
 * `a=mid` of each media section and its candidates, and `a=end-of-candidates` once gathering is over. The reader
 * also takes a whole `application/sdp` body and reads only the same attributes from it (candidate-only SDP).
 * Never throws: unreadable candidate lines are counted as skipped.
 */
import { parseCandidate } from "./candidate-line.js";
import type { IceFragmentInfo, LocalCandidate } from "./webrtc-types.js";

export interface SdpFragment {
  readonly ufrag: string | undefined;
  readonly pwd: string | undefined;
  /** Candidates (`candidate:...`, without `a=`) with the mid of their section (undefined before any a=mid). */
  readonly candidates: readonly { readonly candidate: string; readonly mid: string | undefined }[];
  readonly endOfCandidates: boolean;
  /** `a=candidate` lines that could not be read. */
  readonly skipped: number;
}

/** RFC 8840 9.1: the media type of a trickle ICE fragment. */
export const SDPFRAG_CONTENT_TYPE = "application/trickle-ice-sdpfrag";

export function parseSdpFragment(body: string): SdpFragment {
  let ufrag: string | undefined;
  let pwd: string | undefined;
  let mid: string | undefined;
  let endOfCandidates = false;
  let skipped = 0;
  const candidates: { candidate: string; mid: string | undefined }[] = [];
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("m=")) mid = undefined;
    else if (line.startsWith("a=ice-ufrag:")) ufrag = line.slice("a=ice-ufrag:".length).trim();
    else if (line.startsWith("a=ice-pwd:")) pwd = line.slice("a=ice-pwd:".length).trim();
    else if (line.startsWith("a=mid:")) mid = line.slice("a=mid:".length).trim();
    else if (line === "a=end-of-candidates") endOfCandidates = true;
    else if (line.startsWith("a=candidate:")) {
      if (parseCandidate(line) === undefined) skipped++;
      else candidates.push({ candidate: line.slice(2), mid });
    }
  }
  return { ufrag, pwd, candidates, endOfCandidates, skipped };
}

/**
 * RFC 8840 4.4 / 9.1: a fragment with our credentials, one audio section with its mid, the candidates, and
 * `a=end-of-candidates` when `end`. The `m=` line is the RFC 8840 8.2 placeholder (`m=audio 9 UDP/TLS/RTP/SAVPF 0`).
 */
export function buildSdpFragment(info: IceFragmentInfo, candidates: readonly LocalCandidate[], end: boolean): string {
  const lines = [
    `a=ice-ufrag:${info.ufrag}`,
    `a=ice-pwd:${info.pwd}`,
    "m=audio 9 UDP/TLS/RTP/SAVPF 0",
    `a=mid:${info.mid}`,
    ...candidates.map((c) => `a=${c.candidate}`),
  ];
  if (end) lines.push("a=end-of-candidates");
  return lines.map((line) => `${line}\r\n`).join("");
}
