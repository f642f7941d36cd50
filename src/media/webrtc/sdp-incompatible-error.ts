/**
 * The peer's SDP cannot be bridged to WebRTC: no audio, a plain RTP/AVP answer (no DTLS fingerprint, no ICE
 * credentials), or only codecs we do not carry. The message names what is missing; the engine maps this error to
 * the failure class `sdp_incompatible`.
 */
import { SipwrightError } from "../../shared/errors.js";

export class SdpIncompatibleError extends SipwrightError {
  /** Each thing the SDP lacks, e.g. "a=fingerprint (DTLS-SRTP)". */
  readonly missing: readonly string[];

  constructor(missing: readonly string[], options?: { cause?: unknown }) {
    super("MEDIA", `SDP cannot be bridged to WebRTC: ${missing.join("; ")}`, options);
    this.missing = missing;
  }
}
