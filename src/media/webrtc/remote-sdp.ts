/**
 * The peer's offer or answer, checked and normalised before werift sees it. Gateways and browsers write valid SDP
 * that werift's parser throws on or mishandles; here each variant becomes the form werift reads.
 * In every media section (audio, and the video or data sections werift will reject):
 * - `a=rtcp:PORT` without an address (RFC 3605 2.1 allows it) is dropped: with `a=rtcp-mux` it says nothing, and
 *   werift's parser throws on it;
 * - component-2 candidates next to `a=rtcp-mux` (RFC 5761 5.1.3: RTCP rides on the RTP component), unreadable
 *   candidates and `.local` (mDNS) candidates are dropped: resolving them sends multicast queries off the loopback;
 * - a bare `a=mid` without a value (RFC 5888 4 requires one) is dropped; `a=crypto` (SDES, RFC 4568) is dropped:
 *   keys travel in DTLS-SRTP (RFC 5763), whatever SRTP suites (AES_CM, AEAD_AES_*_GCM) the gateway also lists;
 * - an attribute werift reads a value from, written without one, is dropped (werift throws on it);
 * - `a=fmtp:PT` for a payload type without `a=rtpmap` (a static type such as G.729's 18, RFC 3551 6, whose
 *   `a=fmtp:18 annexb=no` a gateway passes through) is dropped: werift throws on it;
 * - a section without `a=mid` (a peer that does not do BUNDLE, RFC 8843) gets its index as mid: werift needs one.
 * In the audio section:
 * - a session-level `c=` is copied into it when it has none (RFC 8866 5.7);
 * - static G.711 payload types without `a=rtpmap` get one (RFC 3551 6), since werift reads codecs from rtpmaps;
 * - telephone-event at a rate other than 8000 is dropped (see normalizeAudio).
 * Line ends: bare LF and CRLF both read; the output is CRLF. What truly cannot be bridged throws
 * {@link SdpUnusableError} naming every missing piece.
 */
import type { G711Codec } from "../media-pipeline.js";
import { parseCandidate } from "./candidate-line.js";
import { attribute, joinSdp, mediaKind, splitSdp } from "./sdp-sections.js";
import { SdpUnusableError } from "../sdp-unusable-error.js";

export interface RemoteSdp {
  /** The SDP to hand werift. */
  readonly sdp: string;
  /** Candidates it carries (after normalisation). */
  readonly candidates: number;
  readonly ufrag: string | undefined;
  readonly iceLite: boolean;
  /** Index of the audio m-line (RFC 8840 candidates name it by mid, else by index) and its mid. */
  readonly audioIndex: number;
  readonly mid: string | undefined;
  /** The DTLS role the peer asks for (RFC 8842 5: `actpass`, `active`, `passive`), from the audio or session. */
  readonly setup: string | undefined;
}

const STATIC_RTPMAP: Readonly<Record<string, string>> = { "0": "PCMU/8000", "8": "PCMA/8000" };

/** Attributes whose value werift's parser reads (splits, parses) unconditionally: without one it throws. */
const VALUE_REQUIRED = new Set([
  "candidate",
  "extmap",
  "fingerprint",
  "fmtp",
  "group",
  "msid",
  "msid-semantic",
  "rid",
  "rtcp",
  "rtcp-fb",
  "rtpmap",
  "sctp-port",
  "sctpmap",
  "ssrc",
  "ssrc-group",
]);

export function normalizeRemoteSdp(body: string, carried: readonly G711Codec[]): RemoteSdp {
  const sections = splitSdp(body);
  if (!sections.session.some((line) => line.startsWith("v="))) {
    throw SdpUnusableError.forBridge(["an SDP body (no v= line)"]);
  }
  const audioIndex = sections.media.findIndex((section) => mediaKind(section) === "audio");
  const audio = sections.media[audioIndex];
  if (audio === undefined) throw SdpUnusableError.forBridge(["an m=audio line"]);
  const session = sections.session.filter((line) => !isDroppedAttribute(line));
  const sessionConnection = session.find((line) => line.startsWith("c="));
  const media = withMids(
    sections.media.map((section, index) => {
      const clean = cleanSection(section);
      return withoutOrphanFmtp(index === audioIndex ? normalizeAudio(clean, sessionConnection) : clean);
    }),
  );
  const normalized = media[audioIndex] ?? [];
  checkBridgeable(session, normalized, carried);
  return {
    sdp: joinSdp({ session, media }),
    candidates: normalized.filter((line) => line.startsWith("a=candidate:")).length,
    ufrag: attribute(normalized, "ice-ufrag") ?? attribute(session, "ice-ufrag"),
    iceLite: attribute(session, "ice-lite") !== undefined || attribute(normalized, "ice-lite") !== undefined,
    audioIndex,
    mid: attribute(normalized, "mid"),
    setup: (attribute(normalized, "setup") ?? attribute(session, "setup"))?.toLowerCase(),
  };
}

/** Names everything the audio section lacks for ICE + DTLS-SRTP with a codec we carry. */
function checkBridgeable(session: readonly string[], audio: readonly string[], carried: readonly G711Codec[]): void {
  const missing: string[] = [];
  const [, port, proto = ""] = (audio[0] ?? "").split(" ");
  // RFC 8827 / RFC 5764 8: WebRTC media is DTLS-SRTP, m= proto UDP/TLS/RTP/SAVPF (or TCP/DTLS/RTP/SAVPF).
  const dtlsSrtp = /SAVPF?$/i.test(proto) && /TLS/i.test(proto);
  if (!dtlsSrtp) {
    const peer = /SAVP/i.test(proto) ? "SDES-SRTP, not DTLS-SRTP" : "a plain-RTP peer";
    missing.push(`a UDP/TLS/RTP/SAVPF audio m-line (it is ${proto || "empty"}: ${peer})`);
  }
  // RFC 3264 6: port 0 rejects the stream; RFC 8843 6 bundle-only sections use port 0 and are not rejected.
  if (port === "0" && attribute(audio, "bundle-only") === undefined) {
    missing.push("an accepted audio stream (the m=audio port is 0: rejected, RFC 3264 6)");
  }
  const both = (name: string): string | undefined => attribute(audio, name) ?? attribute(session, name);
  if (both("fingerprint") === undefined) missing.push("a=fingerprint (DTLS-SRTP, RFC 5763)");
  if (both("ice-ufrag") === undefined || both("ice-pwd") === undefined) {
    missing.push("a=ice-ufrag / a=ice-pwd (ICE, RFC 8839)");
  }
  // RFC 5761 5.1.1: an answer may carry a=rtcp-mux only when the offer did; werift sends RTCP on the RTP component
  // only (no component-2 transport), so a peer that does not multiplex cannot be answered honestly, nor bridged.
  if (dtlsSrtp && attribute(audio, "rtcp-mux") === undefined) {
    missing.push("a=rtcp-mux (RTCP on the RTP port, RFC 5761: RTCP on its own component is not supported)");
  }
  const offered = offeredCodecs(audio);
  if (!offered.some((name) => (carried as readonly string[]).includes(name))) {
    const list = offered.length === 0 ? "none" : offered.join(", ");
    missing.push(`a codec we carry (${carried.join(", ")}); the SDP offers ${list}`);
  }
  if (missing.length > 0) throw SdpUnusableError.forBridge(missing);
}

/** Upper-case encoding names of the audio m-line's payload types (rtpmap, else the static ones). */
function offeredCodecs(audio: readonly string[]): string[] {
  const formats = (audio[0] ?? "").split(" ").slice(3);
  return formats.map((pt) => {
    const rtpmap = audio.find((line) => line.startsWith(`a=rtpmap:${pt} `));
    const encoding = rtpmap?.split(" ")[1] ?? STATIC_RTPMAP[pt] ?? pt;
    return (encoding.split("/")[0] ?? "").toUpperCase();
  });
}

/** The rewrites every media section needs before werift parses it. */
function cleanSection(section: readonly string[]): string[] {
  const rtcpMux = attribute(section, "rtcp-mux") !== undefined;
  return section.filter((line) => !isDroppedAttribute(line) && !isDroppedCandidate(line, rtcpMux));
}

function normalizeAudio(audio: readonly string[], sessionConnection: string | undefined): string[] {
  // werift pairs codecs by MIME type only: given telephone-event/48000 before telephone-event/8000 (Chromium's
  // offer), it would answer with the 48 kHz one and our G.711 leg would have no RFC 4733 events. Only 8000 is ours.
  const wideEvents = new Set(
    audio.flatMap((line) => /^a=rtpmap:(\d+) telephone-event\/(?!8000\b)\d+/i.exec(line)?.slice(1, 2) ?? []),
  );
  const out = audio.filter((line) => {
    const pt = /^a=(?:rtpmap|fmtp):(\d+)\s/.exec(line)?.[1];
    return pt === undefined || !wideEvents.has(pt);
  });
  if (wideEvents.size > 0 && out[0] !== undefined) {
    const fields = out[0].split(" ");
    out[0] = [...fields.slice(0, 3), ...fields.slice(3).filter((pt) => !wideEvents.has(pt))].join(" ");
  }
  if (sessionConnection !== undefined && !out.some((line) => line.startsWith("c="))) {
    out.splice(1, 0, sessionConnection);
  }
  for (const pt of (audio[0] ?? "").split(" ").slice(3)) {
    const encoding = STATIC_RTPMAP[pt];
    if (encoding !== undefined && !out.some((line) => line.startsWith(`a=rtpmap:${pt} `))) {
      out.push(`a=rtpmap:${pt} ${encoding}`);
    }
  }
  return out;
}

/** Drops `a=fmtp:PT` lines whose payload type has no `a=rtpmap` in the section (werift throws on them). */
function withoutOrphanFmtp(section: readonly string[]): string[] {
  const mapped = new Set(section.flatMap((line) => /^a=rtpmap:(\d+)\s/.exec(line)?.slice(1, 2) ?? []));
  return section.filter((line) => {
    const pt = /^a=fmtp:(\d+)\s/.exec(line)?.[1];
    return pt === undefined || mapped.has(pt);
  });
}

function withMids(media: readonly string[][]): string[][] {
  const used = new Set(media.map((section) => attribute(section, "mid")).filter((mid) => mid !== undefined));
  return media.map((section, index) => {
    if (attribute(section, "mid") !== undefined) return section;
    let mid = String(index);
    while (used.has(mid)) mid += "x";
    used.add(mid);
    return [...section, `a=mid:${mid}`];
  });
}

function isDroppedAttribute(line: string): boolean {
  if (line === "a=mid" || line === "a=mid:" || line.startsWith("a=crypto:")) return true;
  const valueless = /^a=([\w-]+):?$/.exec(line)?.[1];
  if (valueless !== undefined && VALUE_REQUIRED.has(valueless)) return true;
  // RFC 3605 2.1: "a=rtcp:" port [nettype addrtype connection-address] — werift needs the address.
  return /^a=rtcp:\d+\s*$/.test(line);
}

function isDroppedCandidate(line: string, rtcpMux: boolean): boolean {
  if (!line.startsWith("a=candidate:")) return false;
  const candidate = parseCandidate(line);
  if (candidate === undefined) return true;
  if (rtcpMux && candidate.component !== 1) return true;
  return candidate.address.toLowerCase().endsWith(".local");
}
