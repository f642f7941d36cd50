import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ReceiveStats } from "../../../../src/media/rtp/receive-stats.js";

const SSRC = 0x1234;

/** Feeds packets `seqs` with G.711 timing: timestamp +160 and arrival +20 ms per sequence step. */
function feed(stats: ReceiveStats, seqs: readonly number[], ssrc = SSRC): void {
  const first = seqs[0] ?? 0;
  for (const seq of seqs) {
    const step = (seq - first + 65536) % 65536;
    stats.onPacket({ sequenceNumber: seq, timestamp: 1000 + step * 160, ssrc, payloadLength: 160 }, step * 20);
  }
}

describe("ReceiveStats", () => {
  it("counts packets and octets and finds loss from a sequence gap", () => {
    const stats = new ReceiveStats();
    feed(stats, [1, 2, 3, 6, 7, 8, 9, 10]);
    const s = stats.stats();
    assert.equal(s.packets, 8);
    assert.equal(s.octets, 8 * 160);
    assert.equal(s.lost, 2);
    assert.equal(stats.expected, 10);
    assert.equal(s.maxGapMs, 60, "packets 3 -> 6 arrived 60 ms apart");
  });

  it("follows the sequence number across the wrap at 65535 (RFC 3550 A.1 cycles)", () => {
    const stats = new ReceiveStats();
    feed(stats, [65532, 65533, 65534, 65535, 0, 1, 3, 4]);
    assert.equal(stats.stats().lost, 1);
    assert.equal(stats.expected, 9);
    assert.equal(stats.reportBlock(0)?.highestSequence, 65536 + 4);
  });

  it("treats a stream that starts at sequence 0 as starting there, not as a wrap", () => {
    const stats = new ReceiveStats();
    feed(stats, [0, 1, 2]);
    assert.equal(stats.expected, 3);
    assert.equal(stats.reportBlock(0)?.highestSequence, 2);
  });

  it("does not count a duplicate or a late reordered packet as loss", () => {
    const stats = new ReceiveStats();
    feed(stats, [10, 11, 13, 12, 14, 14]);
    assert.equal(stats.stats().lost, 0);
    assert.equal(stats.stats().packets, 6);
  });

  it("starts a new sequence after a confirmed large jump, keeping the loss counted before it", () => {
    const stats = new ReceiveStats();
    feed(stats, [100, 101, 103]);
    // RFC 3550 A.1: a jump beyond MAX_DROPOUT is taken as a restart only once the next packet confirms it.
    assert.equal(stats.onPacket({ sequenceNumber: 40000, timestamp: 0, ssrc: SSRC, payloadLength: 160 }, 100), false);
    assert.equal(stats.onPacket({ sequenceNumber: 40001, timestamp: 160, ssrc: SSRC, payloadLength: 160 }, 120), true);
    feed(stats, [40002, 40003]);
    assert.equal(stats.stats().lost, 1);
    assert.equal(stats.stats().packets, 7);
  });

  it("carries the loss of an earlier SSRC when the peer restarts its stream with a new one", () => {
    const stats = new ReceiveStats();
    feed(stats, [1, 2, 4]);
    feed(stats, [500, 501, 502], 0x9999);
    assert.equal(stats.ssrc, 0x9999);
    assert.equal(stats.stats().lost, 1);
    assert.equal(stats.stats().packets, 6);
  });

  it("with probation, accepts a source only after MIN_SEQUENTIAL packets in sequence", () => {
    const stats = new ReceiveStats({ probation: 2 });
    assert.equal(stats.onPacket({ sequenceNumber: 7, timestamp: 0, ssrc: SSRC, payloadLength: 1 }, 0), false);
    assert.equal(stats.onPacket({ sequenceNumber: 8, timestamp: 160, ssrc: SSRC, payloadLength: 1 }, 20), true);
    assert.equal(stats.expected, 1, "the sequence starts at the packet that ended probation");
    assert.equal(stats.stats().packets, 2, "both packets still count as received traffic");
  });

  it("computes RFC 3550 A.8 jitter for a constant ±5 ms arrival offset, as computed by hand", () => {
    // Packets every 20 ms of media; arrivals alternate on time / 5 ms late, so |D| = 40 timestamp units for every
    // pair. J(n) = J(n-1) + (40 - J(n-1)) / 16 from J(0) = 0 gives J(n) = 40 × (1 - (15/16)^n).
    const stats = new ReceiveStats();
    for (let i = 0; i < 10; i++) {
      stats.onPacket({ sequenceNumber: i, timestamp: i * 160, ssrc: SSRC, payloadLength: 160 }, i * 20 + (i % 2) * 5);
    }
    const expected = 40 * (1 - (15 / 16) ** 9);
    assert.ok(Math.abs(stats.jitter - expected) < 1e-9, `jitter ${stats.jitter} != ${expected}`);
    assert.ok(Math.abs(stats.stats().jitterMs - expected / 8) < 1e-9);
    // Converges to |D| = 40 units = 5 ms at 8 kHz.
    for (let i = 10; i < 400; i++) {
      stats.onPacket({ sequenceNumber: i, timestamp: i * 160, ssrc: SSRC, payloadLength: 160 }, i * 20 + (i % 2) * 5);
    }
    assert.ok(Math.abs(stats.stats().jitterMs - 5) < 0.01);
  });

  it("reports zero jitter for perfectly paced packets, across an RTP timestamp wrap", () => {
    const stats = new ReceiveStats();
    for (let i = 0; i < 20; i++) {
      const timestamp = (0xffffff00 + i * 160) >>> 0;
      stats.onPacket({ sequenceNumber: i, timestamp, ssrc: SSRC, payloadLength: 160 }, 1000 + i * 20);
    }
    assert.ok(stats.jitter < 1e-9, `jitter ${stats.jitter}`);
  });

  it("leaves packets marked excludeFromJitter (telephone events on one timestamp) out of the jitter only", () => {
    const stats = new ReceiveStats();
    for (let i = 0; i < 10; i++) {
      const dtmf = i >= 3 && i < 7;
      const timestamp = dtmf ? 3 * 160 : i * 160;
      stats.onPacket({ sequenceNumber: i, timestamp, ssrc: SSRC, payloadLength: 4, excludeFromJitter: dtmf }, i * 20);
    }
    assert.equal(stats.jitter, 0);
    assert.equal(stats.stats().packets, 10);
    assert.equal(stats.stats().lost, 0);
  });

  it("fills an RTCP report block: fraction lost since the last report, cumulative loss, LSR and DLSR", () => {
    const stats = new ReceiveStats();
    assert.equal(stats.reportBlock(0), undefined, "nothing received yet");
    feed(stats, [1, 2, 3, 4, 5, 6, 7, 8, 11, 12]);
    stats.onSenderReport(0xabcd1234, 1000);
    const first = stats.reportBlock(1500);
    assert.ok(first);
    assert.equal(first.ssrc, SSRC);
    assert.equal(first.cumulativeLost, 2);
    assert.equal(first.fractionLost, Math.floor((2 * 256) / 12));
    assert.equal(first.lastSr, 0xabcd1234);
    assert.equal(first.delaySinceLastSr, 32768, "0.5 s in units of 1/65536 s");
    feed(stats, [13, 14, 15, 16]);
    assert.equal(stats.reportBlock(2000)?.fractionLost, 0, "no loss since the previous report");
  });
});
