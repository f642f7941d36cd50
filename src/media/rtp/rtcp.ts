/**
 * RTCP, RFC 3550 6: sender reports (SR, 6.4.1), receiver reports (RR, 6.4.2), SDES CNAME (6.5) and BYE (6.6),
 * built as one compound packet (6.1) and parsed back. Parsing never throws: a malformed compound is `undefined`.
 * The report interval lives in {@link RtcpScheduler} (rtcp-scheduler.ts).
 */

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
const SDES_CNAME = 1;

/** RFC 3550 6.4.1 report block (24 octets). */
export interface RtcpReportBlock {
  /** SSRC of the source this block is about. */
  readonly ssrc: number;
  /** Fraction lost since the previous report, 8-bit fixed point (loss ratio × 256). */
  readonly fractionLost: number;
  /** Cumulative number of packets lost, signed 24 bits. */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received. */
  readonly highestSequence: number;
  /** Interarrival jitter, timestamp units. */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received (LSR), 0 when none. */
  readonly lastSr: number;
  /** Delay since that SR in units of 1/65536 s (DLSR), 0 when none. */
  readonly delaySinceLastSr: number;
}

export interface RtcpSenderReport {
  readonly type: "sr";
  readonly ssrc: number;
  /** NTP timestamp, seconds since 1900 (most significant word). */
  readonly ntpSeconds: number;
  /** NTP timestamp fraction (least significant word). */
  readonly ntpFraction: number;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
  readonly reports: readonly RtcpReportBlock[];
}

export interface RtcpReceiverReport {
  readonly type: "rr";
  readonly ssrc: number;
  readonly reports: readonly RtcpReportBlock[];
}

export interface RtcpSourceDescription {
  readonly type: "sdes";
  readonly chunks: readonly { readonly ssrc: number; readonly cname: string | undefined }[];
}

export interface RtcpGoodbye {
  readonly type: "bye";
  readonly ssrcs: readonly number[];
}

/** Any other packet type of a compound (APP, RTPFB, ...), kept by type only. */
export interface RtcpOther {
  readonly type: "other";
  readonly packetType: number;
}

export type RtcpPacket = RtcpSenderReport | RtcpReceiverReport | RtcpSourceDescription | RtcpGoodbye | RtcpOther;

export interface RtcpCompoundSpec {
  /** RFC 3550 6.1: "The first RTCP packet in the compound packet MUST always be a report packet". */
  readonly report: RtcpSenderReport | RtcpReceiverReport;
  /** RFC 3550 6.1: each compound MUST carry an SDES CNAME item. */
  readonly cname: string;
  /** Appends a BYE for the report's SSRC (6.6) — the last compound a session sends. */
  readonly bye?: boolean;
}

/** RFC 5761 4: a packet on a muxed port is RTCP when its second octet (M bit + PT) is 192..223. */
export function isRtcpPacket(buf: Buffer): boolean {
  const b1 = buf[1];
  return buf.length >= 8 && b1 !== undefined && b1 >= 192 && b1 <= 223;
}

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET = 2_208_988_800;

/** RFC 3550 4: NTP timestamp (64-bit fixed point, seconds since 1900) of a Unix epoch time in ms. */
export function ntpFromUnixMs(unixMs: number): { seconds: number; fraction: number } {
  const whole = Math.floor(unixMs / 1000);
  const fraction = Math.floor(((unixMs - whole * 1000) / 1000) * 0x100000000);
  return { seconds: (whole + NTP_UNIX_OFFSET) >>> 0, fraction: Math.min(fraction, 0xffffffff) >>> 0 };
}

/** RFC 3550 6.4.1: "the middle 32 bits out of 64 in the NTP timestamp" (LSR). */
export function ntpMiddle32(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/**
 * RFC 3550 6.4.1: round-trip time from a report block received at `arrivalUnixMs`: A - LSR - DLSR, in ms.
 * `undefined` when the block carries no LSR.
 */
export function roundTripMs(block: RtcpReportBlock, arrivalUnixMs: number): number | undefined {
  if (block.lastSr === 0) return undefined;
  const a = ntpFromUnixMs(arrivalUnixMs);
  const rtt = (ntpMiddle32(a.seconds, a.fraction) - block.lastSr - block.delaySinceLastSr) >>> 0;
  // A negative result (clock trouble) wraps to a huge unsigned value: report it as unknown.
  if (rtt > 0x80000000) return undefined;
  return (rtt / 65536) * 1000;
}

/** Builds a compound packet: SR or RR, then SDES with the CNAME, then optionally BYE. */
export function buildRtcpCompound(spec: RtcpCompoundSpec): Buffer {
  const parts = [buildReport(spec.report), buildSdes(spec.report.ssrc, spec.cname)];
  if (spec.bye === true) parts.push(buildBye([spec.report.ssrc]));
  return Buffer.concat(parts);
}

function header(buf: Buffer, count: number, packetType: number): void {
  // RFC 3550 6.4.1: V=2, P=0, count, PT, length in 32-bit words minus one.
  buf[0] = 0x80 | count;
  buf[1] = packetType;
  buf.writeUInt16BE(buf.length / 4 - 1, 2);
}

function buildReport(report: RtcpSenderReport | RtcpReceiverReport): Buffer {
  if (report.reports.length > 31) throw new RangeError("an RTCP report carries at most 31 report blocks");
  const senderInfo = report.type === "sr" ? 20 : 0;
  const buf = Buffer.alloc(8 + senderInfo + 24 * report.reports.length);
  header(buf, report.reports.length, report.type === "sr" ? RTCP_SR : RTCP_RR);
  buf.writeUInt32BE(report.ssrc >>> 0, 4);
  let at = 8;
  if (report.type === "sr") {
    buf.writeUInt32BE(report.ntpSeconds >>> 0, 8);
    buf.writeUInt32BE(report.ntpFraction >>> 0, 12);
    buf.writeUInt32BE(report.rtpTimestamp >>> 0, 16);
    buf.writeUInt32BE(report.packetCount >>> 0, 20);
    buf.writeUInt32BE(report.octetCount >>> 0, 24);
    at = 28;
  }
  for (const block of report.reports) {
    buf.writeUInt32BE(block.ssrc >>> 0, at);
    buf[at + 4] = block.fractionLost & 0xff;
    buf.writeIntBE(Math.max(-0x800000, Math.min(0x7fffff, block.cumulativeLost)), at + 5, 3);
    buf.writeUInt32BE(block.highestSequence >>> 0, at + 8);
    buf.writeUInt32BE(block.jitter >>> 0, at + 12);
    buf.writeUInt32BE(block.lastSr >>> 0, at + 16);
    buf.writeUInt32BE(block.delaySinceLastSr >>> 0, at + 20);
    at += 24;
  }
  return buf;
}

function buildSdes(ssrc: number, cname: string): Buffer {
  const text = Buffer.from(cname, "utf8").subarray(0, 255);
  // RFC 3550 6.5: SSRC, items (type, length, text), then a null item; the chunk is padded to a 32-bit boundary.
  const chunk = 4 + 2 + text.length + 1;
  const buf = Buffer.alloc(4 + ((chunk + 3) & ~3));
  header(buf, 1, RTCP_SDES);
  buf.writeUInt32BE(ssrc >>> 0, 4);
  buf[8] = SDES_CNAME;
  buf[9] = text.length;
  text.copy(buf, 10);
  return buf;
}

function buildBye(ssrcs: readonly number[]): Buffer {
  const buf = Buffer.alloc(4 + 4 * ssrcs.length);
  header(buf, ssrcs.length, RTCP_BYE);
  ssrcs.forEach((ssrc, i) => buf.writeUInt32BE(ssrc >>> 0, 4 + 4 * i));
  return buf;
}

/** Parses a compound RTCP packet; `undefined` when any part is malformed. Never throws. */
export function parseRtcpCompound(buf: Buffer): RtcpPacket[] | undefined {
  const packets: RtcpPacket[] = [];
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < 4) return undefined;
    const b0 = buf[at] ?? 0;
    if (b0 >> 6 !== 2) return undefined;
    const count = b0 & 0x1f;
    const packetType = buf[at + 1] ?? 0;
    const end = at + 4 * (buf.readUInt16BE(at + 2) + 1);
    if (end > buf.length) return undefined;
    let bodyEnd = end;
    if ((b0 & 0x20) !== 0) {
      // RFC 3550 6.4.1: padding, the last octet counts the padding octets.
      const padding = buf[end - 1] ?? 0;
      if (padding === 0 || padding > end - at - 4) return undefined;
      bodyEnd -= padding;
    }
    const packet = parseOne(buf.subarray(at, bodyEnd), count, packetType);
    if (packet === undefined) return undefined;
    packets.push(packet);
    at = end;
  }
  return packets.length > 0 ? packets : undefined;
}

function parseOne(p: Buffer, count: number, packetType: number): RtcpPacket | undefined {
  switch (packetType) {
    case RTCP_SR: {
      if (p.length < 28 + 24 * count) return undefined;
      return {
        type: "sr",
        ssrc: p.readUInt32BE(4),
        ntpSeconds: p.readUInt32BE(8),
        ntpFraction: p.readUInt32BE(12),
        rtpTimestamp: p.readUInt32BE(16),
        packetCount: p.readUInt32BE(20),
        octetCount: p.readUInt32BE(24),
        reports: parseBlocks(p, 28, count),
      };
    }
    case RTCP_RR:
      if (p.length < 8 + 24 * count) return undefined;
      return { type: "rr", ssrc: p.readUInt32BE(4), reports: parseBlocks(p, 8, count) };
    case RTCP_SDES:
      return parseSdes(p, count);
    case RTCP_BYE: {
      if (p.length < 4 + 4 * count) return undefined;
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(p.readUInt32BE(4 + 4 * i));
      return { type: "bye", ssrcs };
    }
    default:
      return { type: "other", packetType };
  }
}

function parseBlocks(p: Buffer, start: number, count: number): RtcpReportBlock[] {
  const blocks: RtcpReportBlock[] = [];
  for (let i = 0, at = start; i < count; i++, at += 24) {
    blocks.push({
      ssrc: p.readUInt32BE(at),
      fractionLost: p[at + 4] ?? 0,
      cumulativeLost: p.readIntBE(at + 5, 3),
      highestSequence: p.readUInt32BE(at + 8),
      jitter: p.readUInt32BE(at + 12),
      lastSr: p.readUInt32BE(at + 16),
      delaySinceLastSr: p.readUInt32BE(at + 20),
    });
  }
  return blocks;
}

function parseSdes(p: Buffer, count: number): RtcpSourceDescription | undefined {
  const chunks: { ssrc: number; cname: string | undefined }[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (p.length < at + 4) return undefined;
    const ssrc = p.readUInt32BE(at);
    at += 4;
    let cname: string | undefined;
    for (;;) {
      const itemType = p[at];
      if (itemType === undefined) return undefined;
      if (itemType === 0) break;
      const length = p[at + 1];
      if (length === undefined || at + 2 + length > p.length) return undefined;
      if (itemType === SDES_CNAME) cname = p.toString("utf8", at + 2, at + 2 + length);
      at += 2 + length;
    }
    // The null item, then padding up to the next 32-bit boundary.
    at = (at + 1 + 3) & ~3;
    chunks.push({ ssrc, cname });
  }
  return { type: "sdes", chunks };
}
