/**
 * Replays a capture's RTP stream with the capture's own timing (SIPp play_pcap_audio), driven by the caller's
 * clock: on each MediaClock tick the RTP session asks for the packets due at the time elapsed since the replay
 * started, and sends them. Packets come out in file order, each exactly once; a tick that comes late (or a capture
 * with packets closer together than a tick) yields several at once, as SIPp's sender catches up after a late wake-up.
 * Pausing is the caller's business: it stops advancing the elapsed time it passes in.
 */
import type { PcapRtpPacket, PcapRtpStream } from "./read-pcap.js";

export interface PcapReplayOptions {
  /**
   * Packets whose capture offset is at most this much after the elapsed time are also due. Default 0 (never
   * early). A session ticking every 20 ms can pass 10 to send each packet on the tick nearest its capture time.
   */
  readonly lookaheadMs?: number;
}

export class PcapReplay {
  readonly stream: PcapRtpStream;
  readonly #lookaheadMs: number;
  /** Index of the next packet not yet handed out. */
  #next = 0;

  constructor(stream: PcapRtpStream, options: PcapReplayOptions = {}) {
    this.stream = stream;
    this.#lookaheadMs = Math.max(0, options.lookaheadMs ?? 0);
  }

  /**
   * The packets not handed out yet whose offset is at most `elapsedMs` (+ lookahead), in order. Elapsed time that
   * goes backwards, or is not a number, yields nothing.
   */
  due(elapsedMs: number): readonly PcapRtpPacket[] {
    const packets = this.stream.packets;
    const limit = elapsedMs + this.#lookaheadMs;
    const start = this.#next;
    while (this.#next < packets.length && (packets[this.#next]?.offsetMs ?? Infinity) <= limit) this.#next++;
    return packets.slice(start, this.#next);
  }

  /** Offset of the next packet to send, ms; undefined once finished. */
  get nextOffsetMs(): number | undefined {
    return this.stream.packets[this.#next]?.offsetMs;
  }

  /** Packets not handed out yet. */
  get remaining(): number {
    return this.stream.packets.length - this.#next;
  }

  /** Every packet has been handed out. */
  get finished(): boolean {
    return this.#next >= this.stream.packets.length;
  }
}
