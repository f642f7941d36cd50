/**
 * A small classic-pcap writer for fixtures and tests: each packet is a UDP datagram (normally RTP) wrapped in
 * Ethernet + IPv4 by default. Options produce the other shapes the reader accepts (either byte order, nanosecond
 * timestamps, 802.1Q, Linux SLL/SLL2, raw IP, IPv6) and packets cut by a snap length.
 */
import { writeFile } from "node:fs/promises";
import { SipwrightError } from "../../shared/errors.js";
import { makeParentDirs } from "../../shared/make-dirs.js";
import { encodeFrame, LINK_TYPE_OF } from "./encode-frame.js";
import type { PcapLink } from "./encode-frame.js";
import { FILE_HEADER_SIZE, MAGIC_MICROS, MAGIC_NANOS, RECORD_HEADER_SIZE } from "./pcap-format.js";
import type { ByteOrder, TimestampPrecision } from "./pcap-format.js";

export interface PcapWritePacket {
  /** Capture time, ms after `startTimeMs` (fractions kept to the timestamp precision). */
  readonly atMs: number;
  readonly srcPort: number;
  readonly dstPort: number;
  /** The UDP payload: an RTP packet, or anything else. */
  readonly rtp: Uint8Array;
}

export interface PcapWriteOptions {
  /** Default "little" (what tcpdump writes on x86). */
  readonly byteOrder?: ByteOrder;
  /** Default "micro". */
  readonly precision?: TimestampPrecision;
  /** Default "ethernet". */
  readonly link?: PcapLink;
  /** Default 4. */
  readonly ipVersion?: 4 | 6;
  /** Wall-clock time of `atMs` 0, ms since the epoch. Default 2023-11-14T22:13:20Z, so output is reproducible. */
  readonly startTimeMs?: number;
  /** Frames longer than this are cut (the record keeps the original length). Default 262144, as tcpdump -s 0. */
  readonly snapLength?: number;
}

/** The bytes of a capture holding these packets. */
export function encodePcap(packets: readonly PcapWritePacket[], options: PcapWriteOptions = {}): Buffer {
  const little = (options.byteOrder ?? "little") === "little";
  const nano = (options.precision ?? "micro") === "nano";
  const link = options.link ?? "ethernet";
  const ipVersion = options.ipVersion ?? 4;
  const snapLength = options.snapLength ?? 262_144;
  const startTimeMs = options.startTimeMs ?? 1_700_000_000_000;
  const u16 = (buf: Buffer, value: number, at: number) =>
    little ? buf.writeUInt16LE(value, at) : buf.writeUInt16BE(value, at);
  const u32 = (buf: Buffer, value: number, at: number) =>
    little ? buf.writeUInt32LE(value, at) : buf.writeUInt32BE(value, at);

  const header = Buffer.alloc(FILE_HEADER_SIZE);
  u32(header, nano ? MAGIC_NANOS : MAGIC_MICROS, 0);
  u16(header, 2, 4);
  u16(header, 4, 6);
  u32(header, snapLength, 16);
  u32(header, LINK_TYPE_OF[link], 20);
  const parts: Buffer[] = [header];
  const perSecond = nano ? 1e9 : 1e6;
  for (const packet of packets) {
    const frame = encodeFrame({
      link,
      ipVersion,
      srcPort: packet.srcPort,
      dstPort: packet.dstPort,
      payload: packet.rtp,
    });
    const captured = frame.subarray(0, Math.min(frame.length, snapLength));
    const [seconds, fraction] = splitTime(startTimeMs, packet.atMs, perSecond);
    const record = Buffer.alloc(RECORD_HEADER_SIZE);
    u32(record, seconds, 0);
    u32(record, fraction, 4);
    u32(record, captured.length, 8);
    u32(record, frame.length, 12);
    parts.push(record, captured);
  }
  return Buffer.concat(parts);
}

/**
 * Seconds and fraction of `startTimeMs + atMs`, keeping the epoch seconds out of the fractional arithmetic (a
 * nanosecond count since 1970 does not fit a double exactly).
 */
function splitTime(startTimeMs: number, atMs: number, perSecond: number): [number, number] {
  const startSeconds = Math.floor(startTimeMs / 1000);
  const ms = startTimeMs - startSeconds * 1000 + atMs;
  let seconds = startSeconds + Math.floor(ms / 1000);
  let fraction = Math.round(((ms - Math.floor(ms / 1000) * 1000) * perSecond) / 1000);
  if (fraction >= perSecond) {
    seconds += 1;
    fraction -= perSecond;
  }
  return [seconds, fraction];
}

/** Writes a capture file (creating its folder). Rejects with FILE_ERROR naming the file when it cannot. */
export async function writePcap(
  path: string,
  packets: readonly PcapWritePacket[],
  options: PcapWriteOptions = {},
): Promise<void> {
  const bytes = encodePcap(packets, options);
  try {
    makeParentDirs(path);
    await writeFile(path, bytes);
  } catch (err) {
    throw new SipwrightError("FILE_ERROR", `${path}: cannot write pcap file`, { cause: err });
  }
}
