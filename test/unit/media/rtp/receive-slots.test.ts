import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArrivalSlotClock, ReceiveSlots } from "../../../../src/media/rtp/receive-slots.js";

describe("ReceiveSlots", () => {
  it("places frames by RTP timestamp from the first packet, whatever their arrival (RFC 3550 5.1)", () => {
    const slots = new ReceiveSlots();
    assert.equal(slots.slotOf(7, 1000, 10), 10);
    // A burst handled together after a stall: one arrival slot, consecutive timestamps.
    assert.deepEqual(
      [1, 2, 3, 4].map((k) => slots.slotOf(7, 1000 + k * 160, 25)),
      [11, 12, 13, 14],
    );
    // Up to 1 s late (a long stall of our event loop) keeps the timestamp's slot.
    assert.equal(slots.slotOf(7, 1000 + 5 * 160, 64), 15);
  });

  it("never re-anchors a stream on or before a slot it has already filled", () => {
    const slots = new ReceiveSlots();
    for (let k = 0; k < 20; k++) assert.equal(slots.slotOf(1, k * 160, k), k);
    // A new SSRC (or a timestamp jump) seen while the arrival slot lags: it goes after slot 19, not over it.
    assert.equal(slots.slotOf(2, 555_000, 12), 20);
    assert.equal(slots.slotOf(2, 555_160, 13), 21);
    // A timestamp jump far ahead of the arrival re-anchors too, still after what was placed.
    assert.equal(slots.slotOf(2, 555_160 + 100 * 160, 14), 22);
  });
});

describe("ArrivalSlotClock", () => {
  it("counts the slots elapsed on the wall clock since the last tick was due", () => {
    const clock = new ArrivalSlotClock(20);
    assert.equal(clock.slotAt(5), 0);
    clock.onTick(3, 80, 0);
    assert.equal(clock.slotAt(80), 3);
    assert.equal(clock.slotAt(99.9), 3);
    assert.equal(clock.slotAt(100), 4);
    // The tick fired 30 ms late (at 130, due at 100): arrivals are measured from when it was due.
    clock.onTick(4, 130, 30);
    assert.equal(clock.slotAt(130), 5);
    // A 300 ms stall with no tick: the packets read meanwhile are 15 slots on.
    assert.equal(clock.slotAt(400), 19);
  });
});
