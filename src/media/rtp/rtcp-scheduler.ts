/**
 * When to send the next RTCP compound, RFC 3550 6.2 / 6.3 / A.7, simplified for a point-to-point session:
 * two participants (us and the peer), both senders, a fixed session bandwidth, no timer reconsideration and no BYE
 * back-off. Without reconsideration the A.7 compensation factor (e - 3/2) is not applied either, so the mean
 * interval is the deterministic one: 5 s for G.711 (the computed value is far below the 5 s minimum).
 */

export interface RtcpSchedulerOptions {
  /** RFC 3550 6.2: "The RECOMMENDED value for the fixed minimum interval is 5 seconds." */
  readonly minIntervalMs?: number;
  /** Session bandwidth in octets per second; RTCP gets 5 % of it (6.2). G.711 with headers: about 10 000. */
  readonly sessionBandwidth?: number;
  /** Initial average compound size in octets (6.3.2: "the size of the first RTCP packet"). */
  readonly initialPacketSize?: number;
  /** Uniform random number in [0, 1); injectable so tests are deterministic. */
  readonly random?: () => number;
}

/** RFC 3550 6.2: RTCP bandwidth is 5 % of the session bandwidth. */
const RTCP_BANDWIDTH_FRACTION = 0.05;
/** A point-to-point session: us and the peer. */
const MEMBERS = 2;

export class RtcpScheduler {
  readonly #minIntervalMs: number;
  readonly #rtcpBandwidth: number;
  readonly #random: () => number;
  #avgPacketSize: number;
  #initial = true;

  constructor(options: RtcpSchedulerOptions = {}) {
    this.#minIntervalMs = options.minIntervalMs ?? 5000;
    this.#rtcpBandwidth = (options.sessionBandwidth ?? 10_000) * RTCP_BANDWIDTH_FRACTION;
    this.#avgPacketSize = options.initialPacketSize ?? 100;
    this.#random = options.random ?? Math.random;
  }

  /** The deterministic interval Td, ms (A.7 rtcp_interval before randomisation). */
  deterministicIntervalMs(): number {
    // RFC 3550 6.3.1: "If tp == 0 [initial], Tmin is set to 2.5 seconds, else it is set to 5 seconds"
    // (half the configured minimum for the first report: "the initial delay SHOULD be set to half").
    const minMs = this.#initial ? this.#minIntervalMs / 2 : this.#minIntervalMs;
    // A.7: with at most 25 % senders the bandwidth is shared by all members; with 2 senders of 2 members each
    // sender gets the senders' share, which comes to the same n / rtcp_bw here.
    const computedMs = ((MEMBERS * this.#avgPacketSize) / this.#rtcpBandwidth) * 1000;
    return Math.max(minMs, computedMs);
  }

  /**
   * Delay until the next report, ms: Td randomised uniformly in [0.5, 1.5] × Td ("to avoid unintended
   * synchronization of all participants", 6.2). The first call gives the initial delay.
   */
  nextDelayMs(): number {
    const td = this.deterministicIntervalMs();
    this.#initial = false;
    return td * (0.5 + this.#random());
  }

  /** RFC 3550 6.3.3: avg_rtcp_size = 1/16 * packet_size + 15/16 * avg_rtcp_size, after each compound sent or received. */
  onCompound(sizeOctets: number): void {
    // The packet size includes the lower-layer headers (UDP + IPv4 = 28 octets), as 6.2 says.
    this.#avgPacketSize += (sizeOctets + 28 - this.#avgPacketSize) / 16;
  }
}
