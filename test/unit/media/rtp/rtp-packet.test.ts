import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseRtp, rtpPacketLength, serializeRtp, writeRtp } from "../../../../src/media/rtp/rtp-packet.js";

/** A small deterministic PRNG (mulberry32) so a failing random case can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("RTP packet", () => {
  it("round-trips a G.711 packet: marker, payload type, sequence, timestamp, SSRC and 160 payload octets", () => {
    const payload = Buffer.alloc(160, 0xd5);
    const wire = serializeRtp(
      { marker: true, payloadType: 8, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef },
      payload,
    );
    assert.equal(wire.length, 172);
    assert.equal(wire[0], 0x80);
    assert.equal(wire[1], 0x88);
    const p = parseRtp(wire);
    assert.ok(p);
    assert.equal(p.marker, true);
    assert.equal(p.payloadType, 8);
    assert.equal(p.sequenceNumber, 65535);
    assert.equal(p.timestamp, 0xfffffff0);
    assert.equal(p.ssrc, 0xdeadbeef);
    assert.deepEqual(p.csrcs, []);
    assert.equal(p.extension, undefined);
    assert.equal(p.paddingLength, 0);
    assert.deepEqual(p.payload, payload);
  });

  it("round-trips CSRCs, a header extension (padded to 32 bits) and padding", () => {
    const wire = serializeRtp(
      {
        payloadType: 0,
        sequenceNumber: 7,
        timestamp: 1234,
        ssrc: 1,
        csrcs: [10, 20],
        extension: { profile: 0xbede, data: Uint8Array.of(1, 2, 3, 4, 5) },
        paddingLength: 3,
      },
      Buffer.from("abc"),
    );
    assert.equal(
      wire.length,
      rtpPacketLength(
        {
          payloadType: 0,
          sequenceNumber: 0,
          timestamp: 0,
          ssrc: 0,
          csrcs: [10, 20],
          extension: { profile: 0, data: new Uint8Array(5) },
          paddingLength: 3,
        },
        3,
      ),
    );
    assert.equal(wire.length, 12 + 8 + 4 + 8 + 3 + 3);
    const p = parseRtp(wire);
    assert.ok(p);
    assert.equal(p.marker, false);
    assert.deepEqual(p.csrcs, [10, 20]);
    assert.equal(p.extension?.profile, 0xbede);
    assert.deepEqual([...p.extension.data], [1, 2, 3, 4, 5, 0, 0, 0]);
    assert.equal(p.paddingLength, 3);
    assert.equal(p.payload.toString(), "abc");
  });

  it("gives the payload as a view into the received buffer, not a copy", () => {
    const wire = serializeRtp({ payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3 }, Buffer.from([1, 2, 3]));
    const p = parseRtp(wire);
    assert.ok(p);
    assert.equal(p.payload.buffer, wire.buffer);
    wire[12] = 99;
    assert.equal(p.payload[0], 99);
  });

  it("writes into a reusable buffer at an offset and reports the octets written", () => {
    const target = Buffer.alloc(200, 0xff);
    const n = writeRtp(target, 10, { payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3 }, Buffer.alloc(160));
    assert.equal(n, 172);
    assert.equal(parseRtp(target.subarray(10, 10 + n))?.payload.length, 160);
  });

  it("rejects packets that are not version 2 or whose CSRC list, extension or padding overrun the datagram", () => {
    const good = serializeRtp({ payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3 }, Buffer.alloc(4));
    assert.ok(parseRtp(good));
    const variant = (edit: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(good);
      edit(b);
      return b;
    };
    assert.equal(parseRtp(Buffer.alloc(0)), undefined);
    assert.equal(parseRtp(good.subarray(0, 11)), undefined, "shorter than the fixed header");
    assert.equal(parseRtp(variant((b) => (b[0] = 0x40))), undefined, "version 1");
    assert.equal(parseRtp(variant((b) => (b[0] = 0x82))), undefined, "2 CSRCs but only 4 octets follow");
    assert.equal(
      parseRtp(variant((b) => ((b[0] = 0x90), (b[15] = 1)))),
      undefined,
      "extension claims a word that is not there",
    );
    assert.equal(parseRtp(variant((b) => (b[0] = 0x90)))?.payload.length, 0, "an empty extension is fine");
    assert.equal(parseRtp(variant((b) => ((b[0] = 0xa0), (b[15] = 0)))), undefined, "padding count 0");
    assert.equal(parseRtp(variant((b) => ((b[0] = 0xa0), (b[15] = 5)))), undefined, "padding longer than payload");
    assert.equal(parseRtp(variant((b) => ((b[0] = 0xa0), (b[15] = 4))))?.payload.length, 0, "all padding is fine");
  });

  it("never throws on random bytes, and whatever it accepts stays inside the datagram", () => {
    const random = prng(3550);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const buf = Buffer.alloc(Math.floor(random() * 48));
      for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(random() * 256);
      // Bias half the cases towards version 2 so the deeper checks run too.
      if (buf.length > 0 && i % 2 === 0) buf[0] = 0x80 | ((buf[0] ?? 0) & 0x3f);
      const p = parseRtp(buf);
      if (p === undefined) continue;
      accepted++;
      assert.ok(p.payload.byteOffset + p.payload.length <= buf.byteOffset + buf.length);
      assert.ok(p.payload.byteOffset >= buf.byteOffset + 12);
    }
    assert.ok(accepted > 500, `only ${accepted} random packets were well-formed: the loop tests too little`);
  });

  it("refuses to serialise out-of-range fields (a programming error)", () => {
    assert.throws(
      () => serializeRtp({ payloadType: 128, sequenceNumber: 0, timestamp: 0, ssrc: 0 }, Buffer.alloc(0)),
      RangeError,
    );
    assert.throws(
      () =>
        serializeRtp(
          { payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, csrcs: new Array<number>(16).fill(1) },
          Buffer.alloc(0),
        ),
      RangeError,
    );
  });
});
