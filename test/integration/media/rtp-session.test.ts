import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { fileURLToPath } from "node:url";
import { systemClock } from "../../../src/shared/clock.js";
import type { AudioCheckSpec, G711Codec } from "../../../src/media/media-pipeline.js";
import { MediaClock } from "../../../src/media/rtp/media-clock.js";
import { SdpUnusableError } from "../../../src/media/sdp-unusable-error.js";
import type { RtpSession } from "../../../src/media/rtp/rtp-session.js";
import {
  connect,
  LOOPBACK,
  openSession,
  tempDirectory,
  testAllocator,
  toneShare,
  until,
  wavChannels,
} from "./rtp-session-helpers.js";

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/pcap/${name}`, import.meta.url));

const tone = (direction: "sent" | "received", frequencyHz: number): AudioCheckSpec => ({
  kind: "tone",
  direction,
  frequencyHz,
  tolerance: 0.02,
  minShare: 0.8,
  minLevelDbfs: -30,
});

describe("RtpSession between two sessions on 127.0.0.1, paced by one shared MediaClock", () => {
  const media = new MediaClock(systemClock);
  const allocator = testAllocator();
  const sessions: RtpSession[] = [];
  const open = async (codecs?: readonly G711Codec[], extra?: { rtcpIntervalMs?: number }): Promise<RtpSession> => {
    const session = await openSession(allocator, media, codecs, extra);
    sessions.push(session);
    return session;
  };
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    media.close();
  });

  for (const codec of ["PCMA", "PCMU"] as const) {
    it(`exchanges 440 Hz and 1000 Hz tones over ${codec}: each side sends one packet per media-clock slot, the other hears them all, and the recordings hold both tones`, async () => {
      const a = await open([codec]);
      const b = await open(["PCMA", "PCMU"]);
      await connect(a, b);
      assert.equal(a.stats().codec, codec);
      assert.equal(b.stats().codec, codec);
      const directory = tempDirectory();
      a.startRecording({ layout: "stereo", directory, baseName: `a-${codec}` });
      b.startRecording({ layout: "per-direction", directory, baseName: `b-${codec}` });
      a.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
      b.startSource({ kind: "tone", frequencyHz: 1000, levelDbfs: -10 });
      // Stream time, not wall time: the slots the shared clock fired while the tones played (a slot skipped because
      // the event loop ran late sends nothing).
      const firedBefore = media.pacingStats().ticks;
      await until(media, "75 packets each way", () => {
        return a.stats().received.packets >= 75 && b.stats().received.packets >= 75;
      });
      a.controlSource("stop");
      b.controlSource("stop");
      const fired = media.pacingStats().ticks - firedBefore;

      assert.deepEqual(a.checkAudio(tone("received", 1000)).passed, true, a.checkAudio(tone("received", 1000)).reason);
      assert.equal(b.checkAudio(tone("received", 440)).passed, true, b.checkAudio(tone("received", 440)).reason);
      assert.equal(a.checkAudio(tone("sent", 440)).passed, true);
      for (const session of [a, b]) {
        const stats = session.stats();
        assert.equal(stats.sent.packets, fired, `one packet per slot: ${stats.sent.packets} sent in ${fired} slots`);
        assert.equal(stats.received.lost, 0);
        assert.equal(stats.received.octets, stats.received.packets * 160);
        // The last packets the peer sent may still be in flight when the tones stop.
        assert.ok(stats.received.packets >= 75 && stats.received.packets <= fired, `${stats.received.packets} in`);
      }

      await Promise.all([a.close(), b.close()]);
      const [stereoPath] = a.stats().recordings;
      assert.ok(stereoPath !== undefined);
      const stereo = wavChannels(stereoPath);
      assert.equal(stereo.sampleRate, 8000);
      assert.equal(stereo.channels.length, 2);
      const [left, right] = stereo.channels;
      assert.ok(left !== undefined && right !== undefined);
      assert.ok(toneShare(left, 440) >= 0.8, `left: 440 Hz in ${toneShare(left, 440)}`);
      assert.ok(toneShare(right, 1000) >= 0.8, `right: 1000 Hz in ${toneShare(right, 1000)}`);
      const [sentPath, receivedPath] = b.stats().recordings;
      assert.ok(sentPath?.endsWith("-sent.wav") === true && receivedPath?.endsWith("-received.wav") === true);
      const sent = wavChannels(sentPath).channels[0] ?? new Int16Array(0);
      const received = wavChannels(receivedPath).channels[0] ?? new Int16Array(0);
      assert.ok(toneShare(sent, 1000) >= 0.8, `B sent: 1000 Hz in ${toneShare(sent, 1000)}`);
      assert.ok(toneShare(received, 440) >= 0.8, `B received: 440 Hz in ${toneShare(received, 440)}`);
      assert.ok(received.length >= 75 * 160);
    });
  }

  it('sends DTMF "123#" as RFC 4733 events that the other side detects', async () => {
    const a = await open();
    const b = await open();
    await connect(a, b);
    a.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
    await a.sendDtmf("123#", 60);
    assert.equal(a.stats().dtmfSent, "123#");
    await until(media, "four digits at B", () => b.stats().dtmfReceived.length >= 4);
    assert.equal(b.stats().dtmfReceived, "123#");
    // Audio resumes after the digits, and the events did not count as loss.
    const before = b.stats().received.packets;
    await until(media, "audio after the digits", () => b.stats().received.packets >= before + 5);
    assert.equal(b.stats().received.lost, 0);
  });

  it("replays a pcap capture with its timing (play_pcap_audio): the peer hears its tone and its DTMF digit", async () => {
    const a = await open(["PCMA"]);
    const b = await open(["PCMA"]);
    await connect(a, b);
    // Paced by the capture in stream time: its 50 packets, 20 ms apart, go out over about 50 slots of the media clock
    // (slots fired; a slot skipped because the event loop ran late replays nothing), not in one burst.
    const firedBefore = media.pacingStats().ticks;
    a.startSource({ kind: "pcap", path: fixture("pcma-440hz-1s.pcap") });
    await until(media, "the 50 packets of the capture", () => b.stats().received.packets >= 50);
    const fired = media.pacingStats().ticks - firedBefore;
    // At most 50 slots, plus a catch-up burst of up to 10 slots fired before the last packets are read, plus 2.
    assert.ok(fired >= 48 && fired <= 62, `1 s of capture (50 packets) replayed in ${fired} slots of 20 ms`);
    const check = b.checkAudio(tone("received", 440));
    assert.equal(check.passed, true, check.reason);
    assert.equal(b.stats().received.lost, 0);
    a.startSource({ kind: "pcap", path: fixture("pcma-dtmf-5.pcap") });
    await until(media, "the digit of the DTMF capture", () => b.stats().dtmfReceived === "5");
    assert.equal(a.stats().sent.packets >= 50, true);
  });

  it("echo sends back what arrives: A hears its own tone", async () => {
    const a = await open();
    const b = await open();
    await connect(a, b);
    b.startSource({ kind: "echo" });
    a.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
    await until(media, "60 echoed packets", () => a.stats().received.packets >= 60);
    const check = a.checkAudio(tone("received", 440));
    assert.equal(check.passed, true, check.reason);
    assert.equal(a.stats().received.lost, 0);
    assert.ok(b.stats().sent.packets >= 60);
  });

  it("hears an echo that returns our packets unchanged, our own SSRC included (sipp -rtp_echo): every packet counted", async () => {
    const a = await open(["PCMA"]);
    const echo = createSocket("udp4");
    let echoed = 0;
    echo.on("message", (data, from) => {
      echoed++;
      echo.send(data, from.port, from.address);
    });
    await new Promise<void>((resolve) => echo.bind(0, LOOPBACK, resolve));
    try {
      await a.createOffer();
      const port = echo.address().port;
      const answer = `v=0\r\no=- 1 1 IN IP4 ${LOOPBACK}\r\ns=-\r\nc=IN IP4 ${LOOPBACK}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n`;
      await a.acceptAnswer(answer);
      a.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
      await until(media, "50 echoed packets", () => a.stats().received.packets >= 50);
      a.controlSource("stop");
      await until(media, "every echoed packet", () => a.stats().received.packets >= a.stats().sent.packets);
      assert.ok(echoed >= a.stats().sent.packets);
      const check = a.checkAudio(tone("received", 440));
      assert.equal(check.passed, true, check.reason);
    } finally {
      echo.close();
    }
  });

  it("fails the checks that must fail: silence where a tone is expected, nothing at all for two-way audio", async () => {
    const a = await open();
    const b = await open();
    await connect(a, b);
    a.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
    b.startSource({ kind: "silence" });
    await until(media, "50 packets of silence", () => a.stats().received.packets >= 50);
    const silence = a.checkAudio(tone("received", 1000));
    assert.equal(silence.passed, false, silence.reason);
    assert.equal(a.stats().audioChecks.at(-1), silence);

    const c = await open();
    const d = await open();
    await connect(c, d);
    c.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
    await until(media, "50 packets at d", () => d.stats().received.packets >= 50);
    const oneWay = c.checkAudio({ kind: "two-way", minLevelDbfs: -40, minShare: 0.5 });
    assert.equal(oneWay.passed, false, oneWay.reason);
    assert.match(oneWay.reason, /one-way audio/);
    // The same session passes what it can vouch for: its own tone went out and arrived.
    assert.equal(d.checkAudio(tone("received", 440)).passed, true);
    assert.equal(c.checkAudio({ kind: "packets", minPacketsPerDirection: 1 }).passed, false);
  });

  it("counts garbage datagrams on the RTP port and keeps receiving audio", async () => {
    const a = await open();
    const b = await open();
    await connect(a, b);
    b.startSource({ kind: "tone", frequencyHz: 1000, levelDbfs: -10 });
    await until(media, "first packets", () => a.stats().received.packets >= 10);
    const junk = createSocket("udp4");
    const port = a.stats().local?.port ?? 0;
    const garbage = [Buffer.alloc(0), Buffer.from([0x80]), Buffer.alloc(40, 0x00), Buffer.from("INVITE sip:x SIP/2.0")];
    for (const datagram of garbage) junk.send(datagram, port, LOOPBACK);
    await until(media, "4 malformed datagrams counted", () => a.counters().malformedRtp === garbage.length);
    const before = a.stats().received.packets;
    await until(media, "audio after the garbage", () => a.stats().received.packets >= before + 25);
    junk.close();
    const check = a.checkAudio(tone("received", 1000));
    assert.equal(check.passed, true, check.reason);
    assert.equal(a.stats().received.lost, 0);
  });

  it("exchanges RTCP sender reports both ways and measures the round trip", async () => {
    const a = await open(undefined, { rtcpIntervalMs: 200 });
    const b = await open(undefined, { rtcpIntervalMs: 200 });
    await connect(a, b);
    a.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
    b.startSource({ kind: "tone", frequencyHz: 1000, levelDbfs: -10 });
    await until(media, "two SRs each way and a round trip", () => {
      const [ra, rb] = [a.counters().rtcp, b.counters().rtcp];
      return ra.senderReportsReceived >= 2 && rb.senderReportsReceived >= 2 && ra.roundTripMs !== undefined;
    });
    assert.ok((a.counters().rtcp.roundTripMs ?? Infinity) < 100);
    assert.equal(a.counters().rtcp.malformed, 0);
  });

  it("stops RTCP when the call hangs up: one last compound (RTCP BYE), then nothing while the peer goes on", async () => {
    const a = await open(undefined, { rtcpIntervalMs: 100 });
    const b = await open(undefined, { rtcpIntervalMs: 100 });
    await connect(a, b);
    a.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
    b.startSource({ kind: "tone", frequencyHz: 1000, levelDbfs: -10 });
    await until(media, "a report from A at B", () => b.counters().rtcp.received >= 1);
    a.hangUp();
    const sentByA = a.counters().rtcp.sent;
    const sentByB = b.counters().rtcp.sent;
    // RFC 3550 6.3.1: each interval is 0.5 to 1.5 times the deterministic one. Five more reports from B span at
    // least four half-intervals (2 x 100 ms), longer than A's longest pending interval (1.5 x 100 ms): a session
    // that kept reporting would have sent again by then.
    await until(media, "five more reports from B", () => b.counters().rtcp.sent >= sentByB + 5);
    await until(media, "everything A sent has arrived at B", () => b.counters().rtcp.received >= sentByA);
    assert.equal(a.counters().rtcp.sent, sentByA, "A sent RTCP after its hang-up");
    assert.equal(b.counters().rtcp.received, sentByA, "B received RTCP from A after the hang-up");
    assert.ok(a.counters().rtcp.received > 0, "A still receives");
    // The media clock paces both: ten more frames from B are ten ticks at which A, still sending, would have sent.
    const packetsAtHangUp = a.stats().sent.packets;
    const fromB = b.stats().sent.packets;
    await until(media, "ten more frames from B", () => b.stats().sent.packets >= fromB + 10);
    assert.equal(a.stats().sent.packets, packetsAtHangUp, "A sent RTP after its hang-up");
  });

  it("rejects an offer without G.711 with an error that says why", async () => {
    const a = await open();
    const offer =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
      "m=audio 4000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n";
    await assert.rejects(a.createAnswer(offer), (error: unknown) => {
      assert.ok(error instanceof SdpUnusableError);
      assert.match(error.message, /no common codec.*opus/);
      return true;
    });
  });

  it("closes twice without error and gives its ports back", async () => {
    const only = testAllocator(1);
    assert.equal(only.capacity, 1);
    const a = await openSession(only, media);
    const b = await open();
    await connect(a, b);
    a.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
    await until(media, "packets at b", () => b.stats().received.packets >= 5);
    await Promise.all([a.close(), a.close()]);
    await a.close();
    assert.equal(only.inUse, 0);
    const again = await openSession(only, media);
    assert.equal(again.stats().local?.port, a.stats().local?.port);
    await again.close();
  });
});
