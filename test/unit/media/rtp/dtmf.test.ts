import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DtmfDetector,
  dtmfDigit,
  dtmfEventCode,
  dtmfPackets,
  dtmfSequence,
  parseTelephoneEvent,
  type DtmfPacket,
} from "../../../../src/media/rtp/dtmf.js";

describe("RFC 4733 DTMF sender", () => {
  it("sends a 200 ms '5' as 9 duration updates then 3 end packets, marker on the first, one timestamp", () => {
    const packets = dtmfPackets("5", { payloadType: 101, durationMs: 200, startTimestamp: 48_000, volume: 10 });
    assert.equal(packets.length, 12);
    assert.deepEqual(
      packets.map((p) => p.marker),
      [true, ...new Array<boolean>(11).fill(false)],
    );
    assert.ok(packets.every((p) => p.timestamp === 48_000 && p.payloadType === 101));
    const events = packets.map((p) => parseTelephoneEvent(p.payload));
    assert.deepEqual(
      events.map((e) => e?.duration),
      [160, 320, 480, 640, 800, 960, 1120, 1280, 1440, 1600, 1600, 1600],
    );
    assert.deepEqual(
      events.map((e) => e?.end),
      [...new Array<boolean>(9).fill(false), true, true, true],
    );
    assert.ok(events.every((e) => e?.event === 5 && e.volume === 10));
    assert.deepEqual(
      packets.map((p) => p.offsetMs),
      [0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220],
    );
  });

  it("maps digits to event codes 0-15 and back, and refuses anything else", () => {
    assert.equal(dtmfEventCode("*"), 10);
    assert.equal(dtmfEventCode("#"), 11);
    assert.equal(dtmfEventCode("d"), 15);
    assert.equal(dtmfDigit(11), "#");
    assert.equal(dtmfDigit(16), undefined);
    assert.throws(() => dtmfPackets("x", { payloadType: 101, durationMs: 200, startTimestamp: 0 }), RangeError);
    assert.throws(() => dtmfPackets("1", { payloadType: 101, durationMs: 9000, startTimestamp: 0 }), RangeError);
  });

  it("gives each digit of a sequence its own event timestamp, after the previous digit and the gap", () => {
    const packets = dtmfSequence("12", { payloadType: 96, durationMs: 100, startTimestamp: 1000, gapMs: 60 });
    const second = packets.filter((p) => parseTelephoneEvent(p.payload)?.event === 2);
    // Digit 1: packets at 0..120 ms (5 intervals + 2 end repeats); digit 2 starts at 140 + 60 = 200 ms.
    const first = second[0];
    assert.ok(first);
    assert.equal(first.offsetMs, 200);
    assert.equal(first.timestamp, 1000 + 200 * 8);
    assert.equal(first.marker, true);
  });
});

describe("DtmfDetector", () => {
  const feed = (detector: DtmfDetector, packets: readonly DtmfPacket[]): void => {
    for (const p of packets) detector.onPacket(p);
  };

  it('detects "123#" with every marker bit cleared and one end packet of each digit lost', () => {
    const packets = dtmfSequence("123#", { payloadType: 101, durationMs: 100, startTimestamp: 0 })
      .map((p) => ({ ...p, marker: false }))
      .filter((p, i, all) => !(p.end && all[i - 1]?.end === false));
    const detector = new DtmfDetector();
    feed(detector, packets);
    assert.equal(detector.digits, "123#");
  });

  it("detects a digit whose first packets were lost, and absorbs duplicates of a known event", () => {
    const packets = dtmfSequence("77", { payloadType: 101, durationMs: 100, startTimestamp: 0 });
    const detector = new DtmfDetector();
    const detected = packets.slice(3).flatMap((p) => [detector.onPacket(p), detector.onPacket(p)]);
    assert.equal(detector.digits, "77", "the same digit twice is two events (two timestamps)");
    assert.equal(detected.filter((d) => d !== undefined).length, 2);
  });

  it("keeps digits in event order when packets of two events arrive reordered", () => {
    const packets = dtmfSequence("49", { payloadType: 101, durationMs: 60, startTimestamp: 0xfffffe00 });
    const four = packets.filter((p) => parseTelephoneEvent(p.payload)?.event === 4);
    const nine = packets.filter((p) => parseTelephoneEvent(p.payload)?.event === 9);
    const detector = new DtmfDetector();
    feed(detector, [...nine, ...four]);
    assert.equal(detector.digits, "49", "ordered by timestamp, across the 32-bit wrap");
  });

  it("tracks the longest duration and the end of an event, and ignores non-DTMF events and short payloads", () => {
    const detector = new DtmfDetector();
    const packets = dtmfPackets("0", { payloadType: 101, durationMs: 80, startTimestamp: 5 });
    const first = detector.onPacket(packets[0] ?? assert.fail());
    feed(detector, packets);
    assert.equal(first?.duration, 640);
    assert.equal(first.ended, true);
    assert.equal(detector.onPacket({ timestamp: 999, payload: Uint8Array.of(16, 0x80, 0, 160) }), undefined);
    assert.equal(detector.onPacket({ timestamp: 998, payload: Uint8Array.of(1, 0) }), undefined);
    assert.equal(detector.digits, "0");
  });
});
