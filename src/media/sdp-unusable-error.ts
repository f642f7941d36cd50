/**
 * The peer's SDP cannot be used for this call's media: not SDP, no audio, no G.711 in common, a plain RTP/AVP answer
 * to a WebRTC offer (no DTLS fingerprint, no ICE credentials), DTMF the SDP gives no telephone-event for. The one
 * SDP-unusable error of media/: the message says why; the engine maps it to the failure class `sdp_incompatible`
 * (DTMF: `media_error`).
 */
import { SipwrightError } from "../shared/errors.js";

export class SdpUnusableError extends SipwrightError {
  /** Each thing the SDP lacks, e.g. "a=fingerprint (DTLS-SRTP)" (a WebRTC bridge names them; else empty). */
  readonly missing: readonly string[];

  constructor(message: string, options?: { readonly missing?: readonly string[]; readonly cause?: unknown }) {
    super("MEDIA", message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.missing = options?.missing ?? [];
  }

  /** The peer's SDP cannot be bridged to WebRTC: `missing` names each thing it lacks. */
  static forBridge(missing: readonly string[], options?: { readonly cause?: unknown }): SdpUnusableError {
    return new SdpUnusableError(`SDP cannot be bridged to WebRTC: ${missing.join("; ")}`, { ...options, missing });
  }
}
