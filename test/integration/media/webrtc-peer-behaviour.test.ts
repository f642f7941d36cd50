/**
 * WebRtcBridge against a bare werift peer made to behave like real gateways (test/helpers/werift-peer.ts), through
 * a UDP proxy that delays or drops chosen datagrams deterministically (test/helpers/udp-proxy.ts).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RTCDtlsTransport } from "werift";
import { Socket } from "node:dgram";
import { systemClock } from "../../../src/shared/clock.js";
import { MediaClock } from "../../../src/media/rtp/media-clock.js";
import { WebRtcBridge } from "../../../src/media/webrtc/webrtc-bridge.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../../helpers/netns.js";
import { dtlsHandshakeTypes, UdpProxy, type ProxiedDatagram, type ProxyVerdict } from "../../helpers/udp-proxy.js";
import { analyzeTone, readWavFile } from "../../helpers/wav-audio.js";
import { WeriftPeer } from "../../helpers/werift-peer.js";

if (!insidePrivateNetwork()) {
  declarePrivateNetworkRun("WebRtcBridge against gateway-like peers", import.meta.url, { timeoutMs: 240_000 });
} else {
  declarePeerTests();
}

function declarePeerTests(): void {
  const media = new MediaClock(systemClock);
  const closers: (() => Promise<void> | void)[] = [];
  const open = (): WebRtcBridge => {
    const bridge = WebRtcBridge.create({
      clock: media,
      wallClock: systemClock,
      codecs: ["PCMA", "PCMU"],
      iceServers: [],
      icePolicy: "all",
      candidateAddresses: ["127.0.0.1"],
      trickle: "full",
      gatherTimeoutMs: 2000,
      iceTimeoutMs: 5000,
      dtlsTimeoutMs: 8000,
      analyze: true,
    });
    closers.push(() => bridge.close());
    return bridge;
  };
  const peer = (options: ConstructorParameters<typeof WeriftPeer>[0]): WeriftPeer => {
    const p = new WeriftPeer(options);
    closers.push(() => p.close());
    return p;
  };
  const proxy = async (verdict?: (d: ProxiedDatagram) => ProxyVerdict): Promise<UdpProxy> => {
    const p = await UdpProxy.open(verdict);
    closers.push(() => {
      p.close();
    });
    return p;
  };
  after(async () => {
    for (const close of closers.reverse()) await close();
    media.close();
  });

  const connected = (bridge: WebRtcBridge): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the bridge did not connect within 10 s")), 10_000);
      bridge.events.on("connected", () => {
        clearTimeout(timer);
        resolve();
      });
      bridge.events.on("failed", (f) => {
        clearTimeout(timer);
        reject(new Error(`${f.failure}: ${f.reason}`));
      });
    });
  /** Datagrams towards `to` carrying a ClientHello (RFC 6347 4.2.2: handshake type 1, epoch 0). */
  const clientHellos = (p: UdpProxy, to: "a" | "b"): number =>
    p.log.filter((d) => d.to === to && d.kind === "dtls" && dtlsHandshakeTypes(d.data).includes(1)).length;

  describe("the peer's first DTLS flight is never lost", () => {
    it("keeps a ClientHello sent the instant the peer's ICE check succeeded, before our ICE agent has finished: no retransmission needed", async () => {
      // Our STUN responses are held 200 ms, so the peer (DTLS client, ClientHello at once) is connected first and
      // its ClientHello reaches us before werift has started our DTLS transport.
      const p = await proxy((d) => (d.to === "a" && d.kind === "stun-response" ? { delayMs: 200 } : "pass"));
      const bridge = open();
      const remote = peer({ dtlsRole: "client", instantClientHello: true });
      const up = connected(bridge);
      const offer = p.rewrite(await bridge.createOffer(), "a");
      await bridge.acceptAnswer(p.rewrite(await remote.answer(offer), "b"));
      await up;
      await remote.connected(10_000);
      assert.equal(bridge.webrtcStats().dtls.role, "server");
      // RFC 6347 4.2.1: the ClientHello and the ClientHello with the cookie; a third is the peer's retransmission.
      assert.equal(clientHellos(p, "a"), 2, "the peer had to retransmit its ClientHello");
    });
  });

  describe("as DTLS client we send our ClientHello at once (werift pauses 100 ms)", () => {
    it("sends the first ClientHello before werift's 100 ms pause in RTCDtlsTransport.start() could have ended", async () => {
      // When our DTLS transport (the client: the peer answers passive) emits "connecting", werift creates its
      // DtlsClient and arms a 100 ms timer before connect(). A 100 ms timer armed at "connecting" fires no later than
      // werift's; the first ClientHello must leave its socket before it. Load only delays the timer, never the
      // ClientHello past it: the ClientHello goes out within microtasks of "connecting".
      const proto = { start: RTCDtlsTransport.prototype, send: Socket.prototype };
      const realStart = Object.getOwnPropertyDescriptor(proto.start, "start")?.value as RTCDtlsTransport["start"];
      const realSend = Object.getOwnPropertyDescriptor(proto.send, "send")?.value as Socket["send"];
      let pauseOver = false;
      let pauseOverAtFirstHello: boolean | undefined;
      let clients = 0;
      const timers: NodeJS.Timeout[] = [];
      RTCDtlsTransport.prototype.start = function (this: RTCDtlsTransport) {
        const state = this.onStateChange.subscribe((next) => {
          if (next !== "connecting") return;
          state.unSubscribe();
          if (this.role !== "client") return;
          clients++;
          timers.push(setTimeout(() => (pauseOver = true), 100));
        });
        return realStart.call(this);
      };
      Socket.prototype.send = function (this: Socket, ...args: unknown[]) {
        const data = args[0];
        if (Buffer.isBuffer(data) && data[0] === 22 && dtlsHandshakeTypes(data).includes(1)) {
          pauseOverAtFirstHello ??= pauseOver;
        }
        (realSend as (...a: unknown[]) => void).apply(this, args);
      } as typeof Socket.prototype.send;
      try {
        const p = await proxy();
        const bridge = open();
        const remote = peer({ dtlsRole: "server" });
        const up = connected(bridge);
        const offer = p.rewrite(await bridge.createOffer(), "a");
        await bridge.acceptAnswer(p.rewrite(await remote.answer(offer), "b"));
        await up;
        assert.equal(bridge.webrtcStats().dtls.role, "client");
        assert.equal(clients, 1);
        assert.equal(pauseOverAtFirstHello, false, "the first ClientHello waited for werift's 100 ms pause");
        assert.ok(clientHellos(p, "b") >= 1);
      } finally {
        RTCDtlsTransport.prototype.start = realStart;
        Socket.prototype.send = realSend;
        for (const timer of timers) clearTimeout(timer);
      }
    });
  });

  describe("media actions issued before the connection is up wait for it", () => {
    it("sends DTMF and plays a whole capture asked for right after the answer, before DTLS completed", async () => {
      const a = open();
      const b = open();
      let aConnected = false;
      a.events.on("connected", () => {
        aConnected = true;
      });
      const up = Promise.all([connected(a), connected(b)]);
      await a.acceptAnswer(await b.createAnswer(await a.createOffer()));
      assert.equal(aConnected, false, "asked before the connection is up");
      const digits = a.sendDtmf("159", 100);
      a.startSource({
        kind: "pcap",
        path: fileURLToPath(new URL("../../fixtures/pcap/pcma-440hz-1s.pcap", import.meta.url)),
      });
      await up;
      await digits;
      await bounded("the digits", 5000, () => b.stats().dtmfReceived === "159");
      // The capture's 50 packets all arrive: none was spent before the connection could carry it.
      await bounded("the capture's 50 packets after the digits", 5000, () => a.stats().sent.packets >= 50 + 3);
      await bounded("every packet sent received", 5000, () => b.stats().received.packets >= a.stats().sent.packets);
      assert.ok(a.stats().sent.packets - b.stats().dtmfReceived.length >= 50);
    });

    it("fails the call as ice_failed, not media_error, when the connection never comes up: the queued DTMF is rejected only at close", async () => {
      const bridge = WebRtcBridge.create({
        clock: media,
        wallClock: systemClock,
        codecs: ["PCMA", "PCMU"],
        iceServers: [],
        icePolicy: "all",
        candidateAddresses: ["127.0.0.1"],
        trickle: "full",
        gatherTimeoutMs: 2000,
        iceTimeoutMs: 1000,
        dtlsTimeoutMs: 1000,
        analyze: false,
      });
      closers.push(() => bridge.close());
      const silent = peer({});
      const answer = await silent.answer(await bridge.createOffer());
      await silent.close();
      const failed = new Promise<{ failure: string; reason: string }>((resolve) => {
        bridge.events.on("failed", resolve);
      });
      await bridge.acceptAnswer(answer);
      let settled: string | undefined;
      const digits = bridge.sendDtmf("1", 100).then(
        () => (settled = "sent"),
        (error: unknown) => (settled = error instanceof Error ? error.name : String(error)),
      );
      const failure = await failed;
      assert.equal(failure.failure, "ice_failed", failure.reason);
      assert.equal(settled, undefined, "the DTMF waited for the connection, it did not fail the call itself");
      await bridge.close();
      await digits;
      assert.equal(settled, "ClosedError");
    });
  });

  describe("a dtls_failed record says how far ICE got (issue 9 item 12)", () => {
    for (const peerRole of ["client", "server"] as const) {
      it(`names ICE connected, its pair and its time when DTLS cannot complete (peer DTLS ${peerRole}, forged fingerprint)`, async () => {
        const bridge = WebRtcBridge.create({
          clock: media,
          wallClock: systemClock,
          codecs: ["PCMA", "PCMU"],
          iceServers: [],
          icePolicy: "all",
          candidateAddresses: ["127.0.0.1"],
          trickle: "full",
          gatherTimeoutMs: 2000,
          iceTimeoutMs: 5000,
          dtlsTimeoutMs: 1500,
          analyze: false,
        });
        closers.push(() => bridge.close());
        const remote = peer({ dtlsRole: peerRole });
        const failed = new Promise<{ failure: string; reason: string }>((resolve) => {
          bridge.events.on("failed", resolve);
        });
        const answer = await remote.answer(await bridge.createOffer());
        // Another certificate's fingerprint: ICE pairs the candidates, but we cannot authenticate the peer's DTLS.
        const forged = answer.replace(/^a=fingerprint:sha-256 (\S\S)/m, (_line, first: string) => {
          return `a=fingerprint:sha-256 ${first === "00" ? "01" : "00"}`;
        });
        assert.notEqual(forged, answer);
        await bridge.acceptAnswer(forged);
        const failure = await failed;
        assert.equal(failure.failure, "dtls_failed", failure.reason);
        assert.match(failure.reason, /ICE connected/);
        await bridge.close();
        const stats = bridge.webrtcStats();
        assert.ok(stats.timings_ms.ice_connected !== null);
        assert.equal(stats.ice.connection, "connected");
        assert.equal(stats.ice.selected_pair?.local.address, "127.0.0.1");
        assert.equal(stats.timings_ms.dtls_connected, null);
      });
    }
  });

  describe("DTLS with a peer that retransmits whole flights completes in both roles (RFC 6347 4.2.4)", () => {
    const types = (d: ProxiedDatagram): number[] => (d.kind === "dtls" ? dtlsHandshakeTypes(d.data) : []);
    /** Our final flight: as client flight 5 (certificate .. Finished), as server flight 6 (ChangeCipherSpec, Finished). */
    const ourFinalFlight = (d: ProxiedDatagram, we: "client" | "server"): boolean => {
      const t = types(d);
      if (we === "server") return t.includes(-20) || t.includes(-1);
      return [11, 16, 15, -20, -1].some((type) => t.includes(type));
    };
    const call = async (we: "client" | "server", verdict: (d: ProxiedDatagram) => ProxyVerdict): Promise<void> => {
      const p = await proxy(verdict);
      const bridge = open();
      const remote = peer({ dtlsRole: we === "client" ? "server" : "client" });
      const up = connected(bridge);
      const offer = p.rewrite(await bridge.createOffer(), "a");
      await bridge.acceptAnswer(p.rewrite(await remote.answer(offer), "b"));
      await up;
      await remote.connected(10_000);
      assert.equal(bridge.webrtcStats().dtls.role, we);
    };
    for (const we of ["client", "server"] as const) {
      it(`completes as DTLS ${we} when our final flight is lost once and the peer retransmits its own`, async () => {
        let dropped = 0;
        let retransmitted = false;
        await call(we, (d) => {
          if (d.to === "b" && !retransmitted && ourFinalFlight(d, we)) {
            dropped++;
            return "drop";
          }
          // The peer's next flight after the drop is its retransmission: from then on everything passes.
          if (d.to === "a" && dropped > 0 && d.kind === "dtls") retransmitted = true;
          return "pass";
        });
        assert.ok(dropped > 0 && retransmitted, "the flight was dropped and the peer retransmitted");
      });
    }
    for (const we of ["client", "server"] as const) {
      it(`completes as DTLS ${we} with a peer that discards replayed records, when the first copy of our Finished did not complete its handshake`, async () => {
        // The peer's record layer (RFC 6347 4.1.2.6 replay window, as OpenSSL's) has seen the first copy of our
        // epoch-1 Finished, which then did not complete its handshake (rtpengine as DTLS server does that to about
        // one call in four): only a retransmission in new records (new sequence numbers) can complete it.
        const replay = new ReplayWindow();
        let lostFinished = 0;
        await call(we, (d) => {
          if (d.to !== "b" || d.kind !== "dtls") return "pass";
          if (replay.seenBefore(d.data)) return "drop";
          if (lostFinished === 0 && types(d).includes(-1)) {
            lostFinished++;
            return "drop";
          }
          return "pass";
        });
        assert.equal(lostFinished, 1, "the first Finished was lost");
        assert.equal(replay.replays, 0, "a retransmitted record carried a sequence number the peer had seen");
      });
    }
    it("completes as DTLS client when the server answers our retransmitted ClientHello with a second HelloVerifyRequest", async () => {
      // The server's first flights are held 1.3 s: we retransmit the ClientHello, the server verifies it again, and
      // the held HelloVerifyRequest reaches us after we answered the second one (werift's client threw on it).
      let held = 0;
      await call("client", (d) => {
        const serverFlight = d.to === "a" && types(d).some((type) => type >= 2 && type <= 14);
        if (serverFlight && held < 5) {
          held++;
          return { delayMs: 1300 };
        }
        return "pass";
      });
    });
  });

  describe("received RTP is heard whatever its SSRC", () => {
    it("hears an echo that keeps our own SSRC: every echoed packet counted, 440 Hz in the recording", async () => {
      const bridge = open();
      const remote = peer({ echo: true });
      const up = connected(bridge);
      const offer = await bridge.createOffer();
      await bridge.acceptAnswer(await remote.answer(offer));
      await up;
      const dir = mkdtempSync(join(tmpdir(), "sipwright-webrtc-echo-"));
      bridge.startRecording({ layout: "per-direction", directory: dir, baseName: "echo" });
      bridge.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -12 });
      await bounded("50 echoed packets heard", 10_000, () => bridge.stats().received.packets >= 50);
      bridge.controlSource("stop");
      const echoed = remote.echoed;
      await bounded("every echoed packet heard", 5000, () => bridge.stats().received.packets >= echoed);
      const stats = bridge.stats();
      assert.deepEqual(
        [...remote.echoedSsrcs],
        [Number(/^a=ssrc:(\d+) /m.exec(offer)?.[1])],
        "the echo keeps our SSRC",
      );
      const recording = stats.recordings.find((path) => path.endsWith("-received.wav"));
      await bridge.close();
      assert.ok(recording !== undefined);
      const channel = readWavFile(recording).channels[0];
      assert.ok(channel !== undefined);
      assert.ok(analyzeTone(channel, 440).toneSeconds >= 0.8, "the echoed 440 Hz is in the recording");
    });
  });
}

/**
 * What an RFC 6347 receiver (OpenSSL's) discards, kept by the proxy for one direction: a datagram whose records all
 * carry an (epoch, sequence number) already delivered (4.1.2.6 replay window), and a plaintext handshake message
 * whose message_seq was already delivered (4.2.2: a retransmission, not processed again; werift would process it
 * again and derive other keys from it).
 */
class ReplayWindow {
  readonly #seen = new Set<string>();
  readonly #messages = new Set<number>();
  replays = 0;

  seenBefore(datagram: Buffer): boolean {
    const keys: string[] = [];
    const messages: number[] = [];
    for (let offset = 0; offset + 13 <= datagram.length; offset += 13 + datagram.readUInt16BE(offset + 11)) {
      const epoch = datagram.readUInt16BE(offset + 3);
      keys.push(`${epoch}/${datagram.readUIntBE(offset + 5, 6)}`);
      if (datagram[offset] === 22 && epoch === 0 && offset + 19 <= datagram.length) {
        messages.push(datagram.readUInt16BE(offset + 17));
      }
    }
    const replayed = keys.length > 0 && keys.every((key) => this.#seen.has(key));
    const retransmitted = messages.length > 0 && messages.every((seq) => this.#messages.has(seq));
    if (replayed) this.replays++;
    for (const key of keys) this.#seen.add(key);
    for (const seq of messages) this.#messages.add(seq);
    return replayed || retransmitted;
  }
}

/** Resolves once `condition` holds (checked every 20 ms), rejects after `ms`. */
function bounded(what: string, ms: number, condition: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }
    }, 20);
  });
}
