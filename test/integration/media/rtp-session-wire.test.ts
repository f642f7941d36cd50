import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { systemClock } from "../../../src/shared/clock.js";
import { parseTelephoneEvent } from "../../../src/media/rtp/dtmf.js";
import { MediaClock } from "../../../src/media/rtp/media-clock.js";
import { parseRtp, serializeRtp, type RtpPacket } from "../../../src/media/rtp/rtp-packet.js";
import { parseRtcpCompound } from "../../../src/media/rtp/rtcp.js";
import { LOOPBACK, openSession, testAllocator, until } from "./rtp-session-helpers.js";

async function bound(): Promise<Socket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  return socket;
}

describe("RtpSession on the wire (SIPp-style setRemote towards a raw socket)", () => {
  const media = new MediaClock(systemClock);
  const allocator = testAllocator();
  const sockets: Socket[] = [];
  after(() => {
    media.close();
    for (const s of sockets) s.close();
  });

  it("stamps one SSRC, consecutive sequence numbers, +160 timestamps, and a marker on each talkspurt start", async () => {
    const peer = await bound();
    sockets.push(peer);
    const packets: RtpPacket[] = [];
    peer.on("message", (datagram) => {
      const packet = parseRtp(datagram);
      if (packet !== undefined) packets.push(packet);
    });
    const session = await openSession(allocator, media);
    session.setRemote(LOOPBACK, peer.address().port, "PCMU");
    session.startSource({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
    await until(media, "10 packets", () => packets.length >= 10);
    session.controlSource("pause");
    const paused = packets.length;
    for (let i = 0; i < 5; i++) await until(media, "the next tick", () => true);
    // Packets already on their way may still land; nothing is sent after the pause.
    const afterPause = packets.length;
    session.controlSource("resume");
    await until(media, "10 more packets", () => packets.length >= afterPause + 10);
    await session.close();

    assert.ok(afterPause - paused <= 1, `${afterPause - paused} packets after pause`);
    const ssrcs = new Set(packets.map((p) => p.ssrc));
    assert.equal(ssrcs.size, 1);
    for (const p of packets) {
      assert.equal(p.payloadType, 0);
      assert.equal(p.payload.length, 160);
    }
    for (let i = 1; i < packets.length; i++) {
      const [prev, cur] = [packets[i - 1], packets[i]];
      assert.ok(prev !== undefined && cur !== undefined);
      assert.equal(cur.sequenceNumber, (prev.sequenceNumber + 1) & 0xffff, `seq at ${i}`);
      const step = (cur.timestamp - prev.timestamp) >>> 0;
      if (i === afterPause) {
        assert.ok(step >= 160 * 5 && step % 160 === 0, `timestamp jumps over the pause: ${step}`);
        assert.equal(cur.marker, true, "marker on the resumed talkspurt");
      } else {
        assert.equal(step, 160, `timestamp step at ${i}`);
        assert.equal(cur.marker, false, `no marker at ${i}`);
      }
    }
    assert.equal(packets[0]?.marker, true);
  });

  it("sends DTMF on the telephone-event payload type with marker, duration updates and three end packets", async () => {
    const peer = await bound();
    sockets.push(peer);
    const events: RtpPacket[] = [];
    peer.on("message", (datagram) => {
      const packet = parseRtp(datagram);
      if (packet?.payloadType === 96) events.push(packet);
    });
    const session = await openSession(allocator, media);
    session.setRemote(LOOPBACK, peer.address().port, "PCMA", { telephoneEventPt: 96 });
    await session.sendDtmf("5", 100);
    await until(media, "7 event packets", () => events.length >= 7);
    assert.equal(session.stats().dtmfSent, "5");
    await session.close();
    // RFC 4733 2.5: 100 ms = 4 updates every 20 ms (160..640), then the end packet (800) three times.
    assert.deepEqual(
      events.map((p) => {
        const e = parseTelephoneEvent(p.payload);
        return [e?.event, e?.end, e?.duration, p.marker];
      }),
      [
        [5, false, 160, true],
        [5, false, 320, false],
        [5, false, 480, false],
        [5, false, 640, false],
        [5, true, 800, false],
        [5, true, 800, false],
        [5, true, 800, false],
      ],
    );
    assert.equal(new Set(events.map((p) => p.timestamp)).size, 1, "one timestamp: the start of the event");
  });

  it("sends RTCP to port + 1 and a BYE when it closes", async () => {
    const rtp = await bound();
    const rtcp = await bound();
    sockets.push(rtp, rtcp);
    const types: string[] = [];
    rtcp.on("message", (datagram) => {
      for (const packet of parseRtcpCompound(datagram) ?? []) types.push(packet.type);
    });
    const session = await openSession(allocator, media, ["PCMA"], { rtcpIntervalMs: 100 });
    session.setRemote(LOOPBACK, rtp.address().port, "PCMA", { rtcpPort: rtcp.address().port });
    session.startSource({ kind: "silence" });
    // Answer one packet so the session has a source to report about.
    rtp.once("message", () => {
      const reply = serializeRtp(
        { payloadType: 8, sequenceNumber: 1, timestamp: 0, ssrc: 42 },
        Buffer.alloc(160, 0xd5),
      );
      rtp.send(reply, session.stats().local?.port ?? 0, LOOPBACK);
    });
    await until(media, "a sender report", () => types.includes("sr"));
    await session.close();
    await until(media, "a BYE", () => types.includes("bye"));
    assert.ok(types.includes("sdes"));
  });
});
