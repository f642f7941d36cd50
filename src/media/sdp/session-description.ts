/**
 * The parts of an SDP body (RFC 8866) a plain RTP audio leg needs: the audio m-line, where to send, which payload
 * types with their rtpmap/fmtp, direction, telephone-event, ptime and the RTCP port.
 */

/** RFC 3264 5.1 / RFC 8866 6.7: media direction attributes. */
export const SDP_DIRECTIONS = ["sendrecv", "sendonly", "recvonly", "inactive"] as const;
export type SdpDirection = (typeof SDP_DIRECTIONS)[number];

/** RFC 8866 5.7: `c=IN IP4 192.0.2.1` (a multicast `/ttl` suffix is dropped). */
export interface SdpConnection {
  readonly addressType: "IP4" | "IP6";
  readonly address: string;
}

/** RFC 8866 5.2: `o=<username> <sess-id> <sess-version> IN IP4 <address>`. */
export interface SdpOrigin {
  readonly username: string;
  readonly sessionId: string;
  readonly sessionVersion: string;
  readonly address: string;
}

/** One payload type of the m-line with its `a=rtpmap` (or the RFC 3551 static entry) and `a=fmtp`. */
export interface SdpPayloadType {
  readonly payloadType: number;
  /** Encoding name as written (`PCMU`, `opus`, `telephone-event`); undefined for an unknown dynamic type. */
  readonly encoding: string | undefined;
  readonly clockRate: number | undefined;
  /** 1 when the rtpmap omits it; undefined for an unknown dynamic type. */
  readonly channels: number | undefined;
  readonly fmtp: string | undefined;
}

export interface SdpAudio {
  /** 0 means the stream is rejected/disabled (RFC 3264 6). */
  readonly port: number;
  /** `RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`... */
  readonly protocol: string;
  /** Media-level `c=`, else the session-level one. */
  readonly connection: SdpConnection | undefined;
  /** In m-line order (the offerer's preference, RFC 3264 5.1). */
  readonly payloadTypes: readonly SdpPayloadType[];
  /** Media-level attribute, else session-level, else sendrecv (RFC 3264 5.1). */
  readonly direction: SdpDirection;
  /** The RFC 4733 `telephone-event/8000` payload type, if offered. */
  readonly telephoneEventPt: number | undefined;
  /** `a=ptime`, ms (media level, else session level). */
  readonly ptime: number | undefined;
  /** RFC 3605 `a=rtcp:port [IN IP4 address]`. */
  readonly rtcp: { readonly port: number; readonly address: string | undefined } | undefined;
  /** RFC 5761 `a=rtcp-mux`. */
  readonly rtcpMux: boolean;
}

export interface SessionDescription {
  readonly origin: SdpOrigin | undefined;
  /** Session-level `c=`. */
  readonly connection: SdpConnection | undefined;
  /** The first audio m-line with a non-zero port, else the first audio m-line; undefined when there is none. */
  readonly audio: SdpAudio | undefined;
  /** Number of m-lines of any media type. */
  readonly mediaCount: number;
}

/** Why a body is not usable SDP; `line` is 1-based, 0 for the body as a whole. */
export interface SdpError {
  readonly line: number;
  readonly message: string;
}

export type SdpParseResult =
  { readonly ok: true; readonly sdp: SessionDescription } | { readonly ok: false; readonly error: SdpError };
