/**
 * Where and how to send, read from the peer's SDP (RFC 3264 offer/answer): the connection address and port of the
 * audio m-line, the RTCP port (RFC 3605 `a=rtcp`, else port + 1 as RFC 3550 11 says), the G.711 codec of our
 * preference the peer carries, and its telephone-event payload type.
 */
import type { G711Codec } from "../media-pipeline.js";
import { SdpUnusableError } from "../sdp-unusable-error.js";
import { negotiate } from "../sdp/negotiate.js";
import { parseSdp } from "../sdp/parse-sdp.js";
import type { SdpDirection } from "../sdp/session-description.js";

export interface MediaEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface RemoteMedia {
  /** Undefined when the peer gives no usable destination (port 0, or the RFC 3264 8.4 hold address 0.0.0.0). */
  readonly rtp: MediaEndpoint | undefined;
  readonly rtcp: MediaEndpoint | undefined;
  readonly codec: G711Codec;
  readonly payloadType: number;
  readonly telephoneEventPt: number | undefined;
  readonly direction: SdpDirection;
}

/** Reads the peer's offer or answer; throws SdpUnusableError when it is not SDP or has no G.711 in common. */
export function remoteMediaFromSdp(body: string, preference: readonly G711Codec[]): RemoteMedia {
  const parsed = parseSdp(body);
  if (!parsed.ok) {
    const where = parsed.error.line === 0 ? "" : ` (line ${parsed.error.line})`;
    throw new SdpUnusableError(`unusable SDP${where}: ${parsed.error.message}`);
  }
  const negotiated = negotiate(parsed.sdp, preference);
  if ("error" in negotiated) throw new SdpUnusableError(`plain RTP leg: ${negotiated.error}`);
  // negotiate() succeeded, so there is an audio m-line.
  const audio = parsed.sdp.audio;
  if (audio === undefined) throw new SdpUnusableError("no audio m-line in the SDP");
  const address = audio.connection?.address;
  if (address === undefined) throw new SdpUnusableError("the SDP has no connection address (c=) for audio");
  // RFC 3264 8.4: "c=IN IP4 0.0.0.0" puts the stream on hold — nothing is sent.
  const usable = audio.port !== 0 && address !== "0.0.0.0" && address !== "::";
  // We never answer or offer a=rtcp-mux (RFC 5761), so RTCP keeps its own port even when the peer offers mux.
  const rtcpPort = audio.rtcp?.port ?? audio.port + 1;
  return {
    rtp: usable ? { address, port: audio.port } : undefined,
    rtcp: usable ? { address: audio.rtcp?.address ?? address, port: rtcpPort } : undefined,
    codec: negotiated.codec,
    payloadType: negotiated.payloadType,
    telephoneEventPt: negotiated.telephoneEventPt,
    direction: audio.direction,
  };
}

/** RFC 3264 6.1: the answer's direction for an offered one. */
export function answerDirection(offered: SdpDirection): SdpDirection {
  switch (offered) {
    case "sendonly":
      return "recvonly";
    case "recvonly":
      return "sendonly";
    case "sendrecv":
    case "inactive":
      return offered;
  }
}

/** What a session sends to: from the peer's SDP, or set by the engine for a SIPp-style scenario. */
export interface RemoteLeg {
  readonly rtp: MediaEndpoint | undefined;
  readonly rtcp: MediaEndpoint | undefined;
  readonly codec: G711Codec;
  readonly payloadType: number;
  /** The telephone-event payload type to send DTMF with; undefined when the peer's SDP offers none. */
  readonly telephoneEventPt: number | undefined;
  /** RFC 3264 6.1: false when the peer declared sendonly or inactive (nothing is sent to it). */
  readonly send: boolean;
}

export function remoteLegOf(media: RemoteMedia): RemoteLeg {
  return { ...media, send: media.direction === "sendrecv" || media.direction === "recvonly" };
}
