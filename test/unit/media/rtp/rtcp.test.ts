import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  buildRtcpCompound,
  isRtcpPacket,
  ntpFromUnixMs,
  ntpMiddle32,
  parseRtcpCompound,
  roundTripMs,
  type RtcpReportBlock,
} from "../../../../src/media/rtp/rtcp.js";
import { serializeRtp } from "../../../../src/media/rtp/rtp-packet.js";

const block: RtcpReportBlock = {
  ssrc: 0x11223344,
  fractionLost: 12,
  cumulativeLost: -3,
  highestSequence: 65536 + 77,
  jitter: 42,
  lastSr: 0x12345678,
  delaySinceLastSr: 65536,
};

describe("RTCP", () => {
  it("round-trips a sender report with a report block, followed by SDES CNAME", () => {
    const wire = buildRtcpCompound({
      report: {
        type: "sr",
        ssrc: 0xcafebabe,
        ntpSeconds: 3_900_000_000,
        ntpFraction: 0x80000000,
        rtpTimestamp: 160_000,
        packetCount: 1000,
        octetCount: 160_000,
        reports: [block],
      },
      cname: "sipwright@127.0.0.1",
    });
    assert.equal(wire.length % 4, 0);
    assert.ok(isRtcpPacket(wire));
    const parsed = parseRtcpCompound(wire);
    assert.deepEqual(parsed, [
      {
        type: "sr",
        ssrc: 0xcafebabe,
        ntpSeconds: 3_900_000_000,
        ntpFraction: 0x80000000,
        rtpTimestamp: 160_000,
        packetCount: 1000,
        octetCount: 160_000,
        reports: [block],
      },
      { type: "sdes", chunks: [{ ssrc: 0xcafebabe, cname: "sipwright@127.0.0.1" }] },
    ]);
  });

  it("round-trips a receiver report, SDES and BYE in one compound", () => {
    const wire = buildRtcpCompound({
      report: { type: "rr", ssrc: 7, reports: [block, { ...block, ssrc: 8 }] },
      cname: "abc",
      bye: true,
    });
    assert.deepEqual(parseRtcpCompound(wire), [
      { type: "rr", ssrc: 7, reports: [block, { ...block, ssrc: 8 }] },
      { type: "sdes", chunks: [{ ssrc: 7, cname: "abc" }] },
      { type: "bye", ssrcs: [7] },
    ]);
  });

  it("pads the SDES chunk to 32 bits for every CNAME length", () => {
    for (let n = 1; n <= 9; n++) {
      const cname = "x".repeat(n);
      const parsed = parseRtcpCompound(buildRtcpCompound({ report: { type: "rr", ssrc: 1, reports: [] }, cname }));
      assert.deepEqual(parsed?.[1], { type: "sdes", chunks: [{ ssrc: 1, cname }] }, `CNAME of ${n} octets`);
    }
  });

  it("rejects truncated or non-version-2 compounds and never throws on random bytes", () => {
    const wire = buildRtcpCompound({ report: { type: "rr", ssrc: 7, reports: [block] }, cname: "abc" });
    assert.equal(parseRtcpCompound(wire.subarray(0, wire.length - 4)), undefined);
    assert.equal(parseRtcpCompound(Buffer.alloc(0)), undefined);
    const v1 = Buffer.from(wire);
    v1[0] = 0x41;
    assert.equal(parseRtcpCompound(v1), undefined);
    let seed = 5761;
    const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    for (let i = 0; i < 20_000; i++) {
      const buf = Buffer.alloc(Math.floor(random() * 64));
      for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(random() * 256);
      if (buf.length > 1) buf[0] = 0x80 | ((buf[0] ?? 0) & 0x3f);
      if (buf.length > 2 && i % 2 === 0) buf[1] = 200 + (i % 4);
      parseRtcpCompound(buf);
    }
  });

  it("tells RTCP from RTP on a muxed port by the packet type octet (RFC 5761 4)", () => {
    const rtp = serializeRtp(
      { marker: true, payloadType: 8, sequenceNumber: 1, timestamp: 1, ssrc: 1 },
      Buffer.alloc(160),
    );
    assert.equal(isRtcpPacket(rtp), false);
    assert.equal(isRtcpPacket(buildRtcpCompound({ report: { type: "rr", ssrc: 1, reports: [] }, cname: "a" })), true);
  });

  it("converts Unix time to NTP and computes the round trip A - LSR - DLSR", () => {
    const ntp = ntpFromUnixMs(0);
    assert.deepEqual(ntp, { seconds: 2_208_988_800, fraction: 0 });
    assert.equal(ntpFromUnixMs(1500).fraction, 0x80000000);
    const sentAt = 1_700_000_000_250;
    const sr = ntpFromUnixMs(sentAt);
    // The peer held our SR for 1 s, and its report reached us 1.25 s after we sent the SR: RTT 250 ms.
    const rr: RtcpReportBlock = { ...block, lastSr: ntpMiddle32(sr.seconds, sr.fraction), delaySinceLastSr: 65536 };
    const rtt = roundTripMs(rr, sentAt + 1250);
    assert.ok(rtt !== undefined && Math.abs(rtt - 250) < 0.1, `rtt ${rtt}`);
    assert.equal(roundTripMs({ ...block, lastSr: 0 }, sentAt), undefined, "no SR received by the peer yet");
  });
});
