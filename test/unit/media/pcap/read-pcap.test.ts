import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePcapRtp, readPcapRtp } from "../../../../src/media/pcap/read-pcap.js";
import { encodePcap, writePcap } from "../../../../src/media/pcap/write-pcap.js";
import type { PcapWriteOptions, PcapWritePacket } from "../../../../src/media/pcap/write-pcap.js";
import { serializeRtp } from "../../../../src/media/rtp/rtp-packet.js";
import { SipwrightError } from "../../../../src/shared/errors.js";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "read-pcap-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function rtp(seq: number, options: { ssrc?: number; pt?: number; marker?: boolean; size?: number } = {}): Buffer {
  const payload = Buffer.alloc(options.size ?? 160, seq & 0xff);
  return serializeRtp(
    {
      marker: options.marker ?? false,
      payloadType: options.pt ?? 8,
      sequenceNumber: seq,
      timestamp: 160 * seq,
      ssrc: options.ssrc ?? 0xabc,
    },
    payload,
  );
}

/** Three packets at 0, 20.5 and 40 ms to port 6000. */
const THREE: PcapWritePacket[] = [
  { atMs: 0, srcPort: 5000, dstPort: 6000, rtp: rtp(1, { marker: true }) },
  { atMs: 20.5, srcPort: 5000, dstPort: 6000, rtp: rtp(2) },
  { atMs: 40, srcPort: 5000, dstPort: 6000, rtp: rtp(3) },
];

function parse(packets: readonly PcapWritePacket[], options: PcapWriteOptions = {}) {
  return parsePcapRtp(encodePcap(packets, options), "test.pcap");
}

function assertThree(options: PcapWriteOptions): void {
  const stream = parse(THREE, options);
  assert.deepEqual(
    stream.packets.map((p) => [p.offsetMs, p.sequenceNumber, p.timestamp, p.marker, p.payloadType]),
    [
      [0, 1, 160, true, 8],
      [20.5, 2, 320, false, 8],
      [40, 3, 480, false, 8],
    ],
  );
  assert.deepEqual(stream.packets[1]?.payload, Buffer.alloc(160, 2));
  assert.equal(stream.ssrc, 0xabc);
  assert.equal(stream.dstPort, 6000);
  assert.equal(stream.durationMs, 40);
}

function assertFileError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SipwrightError);
    assert.equal(err.code, "FILE_ERROR");
    assert.match(err.message, pattern);
    return true;
  });
}

describe("readPcapRtp", () => {
  it("reads back what writePcap wrote: every field, the payload and the timing, from a file", async () => {
    const path = join(dir, "round-trip.pcap");
    await writePcap(path, THREE);
    const stream = await readPcapRtp(path);
    assert.equal(stream.packets.length, 3);
    assert.equal(stream.srcPort, 5000);
    assert.equal(stream.skippedPackets, 0);
    assertThree({});
  });

  it("reads little-endian and big-endian files alike", () => {
    const little = encodePcap(THREE, { byteOrder: "little" });
    const big = encodePcap(THREE, { byteOrder: "big" });
    assert.deepEqual(little.subarray(0, 4), Buffer.from([0xd4, 0xc3, 0xb2, 0xa1]));
    assert.deepEqual(big.subarray(0, 4), Buffer.from([0xa1, 0xb2, 0xc3, 0xd4]));
    assertThree({ byteOrder: "little" });
    assertThree({ byteOrder: "big" });
  });

  it("reads nanosecond-resolution files (magic 0xa1b23c4d) in both byte orders", () => {
    const nano = encodePcap(THREE, { precision: "nano", byteOrder: "big" });
    assert.equal(nano.readUInt32BE(0), 0xa1b23c4d);
    assertThree({ precision: "nano", byteOrder: "big" });
    assertThree({ precision: "nano", byteOrder: "little" });
    const fine = parse(
      [
        { atMs: 0, srcPort: 1, dstPort: 2, rtp: rtp(1) },
        { atMs: 20.000123, srcPort: 1, dstPort: 2, rtp: rtp(2) },
      ],
      { precision: "nano" },
    );
    assert.ok(Math.abs((fine.packets[1]?.offsetMs ?? 0) - 20.000123) < 1e-9);
  });

  it("measures offsets across a second boundary from the first packet", () => {
    const stream = parse(THREE, { startTimeMs: 1_700_000_000_990 });
    assert.deepEqual(
      stream.packets.map((p) => p.offsetMs),
      [0, 20.5, 40],
    );
  });

  it("skips 802.1Q VLAN tags", () => assertThree({ link: "ethernet-vlan" }));
  it("reads Linux cooked captures (SLL, link type 113)", () => assertThree({ link: "linux-sll" }));
  it("reads Linux cooked captures v2 (SLL2, link type 276)", () => assertThree({ link: "linux-sll2" }));
  it("reads raw IP captures (link type 101)", () => assertThree({ link: "raw" }));
  it("reads IPv6 over Ethernet", () => assertThree({ ipVersion: 6 }));
  it("reads IPv6 in Linux cooked captures and raw IP", () => {
    assertThree({ ipVersion: 6, link: "linux-sll" });
    assertThree({ ipVersion: 6, link: "raw" });
  });

  it("ignores UDP datagrams that are not RTP, and RTCP, counting them as skipped", () => {
    const rtcpReceiverReport = Buffer.from([0x80, 201, 0, 1, 0, 0, 0x0a, 0xbc]);
    const stream = parse([
      { atMs: 0, srcPort: 5060, dstPort: 5060, rtp: Buffer.from("OPTIONS sip:x SIP/2.0\r\n\r\n") },
      { atMs: 5, srcPort: 5000, dstPort: 6000, rtp: rtp(1) },
      { atMs: 10, srcPort: 5000, dstPort: 6000, rtp: rtcpReceiverReport },
      { atMs: 25, srcPort: 5000, dstPort: 6000, rtp: rtp(2) },
    ]);
    assert.deepEqual(
      stream.packets.map((p) => [p.offsetMs, p.sequenceNumber]),
      [
        [0, 1],
        [20, 2],
      ],
    );
    assert.equal(stream.skippedPackets, 2);
  });

  it("keeps the stream sent to the lowest destination port and, in it, the first SSRC", () => {
    const stream = parse([
      { atMs: 0, srcPort: 6000, dstPort: 7000, rtp: rtp(50, { ssrc: 1 }) },
      { atMs: 1, srcPort: 7000, dstPort: 6000, rtp: rtp(1, { ssrc: 2 }) },
      { atMs: 2, srcPort: 7000, dstPort: 6000, rtp: rtp(90, { ssrc: 3 }) },
      { atMs: 21, srcPort: 7000, dstPort: 6000, rtp: rtp(2, { ssrc: 2 }) },
    ]);
    assert.equal(stream.ssrc, 2);
    assert.equal(stream.dstPort, 6000);
    assert.deepEqual(
      stream.packets.map((p) => [p.offsetMs, p.sequenceNumber]),
      [
        [0, 1],
        [20, 2],
      ],
    );
    assert.equal(stream.skippedPackets, 2);
  });

  it("never lets offsets go backwards when a record is stamped earlier than the one before", () => {
    const stream = parse([
      { atMs: 0, srcPort: 1, dstPort: 2, rtp: rtp(1) },
      { atMs: 40, srcPort: 1, dstPort: 2, rtp: rtp(2) },
      { atMs: 30, srcPort: 1, dstPort: 2, rtp: rtp(3) },
    ]);
    assert.deepEqual(
      stream.packets.map((p) => p.offsetMs),
      [0, 40, 40],
    );
  });

  it("rejects a file truncated inside a packet record, naming the record's byte offset", () => {
    const bytes = encodePcap(THREE);
    // File header 24 + record 1 (16 + 14 + 20 + 8 + 172 = 230) = 254: the second record starts there.
    assertFileError(() => parsePcapRtp(bytes.subarray(0, 254 + 16 + 50), "cut.pcap"), /byte offset 254\b/);
    assertFileError(() => parsePcapRtp(bytes.subarray(0, 254 + 7), "cut.pcap"), /^cut\.pcap: truncated.*254/);
  });

  it("rejects a file shorter than its header", () => {
    assertFileError(() => parsePcapRtp(encodePcap(THREE).subarray(0, 10), "short.pcap"), /truncated.*offset 0/);
  });

  it("rejects pcapng with a message saying to save as pcap", () => {
    const pcapng = Buffer.from([0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a]);
    assertFileError(() => parsePcapRtp(pcapng, "capture.pcapng"), /pcapng is not supported: save as pcap/);
  });

  it("rejects files that are not pcap, and unsupported link types", () => {
    assertFileError(() => parsePcapRtp(Buffer.alloc(64, 0x41), "x.pcap"), /not a pcap file/);
    const wifi = encodePcap(THREE);
    wifi.writeUInt32LE(105, 20);
    assertFileError(() => parsePcapRtp(wifi, "wifi.pcap"), /unsupported link type 105/);
  });

  it("rejects a capture without RTP", () => {
    assertFileError(() => parse([]), /no RTP packets/);
    assertFileError(() => parse([{ atMs: 0, srcPort: 1, dstPort: 2, rtp: Buffer.from("hello") }]), /no RTP/);
  });

  it("rejects an RTP packet cut by the snap length (SIPp: capture again with -s 0)", () => {
    assertFileError(() => parse(THREE, { snapLength: 100 }), /byte offset 24 is cut.*-s 0/);
  });

  it("rejects an unreadable file with FILE_ERROR naming it", async () => {
    const path = join(dir, "missing.pcap");
    await assert.rejects(readPcapRtp(path), (err: unknown) => {
      assert.ok(err instanceof SipwrightError);
      assert.equal(err.code, "FILE_ERROR");
      assert.ok(err.message.includes(path));
      return true;
    });
  });

  it("never throws anything but FILE_ERROR on corrupted or cut captures", () => {
    const valid = encodePcap(THREE, { link: "ethernet-vlan", ipVersion: 6 });
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    let parsed = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(valid.subarray(0, 24 + random(valid.length - 24)));
      for (let flips = random(4); flips >= 0; flips--) bytes[24 + random(bytes.length - 24)] = random(256);
      try {
        parsePcapRtp(bytes, "fuzz.pcap");
        parsed++;
      } catch (err) {
        assert.ok(err instanceof SipwrightError, String(err));
        assert.equal(err.code, "FILE_ERROR");
      }
    }
    assert.ok(parsed > 0, "some corrupted captures still hold a readable RTP packet");
  });
});
