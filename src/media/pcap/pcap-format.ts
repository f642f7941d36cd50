/**
 * The classic libpcap file format (draft-ietf-opsawg-pcap): a 24-octet file header, then one 16-octet record
 * header plus captured octets per packet. The magic number tells the byte order (as written by the capturing host)
 * and the timestamp resolution; every other header field is in that byte order. Packet data is in network order.
 *
 *   file header:   magic(4) major(2) minor(2) reserved(4) reserved(4) snaplen(4) linktype(4)
 *   record header: ts_sec(4) ts_frac(4) caplen(4) origlen(4)
 */

export const FILE_HEADER_SIZE = 24;
export const RECORD_HEADER_SIZE = 16;

/** draft-ietf-opsawg-pcap 4: 0xA1B2C3D4 = seconds and microseconds; 0xA1B23C4D = seconds and nanoseconds. */
export const MAGIC_MICROS = 0xa1b2c3d4;
export const MAGIC_NANOS = 0xa1b23c4d;
/** draft-ietf-opsawg-pcapng 4.1: the Section Header Block type, also the first 4 octets of a pcapng file. */
export const PCAPNG_BLOCK_TYPE = 0x0a0d0d0a;

/** The link types (LINKTYPE_* values, as stored in the file) this reader decodes. */
export const LINK_TYPE = {
  ethernet: 1,
  /** LINKTYPE_RAW: the packet starts with an IPv4 or IPv6 header. 12 is the value some OpenBSD files use. */
  raw: 101,
  rawOpenBsd: 12,
  ipv4: 228,
  ipv6: 229,
  linuxSll: 113,
  linuxSll2: 276,
} as const;

export type ByteOrder = "little" | "big";
export type TimestampPrecision = "micro" | "nano";

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
/** IEEE 802.1Q VLAN tag and 802.1ad (QinQ) service tag: 4 octets (TPID + TCI) before the real EtherType. */
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
export const IP_PROTOCOL_UDP = 17;
