import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Socket } from "node:dgram";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { systemClock } from "../../../src/shared/clock.js";
import { MediaClock } from "../../../src/media/rtp/media-clock.js";
import { WebRtcBridge } from "../../../src/media/webrtc/webrtc-bridge.js";
import { SdpUnusableError } from "../../../src/media/sdp-unusable-error.js";
import { buildSdpFragment } from "../../../src/media/webrtc/sdp-frag.js";
import type { BridgeFailure, TrickleMode } from "../../../src/media/webrtc/webrtc-types.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../../helpers/netns.js";
import { analyzeTone, readWavFile } from "../../helpers/wav-audio.js";

if (!insidePrivateNetwork()) {
  declarePrivateNetworkRun("WebRtcBridge on loopback", import.meta.url, { timeoutMs: 120_000 });
} else {
  declareBridgeTests();
}

function declareBridgeTests(): void {
  // Every datagram any socket of this process sends, with its destination (werift's ICE, DTLS and SRTP included).
  const destinations = new Set<string>();
  const originalSend = Object.getOwnPropertyDescriptor(Socket.prototype, "send")?.value as (...a: unknown[]) => void;
  Socket.prototype.send = function (this: Socket, ...args: unknown[]): void {
    const address = args.find((a, i) => i > 0 && typeof a === "string" && /[.:]/.test(a));
    if (typeof address === "string") destinations.add(address);
    originalSend.apply(this, args);
  } as typeof Socket.prototype.send;

  const media = new MediaClock(systemClock);
  const bridges: WebRtcBridge[] = [];
  const open = (trickle: TrickleMode, extra: { iceTimeoutMs?: number; dtlsTimeoutMs?: number } = {}): WebRtcBridge => {
    const bridge = WebRtcBridge.create({
      clock: media,
      wallClock: systemClock,
      codecs: ["PCMA", "PCMU"],
      iceServers: [],
      icePolicy: "all",
      candidateAddresses: ["127.0.0.1"],
      trickle,
      gatherTimeoutMs: 2000,
      iceTimeoutMs: extra.iceTimeoutMs ?? 5000,
      dtlsTimeoutMs: 5000,
      analyze: true,
    });
    bridges.push(bridge);
    return bridge;
  };
  after(async () => {
    await Promise.all(bridges.map((b) => b.close()));
    media.close();
    Socket.prototype.send = originalSend as typeof Socket.prototype.send;
  });

  const connected = (bridge: WebRtcBridge): Promise<void> =>
    bounded("connected", 8000, (resolve, reject) => {
      bridge.events.on("connected", resolve);
      bridge.events.on("failed", (f) => reject(new Error(`${f.failure}: ${f.reason}`)));
    });

  describe("WebRtcBridge, bridge to bridge in one process on 127.0.0.1", () => {
    it("connects in full mode with every candidate in the SDP, m=/c= naming the default candidate, and carries 440 Hz one way and 880 Hz the other", async () => {
      const a = open("full");
      const b = open("full");
      const offer = await a.createOffer();
      assert.match(offer, /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/m);
      assert.match(offer, /^a=end-of-candidates\r$/m);
      assert.match(offer, /^m=audio [1-9]\d* UDP\/TLS\/RTP\/SAVPF 8 0 101\r$/m);
      assert.match(offer, /^c=IN IP4 127\.0\.0\.1\r$/m);
      assert.doesNotMatch(offer, /a=candidate:.* (?!127\.0\.0\.1)\d+\.\d+\.\d+\.\d+ \d+ typ host/);
      const up = Promise.all([connected(a), connected(b)]);
      const answer = await b.createAnswer(offer);
      assert.match(answer, /^c=IN IP4 127\.0\.0\.1\r$/m);
      await a.acceptAnswer(answer);
      await up;
      const dir = mkdtempSync(join(tmpdir(), "sipwright-webrtc-"));
      a.startRecording({ layout: "per-direction", directory: dir, baseName: "a" });
      b.startRecording({ layout: "per-direction", directory: dir, baseName: "b" });
      a.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -12 });
      b.startSource({ kind: "tone", frequencyHz: 880, levelDbfs: -12 });
      await until(
        media,
        "1.5 s of audio both ways",
        () => a.stats().received.packets >= 75 && b.stats().received.packets >= 75,
      );
      await Promise.all([a.sendDtmf("159#", 100), b.sendDtmf("*0", 100)]);
      await until(media, "DTMF both ways", () => b.stats().dtmfReceived === "159#" && a.stats().dtmfReceived === "*0");
      const aStats = a.stats();
      assert.equal(aStats.kind, "webrtc");
      assert.equal(aStats.codec, "PCMA");
      assert.deepEqual(aStats.local?.address, "127.0.0.1");
      const recordings = [...a.stats().recordings, ...b.stats().recordings];
      await a.close();
      await b.close();
      const path = (name: string): string => {
        const found = recordings.find((p) => p.includes(name));
        assert.ok(found !== undefined, `no recording ${name} among ${recordings.join(", ")}`);
        return found;
      };
      const heard = (file: string, hz: number): number => {
        const channel = readWavFile(path(file)).channels[0];
        assert.ok(channel !== undefined);
        return analyzeTone(channel, hz).toneSeconds;
      };
      assert.ok(heard("b-received", 440) >= 1, "B hears A's 440 Hz");
      assert.ok(heard("a-received", 880) >= 1, "A hears B's 880 Hz");
      const stats = a.webrtcStats();
      assert.equal(stats.ice.connection, "connected");
      assert.equal(stats.ice.selected_pair?.local.address, "127.0.0.1");
      assert.ok(stats.timings_ms.dtls_connected !== null);
    });

    it("replays a capture's payloads over the bridge with the capture's timing (play_pcap_audio): 1 s of 440 Hz arrives", async () => {
      const a = open("full");
      const b = open("full");
      const up = Promise.all([connected(a), connected(b)]);
      await a.acceptAnswer(await b.createAnswer(await a.createOffer()));
      await up;
      const dir = mkdtempSync(join(tmpdir(), "sipwright-webrtc-pcap-"));
      b.startRecording({ layout: "per-direction", directory: dir, baseName: "b" });
      // Paced by the capture in stream time: its 50 packets, 20 ms apart, go out over about 50 slots of the media
      // clock (slots fired; a slot skipped because the event loop ran late replays nothing), not in one burst; at
      // most 50, plus a catch-up burst of up to 10 slots fired before the last packets are read, plus 2.
      const firedBefore = media.pacingStats().ticks;
      a.startSource({
        kind: "pcap",
        path: fileURLToPath(new URL("../../fixtures/pcap/pcma-440hz-1s.pcap", import.meta.url)),
      });
      await until(media, "the capture's 50 packets", () => b.stats().received.packets >= 50);
      const fired = media.pacingStats().ticks - firedBefore;
      assert.ok(fired >= 48 && fired <= 62, `50 packets of a 1 s capture took ${fired} slots of 20 ms`);
      const recording = b.stats().recordings.find((p) => p.endsWith("-received.wav"));
      await b.close();
      await a.close();
      assert.ok(recording !== undefined);
      const channel = readWavFile(recording).channels[0];
      assert.ok(channel !== undefined);
      assert.ok(analyzeTone(channel, 440).toneSeconds >= 0.8, "the capture's 440 Hz came through");
    });

    it("auto (the default): every candidate and a=end-of-candidates like a browser, no a=ice-options:trickle; an answer to a trickle offer keeps it only if candidates are left", async () => {
      const a = open("auto");
      const b = open("auto");
      const offer = await a.createOffer();
      assert.match(offer, /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/m);
      assert.match(offer, /^a=end-of-candidates\r$/m);
      assert.match(offer, /^m=audio [1-9]\d* /m);
      assert.match(offer, /^c=IN IP4 127\.0\.0\.1\r$/m);
      assert.doesNotMatch(offer, /^a=ice-options:.*trickle/m, "a complete offer announces no trickle");
      const up = Promise.all([connected(a), connected(b)]);
      const answer = await b.createAnswer(offer);
      assert.match(answer, /^a=end-of-candidates\r$/m);
      assert.doesNotMatch(answer, /^a=ice-options:.*trickle/m, "the offer did not allow trickle");
      await a.acceptAnswer(answer);
      await up;
      assert.equal(a.webrtcStats().trickle_mode, "auto");
    });

    it("answers an offer without a=ice-options:trickle completely and without it, even in trickle mode (RFC 3264 6)", async () => {
      const a = open("full");
      const b = open("trickle");
      const offer = (await a.createOffer()).replace(/^a=ice-options:trickle\r\n/m, "");
      assert.doesNotMatch(offer, /ice-options/);
      const answer = await b.createAnswer(offer);
      assert.doesNotMatch(answer, /^a=ice-options:.*trickle/m);
      assert.match(answer, /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/m);
      assert.match(answer, /^a=end-of-candidates\r$/m);
    });

    it("connects in trickle mode with candidates carried only by localCandidate events and RFC 8840 sdpfrags", async () => {
      const a = open("trickle");
      const b = open("trickle");
      const toB: string[] = [];
      const toA: string[] = [];
      const relay = (from: WebRtcBridge, to: WebRtcBridge, sent: string[]): void => {
        from.events.on("localCandidate", (c) => {
          const info = from.iceFragmentInfo();
          assert.ok(info !== undefined);
          const frag = buildSdpFragment(info, [c], false);
          sent.push(frag);
          void to.applyRemoteUpdate(frag, "application/trickle-ice-sdpfrag");
        });
        from.events.on("gatheringComplete", () => {
          const info = from.iceFragmentInfo();
          if (info !== undefined)
            void to.applyRemoteUpdate(buildSdpFragment(info, [], true), "application/trickle-ice-sdpfrag");
        });
      };
      relay(a, b, toB);
      relay(b, a, toA);
      const up = Promise.all([connected(a), connected(b)]);
      const offer = await a.createOffer();
      assert.doesNotMatch(offer, /a=candidate/);
      assert.match(offer, /^a=ice-options:trickle\r$/m);
      assert.match(offer, /^m=audio 9 /m);
      const answer = await b.createAnswer(offer);
      assert.doesNotMatch(answer, /a=candidate/);
      await a.acceptAnswer(answer);
      await up;
      assert.ok(toB.length >= 1 && toA.length >= 1, "candidates went both ways by sdpfrag");
      assert.match(
        toB[0] ?? "",
        /^a=ice-ufrag:.+\r\na=ice-pwd:.+\r\nm=audio 9 UDP\/TLS\/RTP\/SAVPF 0\r\na=mid:0\r\na=candidate:/,
      );
      assert.ok(a.webrtcStats().trickle.candidates_sent >= 1);
      assert.ok(b.webrtcStats().trickle.candidates_received >= 1);
    });

    it("fails with ice_failed within the ICE timeout, naming the states reached, when the peer's only candidate is a port nobody listens on", async () => {
      const a = open("trickle", { iceTimeoutMs: 1500 });
      const b = open("trickle");
      const failed = bounded<BridgeFailure>("failed", 6000, (resolve) => {
        a.events.on("failed", resolve);
      });
      const started = Date.now();
      const answer = await b.createAnswer(await a.createOffer());
      await a.acceptAnswer(answer);
      const info = b.iceFragmentInfo();
      assert.ok(info !== undefined);
      const dead = { candidate: "candidate:1 1 udp 2130706431 127.0.0.1 9 typ host", mid: info.mid };
      await a.applyRemoteUpdate(buildSdpFragment(info, [dead], true), "application/trickle-ice-sdpfrag");
      const failure = await failed;
      assert.equal(failure.failure, "ice_failed");
      assert.match(failure.reason, /within 1500 ms/);
      assert.match(failure.reason, /gathering \w+, ICE \w+, DTLS \w+/);
      assert.ok(Date.now() - started < 4000);
    });

    it("fails with dtls_failed, not as connected, when the DTLS handshake cannot complete (the answer's fingerprint is not the peer's)", async () => {
      const a = open("full", { dtlsTimeoutMs: 1500 });
      const b = open("full");
      const failed = bounded<BridgeFailure>("failed", 8000, (resolve) => {
        a.events.on("failed", resolve);
      });
      const answer = await b.createAnswer(await a.createOffer());
      // Another certificate's fingerprint: ICE pairs the candidates, but a cannot authenticate b's DTLS.
      const forged = answer.replace(/^a=fingerprint:sha-256 (\S+)/m, (_line, fp: string) => {
        const bytes = fp.split(":");
        bytes[0] = bytes[0] === "00" ? "01" : "00";
        return `a=fingerprint:sha-256 ${bytes.join(":")}`;
      });
      assert.notEqual(forged, answer);
      await a.acceptAnswer(forged);
      const failure = await failed;
      assert.equal(failure.failure, "dtls_failed", failure.reason);
      assert.match(failure.reason, /DTLS failed/);
      assert.equal(a.webrtcStats().timings_ms.dtls_connected, null, "DTLS never connected");
    });

    it("rejects a plain RTP/AVP answer to its offer with SdpUnusableError naming what is missing", async () => {
      const a = open("trickle");
      await a.createOffer();
      const plain =
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
      await assert.rejects(a.acceptAnswer(plain), (error: unknown) => {
        assert.ok(error instanceof SdpUnusableError);
        assert.match(error.message, /UDP\/TLS\/RTP\/SAVPF/);
        assert.match(error.message, /a=fingerprint/);
        assert.match(error.message, /a=ice-ufrag/);
        return true;
      });
    });

    it("answers a gateway-style offer (ice-lite, a=rtcp:PORT without address, no ssrc, no BUNDLE, rtcp candidates, SDES lines) with a G.711 answer", async () => {
      const b = open("trickle");
      const offer = [
        "v=0",
        "o=- 1 1 IN IP4 127.0.0.1",
        "s=gateway",
        "c=IN IP4 127.0.0.1",
        "t=0 0",
        "a=ice-lite",
        "m=audio 9 UDP/TLS/RTP/SAVPF 0 8 101",
        "a=rtpmap:101 telephone-event/8000",
        "a=rtcp:10",
        "a=rtcp-mux",
        "a=setup:actpass",
        "a=fingerprint:sha-256 1F:97:99:EA:41:C1:10:D2:3C:11:CE:6C:3C:1B:A9:75:3A:EC:3B:4C:3B:26:24:A7:EC:8F:C0:00:6F:DF:BC:5C",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
        "a=ice-ufrag:gw01",
        "a=ice-pwd:0123456789abcdefghijkl",
        "a=candidate:H1 1 UDP 2130706431 127.0.0.1 9 typ host",
        "a=candidate:H1 2 UDP 2130706430 127.0.0.1 10 typ host",
        "a=end-of-candidates",
      ].join("\n");
      const answer = await b.createAnswer(offer);
      assert.match(answer, /^m=audio \d+ UDP\/TLS\/RTP\/SAVPF (0|8)\b/m);
      assert.match(answer, /^a=setup:active\r$/m);
      assert.equal(b.webrtcStats().ice.remote_candidates, 1);
    });

    it("never sends a datagram to an address other than 127.0.0.1 (no hidden STUN query)", () => {
      assert.ok(destinations.size > 0, "the spy saw the bridges' datagrams");
      assert.deepEqual(
        [...destinations].filter((d) => d !== "127.0.0.1"),
        [],
      );
    });
  });
}

function bounded<T = void>(
  what: string,
  ms: number,
  body: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    body(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function until(media: MediaClock, what: string, condition: () => boolean, ms = 8000): Promise<void> {
  return bounded(what, ms, (resolve) => {
    const unregister = media.register(() => {
      if (!condition()) return;
      unregister();
      resolve();
    });
  });
}
