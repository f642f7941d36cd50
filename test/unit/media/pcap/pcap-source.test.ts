import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PcapReplay } from "../../../../src/media/pcap/pcap-source.js";
import type { PcapRtpPacket, PcapRtpStream } from "../../../../src/media/pcap/read-pcap.js";

function stream(offsets: readonly number[]): PcapRtpStream {
  const packets: PcapRtpPacket[] = offsets.map((offsetMs, i) => ({
    offsetMs,
    payloadType: 8,
    marker: i === 0,
    timestamp: 160 * i,
    sequenceNumber: i,
    payload: Buffer.alloc(160),
  }));
  return { ssrc: 1, srcPort: 1, dstPort: 2, packets, durationMs: offsets.at(-1) ?? 0, skippedPackets: 0 };
}

/** Runs a replay over a simulated 20 ms media clock; returns, per tick, the sequence numbers handed out. */
function ticks(replay: PcapReplay, count: number, intervalMs = 20): number[][] {
  const out: number[][] = [];
  for (let tick = 0; tick < count; tick++) out.push(replay.due(tick * intervalMs).map((p) => p.sequenceNumber));
  return out;
}

describe("PcapReplay", () => {
  it("hands out each packet on the first tick at or after its capture offset, once, in order", () => {
    const replay = new PcapReplay(stream([0, 20, 40, 60]));
    assert.deepEqual(ticks(replay, 6), [[0], [1], [2], [3], [], []]);
  });

  it("keeps the capture's timing: a silent stretch in the capture is a stretch without packets", () => {
    const replay = new PcapReplay(stream([0, 20, 100, 120]));
    assert.deepEqual(ticks(replay, 7), [[0], [1], [], [], [], [2], [3]]);
  });

  it("hands out every overdue packet at once when a tick comes late", () => {
    const replay = new PcapReplay(stream([0, 20, 40, 60, 80]));
    assert.deepEqual(
      replay.due(0).map((p) => p.sequenceNumber),
      [0],
    );
    assert.deepEqual(
      replay.due(65).map((p) => p.sequenceNumber),
      [1, 2, 3],
    );
    assert.equal(replay.nextOffsetMs, 80);
    assert.equal(replay.remaining, 1);
  });

  it("waits for a packet captured a little after the tick, unless a lookahead lets it go on the nearest tick", () => {
    const exact = new PcapReplay(stream([0, 20.4, 39.8]));
    assert.deepEqual(ticks(exact, 4), [[0], [], [1, 2], []]);
    const nearest = new PcapReplay(stream([0, 20.4, 39.8]), { lookaheadMs: 10 });
    assert.deepEqual(ticks(nearest, 4), [[0], [1], [2], []]);
  });

  it("says it is finished once the last packet is handed out, and then yields nothing", () => {
    const replay = new PcapReplay(stream([0, 20]));
    assert.equal(replay.finished, false);
    replay.due(0);
    assert.equal(replay.finished, false);
    assert.equal(replay.due(20).length, 1);
    assert.equal(replay.finished, true);
    assert.equal(replay.nextOffsetMs, undefined);
    assert.deepEqual(replay.due(10_000), []);
  });

  it("yields nothing for elapsed time that goes backwards or is not a number", () => {
    const replay = new PcapReplay(stream([0, 20, 40]));
    assert.equal(replay.due(20).length, 2);
    assert.deepEqual(replay.due(0), []);
    assert.deepEqual(replay.due(Number.NaN), []);
    assert.equal(replay.due(40).length, 1);
  });

  it("pauses when the caller stops advancing elapsed time, and resumes where it left off", () => {
    const replay = new PcapReplay(stream([0, 20, 40]));
    replay.due(0);
    for (let i = 0; i < 5; i++) assert.deepEqual(replay.due(10), []);
    assert.deepEqual(
      replay.due(20).map((p) => p.sequenceNumber),
      [1],
    );
  });
});
