/**
 * The RTCP side of an RtpSession, RFC 3550 6: a compound report (SR when we have sent RTP since the previous
 * report, else RR; 6.4) with SDES CNAME, at the interval of {@link RtcpScheduler} (about 5 s); received compounds
 * are parsed (never throwing on garbage) and a sender report is remembered for LSR/DLSR in our next report block.
 */
import type { Socket } from "node:dgram";
import type { Clock, TimerHandle } from "../../shared/clock.js";
import type { MediaEndpoint } from "./remote-media.js";
import type { ReceiveStats } from "./receive-stats.js";
import { buildRtcpCompound, ntpFromUnixMs, ntpMiddle32, parseRtcpCompound, roundTripMs } from "./rtcp.js";
import { RtcpScheduler } from "./rtcp-scheduler.js";
import type { RtpSender } from "./rtp-sender.js";

export interface RtcpReporterOptions {
  readonly socket: Socket;
  readonly clock: Clock;
  readonly sender: RtpSender;
  readonly receiveStats: ReceiveStats;
  readonly cname: string;
  /** Where to send; undefined while the peer is unknown (no report is sent then). */
  readonly target: () => MediaEndpoint | undefined;
  /** The RTP timestamp corresponding to "now", for the SR. */
  readonly rtpTimestampNow: () => number;
  /** RFC 3550 6.2 minimum interval; default 5000 ms. */
  readonly minIntervalMs?: number;
  readonly random: () => number;
}

export interface RtcpCounters {
  readonly sent: number;
  readonly received: number;
  /** Compounds that did not parse. */
  readonly malformed: number;
  readonly senderReportsReceived: number;
  readonly receiverReportsReceived: number;
  /** RFC 3550 6.4.1 round-trip time from the latest report block about our stream that carried an LSR. */
  readonly roundTripMs: number | undefined;
}

export class RtcpReporter {
  readonly #o: RtcpReporterOptions;
  readonly #scheduler: RtcpScheduler;
  #timer: TimerHandle | undefined;
  #stopped = false;
  #lastReportPackets = 0;
  #sent = 0;
  #received = 0;
  #malformed = 0;
  #srReceived = 0;
  #rrReceived = 0;
  #roundTripMs: number | undefined;

  constructor(options: RtcpReporterOptions) {
    this.#o = options;
    this.#scheduler = new RtcpScheduler({
      random: options.random,
      ...(options.minIntervalMs === undefined ? {} : { minIntervalMs: options.minIntervalMs }),
    });
  }

  /** Starts the report timer (idempotent). */
  start(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#schedule();
  }

  /** Stops the timer; with `bye`, sends a last compound with BYE (RFC 3550 6.6) and resolves once it left. */
  async stop(bye: boolean): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    if (bye) await this.#send(true);
  }

  counters(): RtcpCounters {
    return {
      sent: this.#sent,
      received: this.#received,
      malformed: this.#malformed,
      senderReportsReceived: this.#srReceived,
      receiverReportsReceived: this.#rrReceived,
      roundTripMs: this.#roundTripMs,
    };
  }

  /** One received datagram (RTCP port, or a demultiplexed RTCP packet from the RTP port). Never throws. */
  onMessage(datagram: Buffer): void {
    const packets = parseRtcpCompound(datagram);
    if (packets === undefined) {
      this.#malformed++;
      return;
    }
    this.#received++;
    this.#scheduler.onCompound(datagram.length);
    const now = this.#o.clock.now();
    const wallNow = this.#o.clock.wallNow();
    for (const packet of packets) {
      if (packet.type !== "sr" && packet.type !== "rr") continue;
      if (packet.type === "sr") {
        this.#srReceived++;
        this.#o.receiveStats.onSenderReport(ntpMiddle32(packet.ntpSeconds, packet.ntpFraction), now);
      } else {
        this.#rrReceived++;
      }
      const aboutUs = packet.reports.find((block) => block.ssrc === this.#o.sender.ssrc);
      const rtt = aboutUs === undefined ? undefined : roundTripMs(aboutUs, wallNow);
      if (rtt !== undefined) this.#roundTripMs = rtt;
    }
  }

  #schedule(): void {
    this.#timer = this.#o.clock.setTimer(this.#scheduler.nextDelayMs(), () => {
      this.#timer = undefined;
      if (this.#stopped) return;
      void this.#send(false);
      this.#schedule();
    });
  }

  /** Builds and sends one compound; resolves when the socket is done with it (errors are counted, not thrown). */
  #send(bye: boolean): Promise<void> {
    const to = this.#o.target();
    if (to === undefined) return Promise.resolve();
    const sender = this.#o.sender;
    const block = this.#o.receiveStats.reportBlock(this.#o.clock.now());
    const reports = block === undefined ? [] : [block];
    // RFC 3550 6.4: an SR when we sent data since the last report, else an RR.
    const sentSince = sender.packets > this.#lastReportPackets;
    this.#lastReportPackets = sender.packets;
    const ntp = ntpFromUnixMs(this.#o.clock.wallNow());
    const report = sentSince
      ? {
          type: "sr" as const,
          ssrc: sender.ssrc,
          ntpSeconds: ntp.seconds,
          ntpFraction: ntp.fraction,
          rtpTimestamp: this.#o.rtpTimestampNow(),
          packetCount: sender.packets,
          octetCount: sender.octets,
          reports,
        }
      : { type: "rr" as const, ssrc: sender.ssrc, reports };
    const compound = buildRtcpCompound({ report, cname: this.#o.cname, bye });
    this.#scheduler.onCompound(compound.length);
    this.#sent++;
    return new Promise((resolve) => {
      try {
        this.#o.socket.send(compound, to.port, to.address, () => {
          // A failed UDP send of a report is not worth more than the report: the next one follows.
          resolve();
        });
      } catch {
        // The socket is already closed (the session is closing): there is nobody left to report to.
        resolve();
      }
    });
  }
}
