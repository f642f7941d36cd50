import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TypedEmitter } from "../../../src/shared/typed-emitter.js";
import type { WebRtcBridgeEvents, WebRtcStats } from "../../../src/media/webrtc/webrtc-types.js";
import type { MediaStats } from "../../../src/media/media-pipeline.js";
import { CallMediaError } from "../../../src/engine/media/call-media-error.js";
import type { BridgePipeline } from "../../../src/media/media-pipeline.js";
import { WebRtcSignalling } from "../../../src/engine/media/webrtc-signalling.js";
import { SdpUnusableError } from "../../../src/media/sdp-unusable-error.js";

/** A bridge that records what the signalling asked of it. */
class FakeBridge implements BridgePipeline {
  readonly kind = "webrtc" as const;
  readonly events = new TypedEmitter<WebRtcBridgeEvents>();
  readonly calls: string[] = [];
  offers = 0;
  answerError: Error | undefined;

  createOffer(): Promise<string> {
    this.offers++;
    this.calls.push("createOffer");
    return Promise.resolve(`offer ${this.offers}`);
  }
  createAnswer(remoteOffer: string): Promise<string> {
    this.calls.push(`createAnswer(${remoteOffer})`);
    return this.answerError === undefined
      ? Promise.resolve(`answer to ${remoteOffer}`)
      : Promise.reject(this.answerError);
  }
  acceptAnswer(remoteAnswer: string): Promise<void> {
    this.calls.push(`acceptAnswer(${remoteAnswer})`);
    return Promise.resolve();
  }
  applyRemoteUpdate(body: string, contentType: string): Promise<void> {
    this.calls.push(`applyRemoteUpdate(${contentType})`);
    return Promise.resolve();
  }
  iceFragmentInfo(): { ufrag: string; pwd: string; mid: string } {
    return { ufrag: "uf", pwd: "pw", mid: "0" };
  }
  webrtcStats(): WebRtcStats {
    throw new Error("not used");
  }
  startSource(): void {
    this.calls.push("startSource");
  }
  controlSource(): void {
    this.calls.push("controlSource");
  }
  sendDtmf(): Promise<void> {
    return Promise.resolve();
  }
  startRecording(): void {
    this.calls.push("startRecording");
  }
  checkAudio(): never {
    throw new Error("not used");
  }
  stats(): MediaStats {
    throw new Error("not used");
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const noError = (error: CallMediaError): void => {
  assert.fail(`unexpected ${error.message}`);
};

describe("WebRtcSignalling: the SDP side of a call's bridge as the scenario drives it", () => {
  it("creates the offer once: a re-sent INVITE (after a 401) carries the same offer", async () => {
    const bridge = new FakeBridge();
    const s = new WebRtcSignalling(bridge);
    const offer = new Set(["webrtc_offer"] as const);
    assert.equal(s.readyFor(offer), false);
    await s.prepare(offer);
    await s.prepare(offer);
    assert.equal(s.sdp("webrtc_offer"), "offer 1");
    assert.equal(bridge.offers, 1);
  });

  it("after our offer, an SDP with an m-line is the answer, applied once; a repeat of it is ignored", async () => {
    const bridge = new FakeBridge();
    const s = new WebRtcSignalling(bridge);
    await s.prepare(new Set(["webrtc_offer"] as const));
    s.peerSdp("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 8\r\n", noError);
    s.peerSdp("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 8\r\n", noError);
    await Promise.resolve();
    assert.deepEqual(bridge.calls, ["createOffer", "acceptAnswer(v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 8\r\n)"]);
  });

  it("answers the offer of the last INVITE; a new offer gets a new answer; a candidate-only body adds candidates", async () => {
    const bridge = new FakeBridge();
    const s = new WebRtcSignalling(bridge);
    const answer = new Set(["webrtc_answer"] as const);
    s.peerSdp("v=0\r\nm=audio 1 UDP/TLS/RTP/SAVPF 8\r\n", noError);
    await s.prepare(answer);
    assert.equal(s.sdp("webrtc_answer"), "answer to v=0\r\nm=audio 1 UDP/TLS/RTP/SAVPF 8\r\n");
    s.peerSdp("v=0\r\nm=audio 2 UDP/TLS/RTP/SAVPF 8\r\n", noError);
    assert.equal(s.readyFor(answer), false, "a new offer needs a new answer");
    await s.prepare(answer);
    assert.match(s.sdp("webrtc_answer") ?? "", /m=audio 2/);
    s.peerSdp(
      "a=candidate:1 1 udp 1 127.0.0.1 5000 typ host\r\na=candidate:2 1 udp 1 127.0.0.1 5002 typ host\r\n",
      noError,
    );
    assert.equal(s.candidatesReceived, 2);
    assert.equal(bridge.calls.at(-1), "applyRemoteUpdate(application/sdp)");
  });

  it("[webrtc_answer] with no offer received, or an offer the bridge refuses, is sdp_incompatible", async () => {
    const bridge = new FakeBridge();
    const s = new WebRtcSignalling(bridge);
    const answer = new Set(["webrtc_answer"] as const);
    await assert.rejects(
      s.prepare(answer),
      (e: unknown) => e instanceof CallMediaError && e.failure === "sdp_incompatible",
    );
    bridge.answerError = new SdpUnusableError("offers OPUS only");
    s.peerSdp("v=0\r\nm=audio 1 UDP/TLS/RTP/SAVPF 111\r\n", noError);
    await assert.rejects(s.prepare(answer), (e: unknown) => {
      assert.ok(e instanceof CallMediaError);
      assert.equal(e.failure, "sdp_incompatible");
      assert.match(e.message, /OPUS/);
      return true;
    });
  });

  it("[webrtc_trickle] renders an RFC 8840 sdpfrag of the candidates so far, ended once gathering is complete", () => {
    const bridge = new FakeBridge();
    const s = new WebRtcSignalling(bridge);
    bridge.events.emit("localCandidate", {
      candidate: "candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host",
      mid: "0",
    });
    assert.equal(
      s.sdp("webrtc_trickle"),
      "a=ice-ufrag:uf\r\na=ice-pwd:pw\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n" +
        "a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\n",
    );
    bridge.events.emit("gatheringComplete", undefined);
    assert.match(s.sdp("webrtc_trickle") ?? "", /a=end-of-candidates\r\n$/);
  });
});
