import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, type Clock, type TimerHandle } from "../../../../src/shared/clock.js";
import { MediaClock, type MediaTick } from "../../../../src/media/rtp/media-clock.js";
import { ClosedError } from "../../../../src/shared/errors.js";

/** A FakeClock whose next timer fires `lateBy` ms after it was due, like an event loop blocked by other work. */
class LateClock implements Clock {
  readonly fake = new FakeClock();
  lateBy = 0;
  now(): number {
    return this.fake.now();
  }
  wallNow(): number {
    return this.fake.wallNow();
  }
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const late = this.lateBy;
    this.lateBy = 0;
    return this.fake.setTimer(delayMs + late, fn);
  }
}

function recorder(): { ticks: MediaTick[]; callback: (tick: MediaTick) => void } {
  const ticks: MediaTick[] = [];
  return { ticks, callback: (tick) => ticks.push(tick) };
}

describe("MediaClock", () => {
  it("drives N sessions from exactly one timer, each called every 20 ms on the ideal time", () => {
    const clock = new FakeClock();
    const media = new MediaClock(clock);
    const sessions = [recorder(), recorder(), recorder(), recorder(), recorder()];
    const unregister = sessions.map((s) => media.register(s.callback));
    assert.equal(clock.pending, 1);
    clock.advance(100);
    assert.equal(clock.pending, 1);
    for (const s of sessions) {
      assert.deepEqual(
        s.ticks.map((t) => t.now),
        [20, 40, 60, 80, 100],
      );
      assert.deepEqual(
        s.ticks.map((t) => t.index),
        [1, 2, 3, 4, 5],
      );
    }
    for (const u of unregister) u();
    assert.equal(clock.pending, 0, "no timer runs without sessions");
    assert.deepEqual(media.pacingStats(), {
      ticks: 5,
      skippedTicks: 0,
      callbackErrors: 0,
      p50Ms: 0,
      p99Ms: 0,
      maxMs: 0,
    });
  });

  it("stops calling an unregistered session; a session registered later joins the shared tick", () => {
    const clock = new FakeClock();
    const media = new MediaClock(clock);
    const a = recorder();
    const b = recorder();
    const stopA = media.register(a.callback);
    clock.advance(30);
    media.register(b.callback);
    clock.advance(30);
    stopA();
    stopA();
    clock.advance(40);
    assert.deepEqual(
      a.ticks.map((t) => t.now),
      [20, 40, 60],
    );
    assert.deepEqual(
      b.ticks.map((t) => t.now),
      [40, 60, 80, 100],
    );
    assert.equal(media.size, 1);
  });

  it("does not drift: a timer that fires late does not delay the following ticks", () => {
    const clock = new LateClock();
    const media = new MediaClock(clock);
    const s = recorder();
    clock.lateBy = 7;
    media.register(s.callback);
    clock.fake.advance(100);
    assert.deepEqual(
      s.ticks.map((t) => t.now),
      [27, 40, 60, 80, 100],
    );
    assert.deepEqual(
      s.ticks.map((t) => t.idealTime),
      [20, 40, 60, 80, 100],
    );
    const stats = media.pacingStats();
    assert.equal(stats.maxMs, 7);
    assert.equal(stats.p50Ms, 0);
    assert.ok(Math.abs(stats.p99Ms - 7) < 1e-9);
  });

  it("catches up overdue ticks back to back when the event loop was blocked", () => {
    const clock = new LateClock();
    const media = new MediaClock(clock);
    const s = recorder();
    clock.lateBy = 65;
    media.register(s.callback);
    clock.fake.advance(85);
    // Due at 20, fired at 85: ticks 1..4 (ideal 20, 40, 60, 80) all fire at once, nothing skipped.
    assert.deepEqual(
      s.ticks.map((t) => [t.index, t.idealTime, t.now]),
      [
        [1, 20, 85],
        [2, 40, 85],
        [3, 60, 85],
        [4, 80, 85],
      ],
    );
    clock.fake.advance(15);
    assert.equal(s.ticks.at(-1)?.now, 100);
    assert.equal(media.pacingStats().skippedTicks, 0);
    assert.equal(media.pacingStats().maxMs, 65);
  });

  it("skips ticks older than maxCatchUpTicks, and the index jumps over them", () => {
    const clock = new LateClock();
    const media = new MediaClock(clock, { maxCatchUpTicks: 2 });
    const s = recorder();
    clock.lateBy = 65;
    media.register(s.callback);
    clock.fake.advance(100);
    assert.deepEqual(
      s.ticks.map((t) => [t.index, t.now]),
      [
        [3, 85],
        [4, 85],
        [5, 100],
      ],
    );
    assert.equal(media.pacingStats().skippedTicks, 2);
  });

  it("keeps ticking the other sessions when one callback throws, and counts the error", () => {
    const clock = new FakeClock();
    const media = new MediaClock(clock);
    const s = recorder();
    media.register(() => {
      throw new Error("broken session");
    });
    media.register(s.callback);
    clock.advance(40);
    assert.equal(s.ticks.length, 2);
    assert.equal(media.pacingStats().callbackErrors, 2);
  });

  it("restarts after an idle period with the index continuing, and rejects registrations once closed", () => {
    const clock = new FakeClock();
    const media = new MediaClock(clock);
    const a = recorder();
    media.register(a.callback)();
    const stop = media.register(a.callback);
    clock.advance(40);
    stop();
    clock.advance(1000);
    media.register(a.callback);
    clock.advance(20);
    assert.deepEqual(
      a.ticks.map((t) => [t.index, t.now]),
      [
        [1, 20],
        [2, 40],
        [3, 1060],
      ],
    );
    media.close();
    assert.equal(clock.pending, 0);
    assert.throws(() => media.register(a.callback), ClosedError);
  });
});
