import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RtpPacket } from "werift";
import { parseRtp, serializeRtp } from "../../../../src/media/rtp/rtp-packet.js";
import { fromWerift } from "../../../../src/media/webrtc/bridge-media.js";

describe("werift's parsed RTP packet as ours (no serialise/parse round trip)", () => {
  const cases = [
    { name: "a plain packet", fields: { payloadType: 0, sequenceNumber: 7, timestamp: 160, ssrc: 0x1234 } },
    {
      name: "marker, CSRCs and padding",
      fields: {
        marker: true,
        payloadType: 8,
        sequenceNumber: 65535,
        timestamp: 2 ** 32 - 1,
        ssrc: 1,
        csrcs: [5, 6],
        paddingLength: 3,
      },
    },
  ];
  for (const { name, fields } of cases) {
    it(`${name}: the same header fields and payload as parseRtp of the bytes`, () => {
      const bytes = serializeRtp(fields, Buffer.from([1, 2, 3, 4, 5]));
      const ours = parseRtp(bytes);
      const theirs = fromWerift(RtpPacket.deSerialize(bytes));
      assert.ok(ours !== undefined && theirs !== undefined);
      assert.deepEqual(
        { ...theirs, csrcs: [...theirs.csrcs], payload: [...theirs.payload] },
        {
          ...ours,
          csrcs: [...ours.csrcs],
          payload: [...ours.payload],
        },
      );
    });
  }

  it("a packet that is not RTP version 2 is left to the datagram path (counted malformed there)", () => {
    const bytes = serializeRtp({ payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 1 }, Buffer.alloc(4));
    bytes[0] = (bytes[0] ?? 0) & 0x3f;
    assert.equal(fromWerift(RtpPacket.deSerialize(bytes)), undefined);
  });
});
