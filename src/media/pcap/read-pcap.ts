/**
 * Reads the RTP stream that `play_pcap_audio` replays out of a classic libpcap capture.
 *
 * SIPp behaviour (prepare_pcap.c): every UDP datagram of the capture is replayed, each to the peer's media port plus
 * (its destination port − the lowest destination port in the file), with the capture's timing; a capture with
 * packets cut by the snap length is refused ("Please create a new dump with -s0").
 * Our choice: the session sends from its own socket to the peer's RTP port and generates its own RTCP, so we keep
 * one stream: the RTP packets (RTCP, RFC 5761 4 payload types 72-76, left out) sent to the lowest destination port,
 * and among them those of the SSRC seen first. Everything else is counted in `skippedPackets`. Offsets are measured
 * from that stream's first packet, so replay starts at once; a record stamped earlier than the one before it (clock
 * step while capturing) is sent right after it, keeping the order of the file.
 *
 * Bad files never crash: pcapng, an unknown magic number, an unsupported link type, a truncated file (with the byte
 * offset), a cut RTP packet or a capture without RTP all reject with a FILE_ERROR naming the file.
 */
import { SipwrightError } from "../../shared/errors.js";
import { INPUT_FILES, readInputFile } from "../../shared/input-files.js";
import { parseRtp } from "../rtp/rtp-packet.js";
import type { RtpPacket } from "../rtp/rtp-packet.js";
import { decodeUdp, isSupportedLinkType } from "./decode-udp.js";
import { FILE_HEADER_SIZE, MAGIC_MICROS, MAGIC_NANOS, PCAPNG_BLOCK_TYPE, RECORD_HEADER_SIZE } from "./pcap-format.js";
import type { ByteOrder, TimestampPrecision } from "./pcap-format.js";

/** One RTP packet of the replayed stream. */
export interface PcapRtpPacket {
  /** When it was captured, ms after the stream's first packet (fractional; never less than the previous one). */
  readonly offsetMs: number;
  readonly payloadType: number;
  readonly marker: boolean;
  readonly timestamp: number;
  readonly sequenceNumber: number;
  /** The RTP payload (padding removed), a copy owned by this packet. */
  readonly payload: Buffer;
}

export interface PcapRtpStream {
  readonly ssrc: number;
  /** UDP ports of the stream's first packet. */
  readonly srcPort: number;
  readonly dstPort: number;
  readonly packets: readonly PcapRtpPacket[];
  /** Offset of the last packet, ms. */
  readonly durationMs: number;
  /** Records that are not part of the stream: non-UDP, non-RTP, RTCP, other ports or SSRCs. */
  readonly skippedPackets: number;
}

/**
 * Reads and parses a capture file (a regular file within the media file size limit: input-files.ts). Throws
 * FILE_ERROR when it cannot be read or holds no replayable RTP.
 */
export function readPcapFile(path: string): PcapRtpStream {
  let bytes: Buffer;
  try {
    bytes = readInputFile(path, INPUT_FILES.media);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SipwrightError("FILE_ERROR", `${path}: cannot read pcap file: ${reason}`, { cause: err });
  }
  return parsePcapRtp(bytes, path);
}

/** readPcapFile as a promise (rejects with the same FILE_ERROR). */
export function readPcapRtp(path: string): Promise<PcapRtpStream> {
  try {
    return Promise.resolve(readPcapFile(path));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

interface Candidate {
  readonly recordOffset: number;
  readonly seconds: number;
  /** Microseconds or nanoseconds, per the magic number. */
  readonly fraction: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly cut: boolean;
  readonly rtp: RtpPacket;
}

/** Parses capture bytes already in memory; `source` names the file in errors. Throws FILE_ERROR. */
export function parsePcapRtp(bytes: Buffer, source: string): PcapRtpStream {
  const fail = (reason: string): SipwrightError => new SipwrightError("FILE_ERROR", `${source}: ${reason}`);
  const header = readFileHeader(bytes, fail);
  const candidates: Candidate[] = [];
  let records = 0;
  let at = FILE_HEADER_SIZE;
  while (at < bytes.length) {
    const recordOffset = at;
    if (bytes.length - at < RECORD_HEADER_SIZE) {
      throw fail(
        `truncated file: the record header at byte offset ${at} has ${bytes.length - at} of ${RECORD_HEADER_SIZE} octets`,
      );
    }
    const seconds = header.u32(at);
    const fraction = header.u32(at + 4);
    const capturedLength = header.u32(at + 8);
    at += RECORD_HEADER_SIZE;
    if (bytes.length - at < capturedLength) {
      throw fail(
        `truncated file: the packet record at byte offset ${recordOffset} needs ${capturedLength} octets of data, ` +
          `only ${bytes.length - at} remain`,
      );
    }
    const frame = bytes.subarray(at, at + capturedLength);
    at += capturedLength;
    records++;
    const udp = decodeUdp(header.linkType, frame);
    const rtp = udp === undefined ? undefined : parseRtp(udp.payload);
    if (udp === undefined || rtp === undefined || isRtcp(rtp)) continue;
    candidates.push({ recordOffset, seconds, fraction, srcPort: udp.srcPort, dstPort: udp.dstPort, cut: udp.cut, rtp });
  }
  return selectStream(candidates, records, header.precision === "nano" ? 1e6 : 1e3, fail);
}

interface FileHeader {
  readonly linkType: number;
  readonly precision: TimestampPrecision;
  readonly u32: (offset: number) => number;
}

function readFileHeader(bytes: Buffer, fail: (reason: string) => SipwrightError): FileHeader {
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === PCAPNG_BLOCK_TYPE) {
    throw fail("pcapng is not supported: save as pcap (Wireshark: File > Save As > Wireshark/tcpdump - pcap)");
  }
  if (bytes.length < FILE_HEADER_SIZE) {
    throw fail(`truncated file: the file header at byte offset 0 has ${bytes.length} of ${FILE_HEADER_SIZE} octets`);
  }
  const big = bytes.readUInt32BE(0);
  const little = bytes.readUInt32LE(0);
  let order: ByteOrder;
  let precision: TimestampPrecision;
  if (big === MAGIC_MICROS || big === MAGIC_NANOS) {
    order = "big";
    precision = big === MAGIC_NANOS ? "nano" : "micro";
  } else if (little === MAGIC_MICROS || little === MAGIC_NANOS) {
    order = "little";
    precision = little === MAGIC_NANOS ? "nano" : "micro";
  } else {
    throw fail(`not a pcap file (magic number 0x${big.toString(16).padStart(8, "0")})`);
  }
  const u32 = order === "big" ? (o: number) => bytes.readUInt32BE(o) : (o: number) => bytes.readUInt32LE(o);
  const major = order === "big" ? bytes.readUInt16BE(4) : bytes.readUInt16LE(4);
  if (major !== 2) throw fail(`unsupported pcap version ${major} (only 2.x is defined)`);
  // draft-ietf-opsawg-pcap 4: the low 16 bits hold the link type; the top bits may describe an FCS.
  const linkType = u32(20) & 0xffff;
  if (!isSupportedLinkType(linkType)) {
    throw fail(`unsupported link type ${linkType} (supported: Ethernet 1, Linux SLL 113 and SLL2 276, raw IP 101)`);
  }
  return { linkType, precision, u32 };
}

/** RFC 5761 4: RTCP packet types 200-204 appear as RTP marker + payload types 72-76. */
function isRtcp(rtp: RtpPacket): boolean {
  return rtp.payloadType >= 72 && rtp.payloadType <= 76;
}

function selectStream(
  candidates: readonly Candidate[],
  records: number,
  fractionsPerMs: number,
  fail: (reason: string) => SipwrightError,
): PcapRtpStream {
  let dstPort = Infinity;
  for (const c of candidates) dstPort = Math.min(dstPort, c.dstPort);
  const first = candidates.find((c) => c.dstPort === dstPort);
  if (first === undefined) throw fail(`no RTP packets in the capture (${records} records)`);
  const chosen = candidates.filter((c) => c.dstPort === dstPort && c.rtp.ssrc === first.rtp.ssrc);
  const packets: PcapRtpPacket[] = [];
  let offsetMs = 0;
  for (const c of chosen) {
    if (c.cut) {
      throw fail(
        `the RTP packet at byte offset ${c.recordOffset} is cut by the capture's snap length: capture again with -s 0`,
      );
    }
    // Differences first, so large epoch seconds cost no precision: 20000 µs is exactly 20 ms.
    const sinceFirst = (c.seconds - first.seconds) * 1000 + (c.fraction - first.fraction) / fractionsPerMs;
    offsetMs = Math.max(offsetMs, sinceFirst);
    packets.push({
      offsetMs,
      payloadType: c.rtp.payloadType,
      marker: c.rtp.marker,
      timestamp: c.rtp.timestamp,
      sequenceNumber: c.rtp.sequenceNumber,
      payload: Buffer.from(c.rtp.payload),
    });
  }
  return {
    ssrc: first.rtp.ssrc,
    srcPort: first.srcPort,
    dstPort,
    packets,
    durationMs: offsetMs,
    skippedPackets: records - packets.length,
  };
}
