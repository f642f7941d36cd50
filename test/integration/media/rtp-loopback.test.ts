import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { systemClock } from "../../../src/shared/clock.js";
import { MediaClock } from "../../../src/media/rtp/media-clock.js";
import { parseRtp, serializeRtp } from "../../../src/media/rtp/rtp-packet.js";
import { ReceiveStats } from "../../../src/media/rtp/receive-stats.js";

const LOOPBACK = "127.0.0.1";
const PACKETS = 50;

async function bound(): Promise<Socket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, LOOPBACK, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  return socket;
}

describe("RTP over loopback paced by the shared MediaClock", () => {
  const sockets: Socket[] = [];
  const media = new MediaClock(systemClock);
  after(async () => {
    media.close();
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it("delivers 50 packets 20 ms apart with 0 lost", async () => {
    const [sender, receiver] = [await bound(), await bound()];
    sockets.push(sender, receiver);
    const stats = new ReceiveStats();
    const arrivals: number[] = [];
    let malformed = 0;
    const allArrived = new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        reject(new Error(`only ${arrivals.length} of ${PACKETS} packets arrived within 5 s`));
      }, 5000);
      receiver.on("message", (datagram) => {
        const packet = parseRtp(datagram);
        if (packet === undefined) {
          malformed++;
          return;
        }
        const now = systemClock.now();
        arrivals.push(now);
        stats.onPacket({ ...packet, payloadLength: packet.payload.length }, now);
        if (arrivals.length === PACKETS) {
          clearTimeout(timeout);
          resolve();
        }
      });
    });

    const payload = Buffer.alloc(160, 0xd5);
    const to = receiver.address().port;
    let sent = 0;
    let firstIndex: number | undefined;
    const unregister = media.register((tick) => {
      firstIndex ??= tick.index;
      const packet = serializeRtp(
        {
          marker: sent === 0,
          payloadType: 8,
          sequenceNumber: (65520 + sent) & 0xffff,
          timestamp: (tick.index - firstIndex) * 160,
          ssrc: 0x5eed,
        },
        payload,
      );
      sender.send(packet, to, LOOPBACK);
      if (++sent === PACKETS) unregister();
    });
    await allArrived;

    assert.equal(malformed, 0);
    const s = stats.stats();
    assert.equal(s.packets, PACKETS);
    assert.equal(s.octets, PACKETS * 160);
    assert.equal(s.lost, 0);
    assert.equal(stats.reportBlock(systemClock.now())?.highestSequence, 65536 + ((65520 + PACKETS - 1) & 0xffff));
    const spanMs = (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0);
    assert.ok(spanMs >= 49 * 20 - 30, `paced, not a burst: 50 packets arrived over ${spanMs.toFixed(1)} ms`);
    assert.equal(media.size, 0);
    const pacing = media.pacingStats();
    assert.equal(pacing.ticks, PACKETS);
    assert.ok(pacing.p50Ms < 20, `pacing p50 ${pacing.p50Ms} ms`);
  });
});
