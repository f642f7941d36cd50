/**
 * Our own SDP for a plain RTP/AVP G.711 leg (RFC 8866 syntax, RFC 3264 offer/answer), CRLF line ends.
 */
import { G711_PAYLOAD_TYPE, type G711Codec } from "../media-pipeline.js";
import type { SdpDirection } from "./session-description.js";

export interface BuildSdpOptions {
  /** Media IP; IPv6 when it contains a colon. */
  readonly address: string;
  readonly port: number;
  /** In preference order; an answer lists the one codec chosen. */
  readonly codecs: readonly G711Codec[];
  /** RFC 4733 telephone-event payload type (96..127), or undefined to offer no DTMF events. */
  readonly telephoneEventPt: number | undefined;
  readonly direction?: SdpDirection;
  /** RFC 8866 5.2 `<sess-id>`: a numeric string, unique per session. */
  readonly sessionId: number | string;
  /** RFC 3264 8: "incremented by one" for each new description of the session. */
  readonly version: number | string;
  /** Default 20 ms. */
  readonly ptime?: number;
  /** `o=` username; default "sipwright". */
  readonly username?: string;
}

export function buildSdp(options: BuildSdpOptions): string {
  const ipType = options.address.includes(":") ? "IP6" : "IP4";
  const payloadTypes = options.codecs.map((codec) => G711_PAYLOAD_TYPE[codec]);
  if (options.telephoneEventPt !== undefined) payloadTypes.push(options.telephoneEventPt);
  const lines = [
    "v=0",
    `o=${options.username ?? "sipwright"} ${options.sessionId} ${options.version} IN ${ipType} ${options.address}`,
    "s=sipwright",
    `c=IN ${ipType} ${options.address}`,
    "t=0 0",
    `m=audio ${options.port} RTP/AVP ${payloadTypes.join(" ")}`,
    ...options.codecs.map((codec) => `a=rtpmap:${G711_PAYLOAD_TYPE[codec]} ${codec}/8000`),
  ];
  if (options.telephoneEventPt !== undefined) {
    // RFC 4733 7.1.1: events 0-15 are the DTMF digits.
    lines.push(`a=rtpmap:${options.telephoneEventPt} telephone-event/8000`, `a=fmtp:${options.telephoneEventPt} 0-15`);
  }
  lines.push(`a=ptime:${options.ptime ?? 20}`, `a=${options.direction ?? "sendrecv"}`);
  return `${lines.join("\r\n")}\r\n`;
}
