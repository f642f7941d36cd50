/**
 * A STUN server that never answers (`--ice-server stun:...` pointing at a host that drops every request) must cost
 * the call the bounded gathering wait and nothing more: in `auto` mode the description that goes out after the
 * wait still carries the host candidates gathered at once (werift writes candidates into its own description only
 * when gathering completes), m=/c= name them, and the call connects with audio both ways.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { systemClock } from "../../../src/shared/clock.js";
import { MediaClock } from "../../../src/media/rtp/media-clock.js";
import { WebRtcBridge } from "../../../src/media/webrtc/webrtc-bridge.js";
import type { IceServer } from "../../../src/media/webrtc/webrtc-types.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../../helpers/netns.js";

if (!insidePrivateNetwork()) {
  declarePrivateNetworkRun("WebRTC with a STUN server that never answers", import.meta.url, { timeoutMs: 60_000 });
} else {
  declareTests();
}

function declareTests(): void {
  const media = new MediaClock(systemClock);
  const bridges: WebRtcBridge[] = [];
  const blackHole = createSocket("udp4");
  let stunRequests = 0;
  blackHole.on("message", () => stunRequests++);
  after(async () => {
    await Promise.all(bridges.map((b) => b.close()));
    media.close();
    blackHole.close();
  });
  const open = (iceServers: readonly IceServer[]): WebRtcBridge => {
    const bridge = WebRtcBridge.create({
      clock: media,
      wallClock: systemClock,
      codecs: ["PCMA", "PCMU"],
      iceServers,
      icePolicy: "all",
      candidateAddresses: ["127.0.0.1"],
      trickle: "auto",
      gatherTimeoutMs: 500,
      iceTimeoutMs: 8000,
      dtlsTimeoutMs: 8000,
      analyze: true,
    });
    bridges.push(bridge);
    return bridge;
  };
  const connected = (bridge: WebRtcBridge): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("not connected within 15 s")), 15_000);
      bridge.events.on("connected", () => {
        clearTimeout(timer);
        resolve();
      });
      bridge.events.on("failed", (f) => {
        clearTimeout(timer);
        reject(new Error(`${f.failure}: ${f.reason}`));
      });
    });

  describe("auto mode, offerer's STUN server drops every request", () => {
    it("offers its host candidate after the bounded wait, and the call connects", async () => {
      blackHole.bind(0, "127.0.0.1");
      await once(blackHole, "listening");
      const a = open([{ url: `stun:127.0.0.1:${blackHole.address().port}` }]);
      const b = open([]);
      const offer = await a.createOffer();
      assert.ok(stunRequests > 0, "werift queried the STUN server");
      assert.match(offer, /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/m);
      assert.match(offer, /^m=audio [1-9]\d* /m);
      assert.match(offer, /^c=IN IP4 127\.0\.0\.1\r$/m);
      assert.doesNotMatch(offer, /end-of-candidates/, "gathering was not complete when the offer went out");
      assert.match(offer, /^a=ice-options:trickle\r$/m, "what is still gathering may be trickled");
      const up = Promise.all([connected(a), connected(b)]);
      const answer = await b.createAnswer(offer);
      await a.acceptAnswer(answer);
      await up;
    });
  });
}
