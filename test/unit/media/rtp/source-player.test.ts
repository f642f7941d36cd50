import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Socket } from "node:dgram";
import { AudioTaps } from "../../../../src/media/rtp/audio-taps.js";
import type { RemoteLeg } from "../../../../src/media/rtp/remote-media.js";
import { parseRtp, type RtpPacket } from "../../../../src/media/rtp/rtp-packet.js";
import { RtpSender, udpWire } from "../../../../src/media/rtp/rtp-sender.js";
import { SourcePlayer } from "../../../../src/media/rtp/source-player.js";
import { decodeFrame, encodeFrame } from "../../../../src/media/audio/g711.js";
import { readPcapRtp } from "../../../../src/media/pcap/read-pcap.js";
import { FakeClock } from "../../../../src/shared/clock.js";
import { sine } from "../audio/audio-test-helpers.js";

/** A socket that keeps what is sent (RtpSender only calls send). */
class CapturingSocket {
  readonly packets: RtpPacket[] = [];
  send(buf: Buffer, _port: number, _address: string, callback: (error: Error | null) => void): void {
    const packet = parseRtp(buf);
    assert.ok(packet !== undefined, "the sender wrote a parsable RTP packet");
    this.packets.push(packet);
    callback(null);
  }
}

/** The peer negotiated PCMU with payload type 0. */
const REMOTE: RemoteLeg = {
  rtp: { address: "127.0.0.1", port: 40000 },
  rtcp: { address: "127.0.0.1", port: 40001 },
  codec: "PCMU",
  payloadType: 0,
  telephoneEventPt: 101,
  send: true,
};

function player(): { player: SourcePlayer; socket: CapturingSocket } {
  const socket = new CapturingSocket();
  const wire = udpWire(socket as unknown as Socket);
  const sender = new RtpSender({ ssrc: 0x80000000, wire, clock: new FakeClock(), random: () => 0.5 });
  const taps = new AudioTaps({ analyze: false });
  return { player: new SourcePlayer(sender, taps, () => REMOTE), socket };
}

describe("SourcePlayer", () => {
  it("sends a source with the negotiated codec and payload type when the spec names none", () => {
    const { player: p, socket } = player();
    p.start({ kind: "tone", frequencyHz: 440, levelDbfs: -10 });
    p.onSlot(0);
    p.onSlot(1);
    assert.deepEqual(
      socket.packets.map((x) => x.payloadType),
      [0, 0],
    );
    assert.deepEqual(socket.packets[0]?.payload, encodeFrame("PCMU", sine(440, -10, 160)));
  });

  it("sends with the spec's codec and its static payload type instead of the negotiated one (SIPp rtp_stream PT)", () => {
    const { player: p, socket } = player();
    p.start({ kind: "tone", frequencyHz: 440, levelDbfs: -10, codec: "PCMA" });
    p.onSlot(0);
    p.start({ kind: "silence", codec: "PCMA" });
    p.onSlot(1);
    assert.deepEqual(
      socket.packets.map((x) => [x.payloadType, x.marker]),
      [
        [8, true],
        [8, true],
      ],
    );
    assert.deepEqual(socket.packets[0]?.payload, encodeFrame("PCMA", sine(440, -10, 160)));
    assert.deepEqual(socket.packets[1]?.payload, encodeFrame("PCMA", new Int16Array(160)));
  });

  it("plays a WAV spec from its decoded samples without reading the file", () => {
    const { player: p, socket } = player();
    const pcm = sine(1000, -6, 320);
    p.start({ kind: "wav", path: "/nonexistent/never-read.wav", loops: 1, pcm, codec: "PCMU" });
    for (let slot = 0; slot < 4; slot++) p.onSlot(slot);
    assert.equal(socket.packets.length, 2, "two frames, then the source ended");
    assert.deepEqual(
      decodeFrame("PCMU", socket.packets[1]?.payload ?? new Uint8Array()),
      decodeFrame("PCMU", encodeFrame("PCMU", pcm.subarray(160))),
    );
  });

  it("replays a pcap spec from its parsed stream without reading the file", async () => {
    const stream = await readPcapRtp("test/fixtures/pcap/pcma-440hz-1s.pcap");
    const { player: p, socket } = player();
    p.start({ kind: "pcap", path: "/nonexistent/never-read.pcap", stream });
    for (let slot = 0; slot < 60; slot++) p.onSlot(slot);
    assert.equal(socket.packets.length, stream.packets.length);
    assert.deepEqual(socket.packets[3]?.payload, stream.packets[3]?.payload);
  });
});
