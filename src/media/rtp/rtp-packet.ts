/**
 * RTP fixed header, RFC 3550 5.1: parse (never throws: anything that is not a well-formed version 2 packet is
 * `undefined`) and serialise. Parsed payloads and extension data are views into the received buffer, not copies.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *  |                           timestamp                           |
 *  |           synchronization source (SSRC) identifier            |
 *  |            contributing source (CSRC) identifiers             |  (CC times)
 */

/** Size of the fixed header without CSRCs or extension. */
export const RTP_HEADER_SIZE = 12;

export interface RtpHeaderExtension {
  /** RFC 3550 5.3.1: "defined by profile" 16 bits. */
  readonly profile: number;
  /** The extension words, a view into the packet. */
  readonly data: Buffer;
}

export interface RtpPacket {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs: readonly number[];
  readonly extension: RtpHeaderExtension | undefined;
  /** Padding octets removed from the end (RFC 3550 5.1 P bit), 0 when none. */
  readonly paddingLength: number;
  /** The payload, a view into the received buffer (no copy). */
  readonly payload: Buffer;
}

export interface RtpHeaderFields {
  readonly marker?: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs?: readonly number[];
  readonly extension?: { readonly profile: number; readonly data: Uint8Array };
  /** Octets of padding to append (1..255); 0 or absent for none. */
  readonly paddingLength?: number;
}

const NO_CSRCS: readonly number[] = Object.freeze([]);

/** Parses one RTP packet; `undefined` for anything malformed. Never throws. */
export function parseRtp(buf: Buffer): RtpPacket | undefined {
  if (buf.length < RTP_HEADER_SIZE) return undefined;
  const b0 = buf[0] ?? 0;
  const b1 = buf[1] ?? 0;
  // RFC 3550 5.1: "This field identifies the version of RTP. The version defined by this specification is two (2)."
  if (b0 >> 6 !== 2) return undefined;
  const hasPadding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  let offset = RTP_HEADER_SIZE + 4 * csrcCount;
  if (buf.length < offset) return undefined;
  let csrcs = NO_CSRCS;
  if (csrcCount > 0) {
    const list: number[] = [];
    for (let i = 0; i < csrcCount; i++) list.push(word(buf, RTP_HEADER_SIZE + 4 * i));
    csrcs = list;
  }
  let extension: RtpHeaderExtension | undefined;
  if (hasExtension) {
    // RFC 3550 5.3.1: 16-bit profile field, 16-bit length in 32-bit words (excluding the 4-octet header).
    if (buf.length < offset + 4) return undefined;
    const profile = buf.readUInt16BE(offset);
    const words = buf.readUInt16BE(offset + 2);
    const end = offset + 4 + 4 * words;
    if (buf.length < end) return undefined;
    extension = { profile, data: buf.subarray(offset + 4, end) };
    offset = end;
  }
  let end = buf.length;
  let paddingLength = 0;
  if (hasPadding) {
    // RFC 3550 5.1: "The last octet of the padding contains a count of how many padding octets should be ignored,
    // including itself."
    paddingLength = buf[buf.length - 1] ?? 0;
    if (paddingLength === 0 || paddingLength > end - offset) return undefined;
    end -= paddingLength;
  }
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: (((buf[2] ?? 0) << 8) | (buf[3] ?? 0)) >>> 0,
    timestamp: word(buf, 4),
    ssrc: word(buf, 8),
    csrcs,
    extension,
    paddingLength,
    payload: buf.subarray(offset, end),
  };
}

/** Length in octets of the packet {@link writeRtp} produces for these fields and payload length. */
export function rtpPacketLength(fields: RtpHeaderFields, payloadLength: number): number {
  const csrcs = fields.csrcs?.length ?? 0;
  const ext = fields.extension ? 4 + paddedTo4(fields.extension.data.length) : 0;
  return RTP_HEADER_SIZE + 4 * csrcs + ext + payloadLength + (fields.paddingLength ?? 0);
}

/**
 * Writes a packet into `target` at `offset` (for senders that reuse one buffer per frame); returns the octets
 * written. Throws RangeError on fields out of range (a programming error, not network input).
 */
export function writeRtp(target: Buffer, offset: number, fields: RtpHeaderFields, payload: Uint8Array): number {
  const csrcs = fields.csrcs ?? NO_CSRCS;
  const padding = fields.paddingLength ?? 0;
  if (csrcs.length > 15) throw new RangeError(`RTP allows at most 15 CSRCs, got ${csrcs.length}`);
  if (fields.payloadType < 0 || fields.payloadType > 127 || !Number.isInteger(fields.payloadType)) {
    throw new RangeError(`RTP payload type must be 0..127, got ${fields.payloadType}`);
  }
  if (padding < 0 || padding > 255) throw new RangeError(`RTP padding must be 0..255 octets, got ${padding}`);
  const length = rtpPacketLength(fields, payload.length);
  if (target.length - offset < length) throw new RangeError(`RTP packet needs ${length} octets`);
  target[offset] = 0x80 | (padding > 0 ? 0x20 : 0) | (fields.extension ? 0x10 : 0) | csrcs.length;
  target[offset + 1] = (fields.marker === true ? 0x80 : 0) | fields.payloadType;
  // Plain octet stores: no bounds check per field (the length was checked above).
  target[offset + 2] = (fields.sequenceNumber >>> 8) & 0xff;
  target[offset + 3] = fields.sequenceNumber & 0xff;
  putWord(target, offset + 4, fields.timestamp);
  putWord(target, offset + 8, fields.ssrc);
  let at = offset + RTP_HEADER_SIZE;
  for (const csrc of csrcs) {
    putWord(target, at, csrc);
    at += 4;
  }
  if (fields.extension) {
    const dataLength = paddedTo4(fields.extension.data.length);
    target.writeUInt16BE(fields.extension.profile & 0xffff, at);
    target.writeUInt16BE(dataLength / 4, at + 2);
    target.set(fields.extension.data, at + 4);
    target.fill(0, at + 4 + fields.extension.data.length, at + 4 + dataLength);
    at += 4 + dataLength;
  }
  target.set(payload, at);
  at += payload.length;
  if (padding > 0) {
    target.fill(0, at, at + padding - 1);
    target[at + padding - 1] = padding;
    at += padding;
  }
  return at - offset;
}

/** Serialises one packet into a new buffer. */
export function serializeRtp(fields: RtpHeaderFields, payload: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(rtpPacketLength(fields, payload.length));
  writeRtp(buf, 0, fields, payload);
  return buf;
}

/** Big-endian 32-bit word at `at` (the caller checked the length). */
function word(buf: Buffer, at: number): number {
  return (((buf[at] ?? 0) << 24) | ((buf[at + 1] ?? 0) << 16) | ((buf[at + 2] ?? 0) << 8) | (buf[at + 3] ?? 0)) >>> 0;
}

function putWord(target: Buffer, at: number, value: number): void {
  target[at] = (value >>> 24) & 0xff;
  target[at + 1] = (value >>> 16) & 0xff;
  target[at + 2] = (value >>> 8) & 0xff;
  target[at + 3] = value & 0xff;
}

function paddedTo4(n: number): number {
  return (n + 3) & ~3;
}
