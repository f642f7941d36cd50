/**
 * RFC 3264 6.1 codec choice for a G.711 leg: the first codec of our preference that the offer (or answer) carries,
 * with the payload type the peer numbered it with, and the peer's telephone-event payload type.
 */
import type { G711Codec } from "../media-pipeline.js";
import type { SdpPayloadType, SessionDescription } from "./session-description.js";

export interface Negotiated {
  readonly codec: G711Codec;
  readonly payloadType: number;
  /** The peer's RFC 4733 telephone-event/8000 payload type; undefined when it offers none (no DTMF events). */
  readonly telephoneEventPt: number | undefined;
}

export type NegotiationResult = Negotiated | { readonly error: string };

function matches(p: SdpPayloadType, codec: G711Codec): boolean {
  // RFC 4855 3: encoding names are case-insensitive. G.711 is 8 kHz mono.
  return p.encoding?.toUpperCase() === codec && (p.clockRate ?? 8000) === 8000 && (p.channels ?? 1) === 1;
}

function describe(p: SdpPayloadType): string {
  if (p.encoding === undefined) return `${p.payloadType} (no rtpmap)`;
  const rate = p.clockRate === undefined ? "" : `/${p.clockRate}`;
  const channels = p.channels === undefined || p.channels === 1 ? "" : `/${p.channels}`;
  return `${p.payloadType} ${p.encoding}${rate}${channels}`;
}

export function negotiate(offer: SessionDescription, preference: readonly G711Codec[]): NegotiationResult {
  const audio = offer.audio;
  if (audio === undefined) return { error: "no audio m-line in the SDP" };
  // RFC 3264 6: "A port number of zero in the offer indicates that the stream is offered but MUST NOT be used."
  if (audio.port === 0) return { error: "the audio stream is disabled (m=audio port 0)" };
  for (const codec of preference) {
    const found = audio.payloadTypes.find((p) => matches(p, codec));
    if (found) return { codec, payloadType: found.payloadType, telephoneEventPt: audio.telephoneEventPt };
  }
  const offered = audio.payloadTypes.length === 0 ? "no payload types" : audio.payloadTypes.map(describe).join(", ");
  return { error: `no common codec: offer has ${offered} only (we accept ${preference.join(", ")})` };
}
