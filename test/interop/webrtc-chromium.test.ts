/**
 * A real browser as the WebRTC peer (issue 4, "Must show"): headless Debian Chromium, driven by playwright-core
 * (test/helpers/chromium-peer.ts), against a WebRtcBridge in this process, inside a private network namespace
 * (`unshare -n`, only `lo`: Chromium gathers no candidate there and connects through peer-reflexive candidates
 * against ours on 127.0.0.1). The test carries SDP between the page and the bridge, no SIP. The bridge runs in
 * `full` trickle mode and the page waits for complete gathering, so every candidate travels in the SDP.
 * 1. Chromium offers (its default codec list: Opus first, G.711 and telephone-event/8000 further on), sipwright
 *    answers: the page's 1000 Hz oscillator is in our received recording, insertDTMF digits reach dtmfReceived.
 * 2. sipwright offers, Chromium answers: our 440 Hz tone is measured by the page's AnalyserNode (±2 %) and its
 *    inbound-rtp stats count the packets.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../src/shared/clock.js";
import { MediaClock } from "../../src/media/rtp/media-clock.js";
import { WebRtcBridge } from "../../src/media/webrtc/webrtc-bridge.js";
import { ChromiumPeer, chromiumUnavailable } from "../helpers/chromium-peer.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../helpers/netns.js";
import { analyzeTone, readWavFile } from "../helpers/wav-audio.js";
import { waitInboundPackets } from "../helpers/inbound-audio.js";

/** Bound on every single wait of a test (launch, gathering, connection, tone, DTMF). */
const WAIT_MS = 10_000;

if (insidePrivateNetwork()) {
  declareChromiumTests();
} else {
  declarePrivateNetworkRun("headless Chromium as the WebRTC peer", import.meta.url, {
    timeoutMs: 120_000,
    unavailable: chromiumUnavailable(),
  });
}

function declareChromiumTests(): void {
  interface Peers {
    readonly bridge: WebRtcBridge;
    readonly browser: ChromiumPeer;
    readonly media: MediaClock;
    readonly dir: string;
  }

  /** A bridge and a browser, closed (and the browser process ended) whatever the test did. */
  async function withPeers(body: (peers: Peers) => Promise<void>): Promise<void> {
    const media = new MediaClock(systemClock);
    const bridge = WebRtcBridge.create({
      clock: media,
      wallClock: systemClock,
      codecs: ["PCMA", "PCMU"],
      iceServers: [],
      icePolicy: "all",
      candidateAddresses: ["127.0.0.1"],
      trickle: "full",
      gatherTimeoutMs: 3000,
      iceTimeoutMs: WAIT_MS,
      dtlsTimeoutMs: WAIT_MS,
      analyze: true,
    });
    const dir = await mkdtemp(join(tmpdir(), "sipwright-chromium-wav-"));
    let browser: ChromiumPeer | undefined;
    try {
      browser = await ChromiumPeer.launch(WAIT_MS);
      await body({ bridge, browser, media, dir });
    } finally {
      try {
        await browser?.close();
      } finally {
        await bridge.close();
        media.close();
        await rm(dir, { recursive: true, force: true });
      }
    }
  }

  describe("headless Chromium as the WebRTC peer of a WebRtcBridge", () => {
    it("answers Chromium's offer (Opus first, G.711 further on) with PCMA: the page's 1000 Hz oscillator is in our recording", () =>
      withPeers(async ({ bridge, browser, media, dir }) => {
        const { answer } = await answerChromium(bridge, browser);
        assert.match(answer, /^m=audio [1-9]\d* UDP\/TLS\/RTP\/SAVPF 8 /m, "PCMA answered first");
        checkConnected(bridge, "answerer");

        bridge.startRecording({ layout: "per-direction", directory: dir, baseName: "chromium" });
        bridge.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
        await until(media, "2 s of audio from Chromium", () => bridge.stats().received.packets >= 100);
        const stats = bridge.stats();
        assert.equal(stats.codec, "PCMA");
        assert.equal(stats.received.lost, 0);
        await bridge.close();
        const received = stats.recordings.find((path) => path.includes("received"));
        assert.ok(received !== undefined, `a received-direction WAV among ${stats.recordings.join(", ")}`);
        const [channel] = readWavFile(received).channels;
        assert.ok(channel !== undefined);
        const tone = analyzeTone(channel, 1000);
        // Against the recording itself, not the 2 s the packet count stands for: on a busy machine the recording may
        // hold less of them (it starts after the first packets); the tone fills it but for a window at each end.
        const recordedSeconds = tone.windows / 10;
        assert.ok(recordedSeconds >= 1, `a recording of ${recordedSeconds} s for ${stats.received.packets} packets`);
        assert.ok(
          tone.toneSeconds >= recordedSeconds - 0.2,
          `1000 Hz for ${tone.toneSeconds} s of ${recordedSeconds} s`,
        );
        assert.ok(Math.abs(tone.medianHz - 1000) <= 20, `median ${tone.medianHz} Hz`);
      }));

    it("answers Chromium's offer with telephone-event/8000 (not Chromium's /48000) and detects the page's insertDTMF digits", () =>
      withPeers(async ({ bridge, browser, media }) => {
        const { offer, answer } = await answerChromium(bridge, browser);
        // RFC 4733 2.1: telephone-event uses the clock rate of the audio it goes with; Chromium offers both rates.
        const events = [...answer.matchAll(/^a=rtpmap:(\d+) telephone-event\/(\d+)/gm)].map((m) => `${m[1]}/${m[2]}`);
        const offered = /^a=rtpmap:(\d+) telephone-event\/8000/m.exec(offer)?.[1];
        assert.ok(offered !== undefined, "Chromium offers telephone-event/8000");
        assert.deepEqual(events, [`${offered}/8000`], "the answer's telephone-event is the offer's 8 kHz one");

        const played = await browser.insertDtmf("159#", 100, 70, WAIT_MS);
        assert.equal(played, "159#", "the page played every digit");
        await until(media, "the DTMF digits from Chromium", () => bridge.stats().dtmfReceived === "159#");
      }));

    it("offers to Chromium, which answers: our 440 Hz tone is measured in the page within ±2 % and its inbound-rtp counts the packets", () =>
      withPeers(async ({ bridge, browser, media }) => {
        const offer = await bridge.createOffer();
        assert.match(
          offer,
          /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/m,
          "full mode: our candidate in the SDP",
        );
        assert.match(offer, /^c=IN IP4 127\.0\.0\.1\r$/m, "c= names the default candidate (RFC 8839)");
        const up = connected(bridge);
        const answer = await browser.createAnswer(offer, 1000, WAIT_MS);
        assert.match(answer, /^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 8\b/m, "Chromium answers PCMA, our first choice");
        await bridge.acceptAnswer(answer);
        await Promise.all([up, browser.connected(WAIT_MS)]);
        checkConnected(bridge, "offerer");

        bridge.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
        // -10 dBFS is an RMS of about 0.22; anything above 0.05 is our tone, not silence or comfort noise.
        const tone = await browser.measureRemoteTone(0.05, 1500, WAIT_MS);
        assert.ok(
          Math.abs(tone.peakHz - 440) <= 440 * 0.02,
          `AnalyserNode peak ${tone.peakHz} Hz (bins of ${tone.binHz} Hz)`,
        );
        assert.ok(Math.abs(tone.zeroCrossingHz - 440) <= 440 * 0.02, `zero crossings give ${tone.zeroCrossingHz} Hz`);

        // Waits for the counts, not counts after some wall-clock time: a busy machine only makes them slower.
        const inbound = await waitInboundPackets(browser, 75, WAIT_MS);
        assert.equal(inbound.codec, "audio/PCMA");
        assert.ok(inbound.packetsLost <= 1, `${inbound.packetsLost} packets lost`);
        await until(media, "Chromium's audio reached us", () => bridge.stats().received.packets >= 75);
      }));
  });
}

/**
 * Chromium offers (its default codec list, every candidate it gathered), the bridge answers in full mode, and both
 * sides connect.
 */
async function answerChromium(
  bridge: WebRtcBridge,
  browser: ChromiumPeer,
): Promise<{ readonly offer: string; readonly answer: string }> {
  const offer = await browser.createOffer(1000, WAIT_MS);
  assert.match(
    offer,
    /^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111 .*\b8\b/m,
    "Chromium offers Opus first, PCMA among others",
  );
  const up = connected(bridge);
  const answer = await bridge.createAnswer(offer);
  assert.match(answer, /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/m, "full mode: our candidate in the SDP");
  assert.match(answer, /^c=IN IP4 127\.0\.0\.1\r$/m, "c= names the default candidate (RFC 8839)");
  await browser.acceptAnswer(answer);
  await Promise.all([up, browser.connected(WAIT_MS)]);
  return { offer, answer };
}

/** The bridge's `connected` event; rejects on its `failed` event (ice_failed / dtls_failed) or after WAIT_MS. */
function connected(bridge: WebRtcBridge): Promise<void> {
  return bounded("the bridge to connect", WAIT_MS, (resolve, reject) => {
    bridge.events.on("connected", resolve);
    bridge.events.on("failed", (failure) => {
      reject(new Error(`${failure.failure}: ${failure.reason}`));
    });
  });
}

function checkConnected(bridge: WebRtcBridge, role: "offerer" | "answerer"): void {
  const stats = bridge.webrtcStats();
  assert.equal(stats.role, role);
  assert.equal(stats.ice.connection, "connected");
  assert.equal(stats.dtls.state, "connected");
  assert.ok(stats.dtls.role !== null, "a DTLS role");
  const pair = stats.ice.selected_pair;
  assert.ok(pair !== null, "a selected candidate pair");
  assert.equal(pair.local.address, "127.0.0.1");
  assert.equal(pair.remote.address, "127.0.0.1");
  assert.equal(pair.local.protocol, "udp");
  assert.ok(stats.timings_ms.ice_connected !== null && stats.timings_ms.dtls_connected !== null);
}

function bounded<T = void>(
  what: string,
  ms: number,
  body: (resolve: (value: T) => void, reject: (error: Error) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
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

/** Checks `condition` on every 20 ms media tick until it holds (bounded). */
function until(media: MediaClock, what: string, condition: () => boolean, ms = WAIT_MS): Promise<void> {
  return bounded(what, ms, (resolve) => {
    const unregister = media.register(() => {
      if (!condition()) return;
      unregister();
      resolve();
    });
  });
}
