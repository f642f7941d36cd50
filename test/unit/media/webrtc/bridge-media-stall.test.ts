/**
 * The received channel of a recording after the event loop stalled (issue: a stereo WAV whose received channel was
 * silent while the call record counted every packet). The bridge is driven by a clock that can stall: time jumps
 * without timers firing, then the socket's queued packets and the overdue ticks are handled in either order, as
 * Node does after a long synchronous task. Every packet the peer sent must land in the recording, in the slot of
 * its RTP timestamp (RFC 3550 5.1).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RtpPacket, type RTCDtlsTransport } from "werift";
import type { Clock, TimerHandle } from "../../../../src/shared/clock.js";
import { encodeFrame } from "../../../../src/media/audio/g711.js";
import { MediaClock } from "../../../../src/media/rtp/media-clock.js";
import { serializeRtp } from "../../../../src/media/rtp/rtp-packet.js";
import { BridgeMedia } from "../../../../src/media/webrtc/bridge-media.js";
import { readWav, sine } from "../audio/audio-test-helpers.js";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** A clock whose timers fire in due order while time runs, or late, after a stall, like a blocked event loop. */
class StallingClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }
  wallNow(): number {
    return Date.UTC(2026, 0, 1) + this.#now;
  }
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const timer: Timer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }
  /** The earliest live timer's due time. */
  nextDue(): number {
    return Math.min(...this.#timers.filter((t) => !t.cancelled).map((t) => t.at));
  }
  set(now: number): void {
    this.#now = Math.max(this.#now, now);
  }
  /** Fires every timer due by now, at now (late if the clock jumped). */
  fireDue(): void {
    for (;;) {
      const due = this.#timers
        .filter((t) => !t.cancelled && t.at <= this.#now)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) return;
      due.cancelled = true;
      this.#timers = this.#timers.filter((t) => !t.cancelled);
      due.fn();
    }
  }
}

const SSRC = 0x1234_5678;
/** Peer's send pattern: packet k sampled at FIRST_SEND_MS + 20k, delivered JITTER[k % 5] ms later. */
const FIRST_SEND_MS = 390;
const LAST_SEND_MS = 3890;
const JITTER = [0, 7, 3, 11, 5];
const PACKETS = (LAST_SEND_MS - FIRST_SEND_MS) / 20;

function peerPacket(k: number): RtpPacket {
  const payload = encodeFrame("PCMU", sine(440, -20, 160, k * 160));
  const bytes = serializeRtp(
    { marker: k === 0, payloadType: 0, sequenceNumber: k, timestamp: 90_000 + k * 160, ssrc: SSRC },
    payload,
  );
  // What werift hands BridgeMedia once it has decrypted a packet.
  return RtpPacket.deSerialize(bytes);
}

/** Indices of the 20 ms slots of `samples` holding any non-zero sample. */
function audibleSlots(samples: Int16Array): number[] {
  const slots: number[] = [];
  for (let s = 0; s * 160 < samples.length; s++) {
    if (samples.subarray(s * 160, (s + 1) * 160).some((v) => v !== 0)) slots.push(s);
  }
  return slots;
}

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "bridge-stall-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("BridgeMedia recording after event-loop stalls", () => {
  it("records every received frame in its timestamp's slot, whatever order packets and late ticks come in", async () => {
    const clock = new StallingClock();
    const mediaClock = new MediaClock(clock);
    const bridge = new BridgeMedia({
      clock: mediaClock,
      wallClock: clock,
      analyze: false,
      telephoneEventPt: 101,
      ssrc: 1,
    });
    let nextPacket = 0;
    const arrival = (k: number): number => FIRST_SEND_MS + 20 * k + (JITTER[k % JITTER.length] ?? 0);
    const deliverDue = (): void => {
      while (nextPacket < PACKETS && arrival(nextPacket) <= clock.now()) bridge.onRtp(peerPacket(nextPacket++));
    };
    /** Runs the loop without stalls: timers and packets each handled at their own time. */
    const runTo = (target: number): void => {
      for (;;) {
        const packetAt = nextPacket < PACKETS ? arrival(nextPacket) : Infinity;
        const next = Math.min(clock.nextDue(), packetAt);
        if (next > target) break;
        clock.set(next);
        clock.fireDue();
        deliverDue();
      }
      clock.set(target);
    };
    /** The loop blocked for `ms`; then the queued packets before the overdue ticks (ioFirst) or after them. */
    const stall = (ms: number, ioFirst: boolean): void => {
      clock.set(clock.now() + ms);
      if (ioFirst) deliverDue();
      clock.fireDue();
      deliverDue();
    };

    runTo(100); // ticks at 20..100 ms: slots 0..4
    const transport = { sendRtp: () => Promise.resolve(0) } as unknown as RTCDtlsTransport;
    bridge.attach(
      {
        rtp: { address: "127.0.0.1", port: 9 },
        rtcp: undefined,
        codec: "PCMU",
        payloadType: 0,
        telephoneEventPt: 101,
        send: true,
      },
      transport,
    );
    bridge.startSource({ kind: "tone", frequencyHz: 1000, levelDbfs: -20 });
    bridge.startRecording({ layout: "both", directory: dir, baseName: "call" }); // recording slot 0 = slot 4
    runTo(120);
    stall(300, true); // the peer's first packets are queued while our ticks are 300 ms overdue
    runTo(1500);
    stall(250, false); // the catch-up ticks run before a 250 ms burst of received packets
    runTo(2500);
    stall(600, true); // a long stall: 30 packets queued, 20 ticks skipped by the media clock
    runTo(4000);
    await bridge.close();
    mediaClock.close();

    assert.equal(bridge.stats().received.packets, PACKETS);
    // Packet 0 was sampled at 390 ms, in slot 18 (ticks at 20 ms × (slot + 1)): slot 14 of the recording. It was
    // handled at 420 ms (after the first stall), so placing it on arrival may put it up to 2 slots later.
    const received = readWav(await readFile(join(dir, "call-received.wav"))).channels[0] ?? new Int16Array();
    const stereo = readWav(await readFile(join(dir, "call.wav")));
    for (const [name, samples] of [
      ["mono", received],
      ["stereo right", stereo.channels[1] ?? new Int16Array()],
    ] as const) {
      const slots = audibleSlots(samples);
      assert.equal(slots.length, PACKETS, `${name}: every received frame is in the file`);
      const first = slots[0] ?? -1;
      assert.ok(first >= 14 && first <= 16, `${name}: first received frame in slot ${first}, expected 14..16`);
      assert.equal(slots.at(-1), first + PACKETS - 1, `${name}: frames placed by timestamp, no gap, no overlap`);
    }
    assert.ok(audibleSlots(stereo.channels[0] ?? new Int16Array()).length > 0, "the sent channel has audio");
  });
});
