/**
 * Per-stream receive statistics: RFC 3550 A.1 sequence-number tracking (wrap-around, large jumps, optional
 * probation), loss from sequence gaps, A.3 fraction lost for reports, A.8 interarrival jitter, and the largest gap
 * between two arrivals. Produces the `received` {@link StreamStats} and the RTCP report block about this source.
 */
import type { StreamStats } from "../media-pipeline.js";
import type { RtcpReportBlock } from "./rtcp.js";

/** RFC 3550 A.1 constants. */
const RTP_SEQ_MOD = 1 << 16;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export interface ReceiveStatsOptions {
  /** RTP clock rate of the payload (8000 for G.711), to turn jitter into milliseconds. */
  readonly clockRate?: number;
  /**
   * RFC 3550 A.1 MIN_SEQUENTIAL: sequential packets needed before a source is valid. 0 (the default) accepts the
   * first packet at once — a test tool wants to count every packet, the first included.
   */
  readonly probation?: number;
}

/** The fields of an RTP header the statistics follow. */
export interface RtpPacketIds {
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
}

/** What {@link ReceiveStats.onPacket} needs from a packet. */
export interface ReceivedPacketInfo extends RtpPacketIds {
  /** Octets of payload (RFC 3550 counts payload octets in SR octet counts). */
  readonly payloadLength: number;
  /**
   * Leave this packet out of the jitter estimate. For RFC 4733 telephone events: all packets of an event carry the
   * event's start timestamp, so their transit time grows by 20 ms per packet and would read as jitter.
   */
  readonly excludeFromJitter?: boolean;
}

export class ReceiveStats {
  readonly #clockRate: number;
  readonly #minSequential: number;
  #packets = 0;
  #octets = 0;
  #ssrc: number | undefined;
  // RFC 3550 A.1 `source` fields.
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #probation = 0;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  /** Expected/received of earlier SSRCs of this stream (a peer that restarts its stream). */
  #carriedLost = 0;
  // RFC 3550 A.8.
  #transit: number | undefined;
  #jitter = 0;
  #lastArrivalMs: number | undefined;
  #maxGapMs = 0;
  // RFC 3550 6.4.1 LSR / DLSR.
  #lastSrMiddle = 0;
  #lastSrArrivalMs: number | undefined;

  constructor(options: ReceiveStatsOptions = {}) {
    this.#clockRate = options.clockRate ?? 8000;
    this.#minSequential = options.probation ?? 0;
  }

  /** The SSRC being tracked (the latest one seen). */
  get ssrc(): number | undefined {
    return this.#ssrc;
  }

  /**
   * Accounts one received packet that arrived at `arrivalMs` (monotonic ms). Returns false when RFC 3550 A.1 does
   * not (yet) accept its sequence number (probation, or a big jump not yet confirmed); such packets are still counted
   * in `packets`/`octets`.
   */
  onPacket(packet: ReceivedPacketInfo, arrivalMs: number): boolean {
    return this.#account(packet, packet.payloadLength, arrivalMs, packet.excludeFromJitter === true);
  }

  /** As {@link onPacket}, for a parsed RTP packet (no object built per packet on the receive path). */
  onRtpPacket(
    packet: RtpPacketIds & { readonly payload: Uint8Array },
    arrivalMs: number,
    excludeFromJitter: boolean,
  ): boolean {
    return this.#account(packet, packet.payload.length, arrivalMs, excludeFromJitter);
  }

  #account(packet: RtpPacketIds, payloadLength: number, arrivalMs: number, excludeFromJitter: boolean): boolean {
    this.#packets++;
    this.#octets += payloadLength;
    if (this.#lastArrivalMs !== undefined) {
      this.#maxGapMs = Math.max(this.#maxGapMs, arrivalMs - this.#lastArrivalMs);
    }
    this.#lastArrivalMs = arrivalMs;
    if (packet.ssrc !== this.#ssrc) this.#newSource(packet);
    if (!excludeFromJitter) this.#updateJitter(packet.timestamp, arrivalMs);
    return this.#updateSeq(packet.sequenceNumber);
  }

  /** Records the arrival of a sender report from this source, for LSR/DLSR in our next report block. */
  onSenderReport(ntpMiddle32: number, arrivalMs: number): void {
    this.#lastSrMiddle = ntpMiddle32 >>> 0;
    this.#lastSrArrivalMs = arrivalMs;
  }

  /** RFC 3550 A.3: extended highest sequence number minus the base, plus one. */
  get expected(): number {
    if (this.#received === 0) return 0;
    return this.#cycles + this.#maxSeq - this.#baseSeq + 1;
  }

  /** Packets missing by sequence gaps (never negative: duplicates do not hide loss of other SSRCs). */
  get lost(): number {
    return this.#carriedLost + Math.max(0, this.expected - this.#received);
  }

  /** RFC 3550 A.8 jitter estimate in timestamp units. */
  get jitter(): number {
    return this.#jitter;
  }

  stats(): StreamStats {
    return {
      packets: this.#packets,
      octets: this.#octets,
      lost: this.lost,
      jitterMs: (this.#jitter / this.#clockRate) * 1000,
      maxGapMs: this.#maxGapMs,
    };
  }

  /**
   * The RTCP report block about this source at `nowMs`, or undefined before the first valid packet. Updates the
   * "prior" counters, as RFC 3550 A.3 does for each report sent.
   */
  reportBlock(nowMs: number): RtcpReportBlock | undefined {
    if (this.#ssrc === undefined || this.#received === 0) return undefined;
    const expected = this.expected;
    // RFC 3550 A.3: fraction lost over the interval since the previous report, as an 8-bit fixed-point number.
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval << 8) / expectedInterval);
    // RFC 3550 6.4.1: cumulative number lost is a signed 24-bit value, clamped.
    const cumulative = Math.max(-0x800000, Math.min(0x7fffff, expected - this.#received));
    const delaySinceLastSr =
      this.#lastSrArrivalMs === undefined ? 0 : Math.round(((nowMs - this.#lastSrArrivalMs) / 1000) * 65536) >>> 0;
    return {
      ssrc: this.#ssrc,
      fractionLost: Math.min(255, fractionLost),
      cumulativeLost: cumulative,
      highestSequence: (this.#cycles + this.#maxSeq) >>> 0,
      jitter: Math.floor(this.#jitter) >>> 0,
      lastSr: this.#lastSrArrivalMs === undefined ? 0 : this.#lastSrMiddle,
      delaySinceLastSr,
    };
  }

  #newSource(packet: RtpPacketIds): void {
    if (this.#ssrc !== undefined) this.#carriedLost += Math.max(0, this.expected - this.#received);
    this.#ssrc = packet.ssrc;
    this.#initSeq(packet.sequenceNumber);
    // RFC 3550 A.1: "s->max_seq = seq - 1; s->probation = MIN_SEQUENTIAL;". Without probation the first packet
    // starts the sequence itself (max_seq = seq, so a first seq of 0 does not count as a wrap).
    this.#probation = this.#minSequential;
    if (this.#probation > 0) this.#maxSeq = (packet.sequenceNumber - 1) & 0xffff;
    this.#expectedPrior = 0;
    this.#receivedPrior = 0;
    this.#transit = undefined;
    this.#lastSrArrivalMs = undefined;
  }

  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  /** RFC 3550 A.1 update_seq(). */
  #updateSeq(seq: number): boolean {
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      // "packet is in sequence"
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSeq(seq);
          this.#received++;
          return true;
        }
      } else {
        this.#probation = this.#minSequential - 1;
        this.#maxSeq = seq;
      }
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      // "in order, with permissible gap": a smaller sequence number means it wrapped.
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // "the sequence number made a very large jump": restart only when the next packet confirms it.
      if (seq === this.#badSeq) {
        this.#carriedLost += Math.max(0, this.expected - this.#received);
        this.#initSeq(seq);
      } else {
        this.#badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    // else: "duplicate or reordered packet" — counted as received, as A.1 does.
    this.#received++;
    return true;
  }

  /** RFC 3550 A.8: J(i) = J(i-1) + (|D(i-1,i)| - J(i-1))/16, with arrival time in timestamp units. */
  #updateJitter(timestamp: number, arrivalMs: number): void {
    const arrival = (arrivalMs * this.#clockRate) / 1000;
    // The RTP timestamp is unsigned 32 bits; differences are taken modulo 2^32 below.
    const transit = arrival - timestamp;
    if (this.#transit !== undefined) {
      let d = transit - this.#transit;
      // Timestamp wrap: bring the difference back into (-2^31, 2^31].
      d = ((d % 0x100000000) + 0x100000000) % 0x100000000;
      if (d > 0x80000000) d -= 0x100000000;
      this.#jitter += (Math.abs(d) - this.#jitter) / 16;
    }
    this.#transit = transit;
  }
}
