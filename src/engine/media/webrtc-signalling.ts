/**
 * The SDP side of a call's WebRTC bridge, as the scenario drives it:
 * - `[webrtc_offer]`: the bridge's offer, created once (a re-sent INVITE — after a 401, say — carries the same one);
 * - `[webrtc_answer]`: the answer to the offer in the last received INVITE (a new offer gets a new answer);
 * - a 183 or 200 with SDP after our offer is the answer (applied once; a repeat of the same body is ignored);
 * - a body with candidates only, or an RFC 8840 sdpfrag (trickle INFO), adds remote candidates;
 * - `[webrtc_trickle]`: an sdpfrag of the local candidates gathered so far (for scenarios that write their own INFO).
 * Failures are CallMediaErrors: `sdp_incompatible` when the peer's SDP cannot be bridged, `media_error` otherwise.
 */
import { SipwrightError } from "../../shared/errors.js";
import type { BridgePipeline } from "../../media/media-pipeline.js";
import { buildSdpFragment, SdpUnusableError, type LocalCandidate } from "../../media/create-pipeline.js";

import { CallMediaError } from "./call-media-error.js";

export type WebRtcSdpKeyword = "webrtc_offer" | "webrtc_answer" | "webrtc_trickle";

export class WebRtcSignalling {
  readonly bridge: BridgePipeline;
  /** Local candidates gathered so far, in order. */
  readonly candidates: LocalCandidate[] = [];
  gatheringComplete = false;
  candidatesReceived = 0;
  #offer: string | undefined;
  #answer: string | undefined;
  #remoteOffer: string | undefined;
  #acceptedAnswer: string | undefined;
  #accepting: Promise<void> | undefined;

  constructor(bridge: BridgePipeline) {
    this.bridge = bridge;
    bridge.events.on("localCandidate", (candidate) => this.candidates.push(candidate));
    bridge.events.on("gatheringComplete", () => (this.gatheringComplete = true));
  }

  /** True when the keywords' SDPs are ready to render. */
  readyFor(keywords: ReadonlySet<WebRtcSdpKeyword>): boolean {
    if (keywords.has("webrtc_offer") && this.#offer === undefined) return false;
    if (keywords.has("webrtc_answer") && this.#answer === undefined) return false;
    return true;
  }

  /** Creates what the keywords need (the offer once, the answer to the latest offer). */
  async prepare(keywords: ReadonlySet<WebRtcSdpKeyword>): Promise<void> {
    if (keywords.has("webrtc_offer") && this.#offer === undefined) {
      this.#offer = await bridgeStep("create the offer", () => this.bridge.createOffer());
    }
    if (keywords.has("webrtc_answer") && this.#answer === undefined) {
      const offer = this.#remoteOffer;
      if (offer === undefined) {
        throw new CallMediaError("sdp_incompatible", "[webrtc_answer]: no SDP offer was received to answer");
      }
      this.#answer = await bridgeStep("answer the offer", () => this.bridge.createAnswer(offer));
    }
  }

  /** The SDP a keyword renders (undefined when not prepared). */
  sdp(keyword: WebRtcSdpKeyword): string | undefined {
    switch (keyword) {
      case "webrtc_offer":
        return this.#offer;
      case "webrtc_answer":
        return this.#answer;
      case "webrtc_trickle": {
        const info = this.bridge.iceFragmentInfo();
        return info === undefined ? undefined : buildSdpFragment(info, this.candidates, this.gatheringComplete);
      }
    }
  }

  /**
   * An SDP body from the peer. After our offer it is the answer (applied in the background: `onError` gets a
   * CallMediaError); a body without an m-line adds candidates; otherwise it is an offer for `[webrtc_answer]`.
   */
  peerSdp(body: string, onError: (error: CallMediaError) => void): void {
    if (!/^m=/m.test(body)) {
      this.remoteCandidates(body, "application/sdp", onError);
      return;
    }
    if (this.#offer !== undefined && this.#remoteOffer === undefined) {
      if (this.#acceptedAnswer === body || this.#accepting !== undefined) return;
      this.#acceptedAnswer = body;
      this.#accepting = bridgeStep("accept the answer", () => this.bridge.acceptAnswer(body)).catch(onError);
      return;
    }
    if (body !== this.#remoteOffer) {
      this.#remoteOffer = body;
      this.#answer = undefined;
    }
  }

  /** Remote candidates (trickle INFO sdpfrag, or a candidate-only SDP). */
  remoteCandidates(body: string, contentType: string, onError: (error: CallMediaError) => void): void {
    this.candidatesReceived += body.match(/^a=candidate:/gm)?.length ?? 0;
    bridgeStep("apply remote candidates", () => this.bridge.applyRemoteUpdate(body, contentType)).catch(onError);
  }
}

/** Runs a bridge operation; its SipwrightError becomes a CallMediaError (SDP problems: sdp_incompatible). */
async function bridgeStep<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CallMediaError) throw error;
    if (!(error instanceof SipwrightError)) throw error;
    const failure = error instanceof SdpUnusableError ? "sdp_incompatible" : "media_error";
    throw new CallMediaError(failure, `WebRTC: cannot ${what}: ${error.message}`, { cause: error });
  }
}
