/**
 * Builds the link-layer frame around one UDP datagram, for the pcap writer: Ethernet (optionally with an 802.1Q
 * tag), Linux cooked SLL / SLL2 or raw IP; IPv4 or IPv6. Checksums are real (IPv4 header, UDP over the pseudo
 * header), so Wireshark shows the fixtures without warnings.
 */
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_VLAN, IP_PROTOCOL_UDP, LINK_TYPE } from "./pcap-format.js";

export const PCAP_LINKS = ["ethernet", "ethernet-vlan", "linux-sll", "linux-sll2", "raw"] as const;
export type PcapLink = (typeof PCAP_LINKS)[number];

export const LINK_TYPE_OF: Readonly<Record<PcapLink, number>> = {
  ethernet: LINK_TYPE.ethernet,
  "ethernet-vlan": LINK_TYPE.ethernet,
  "linux-sll": LINK_TYPE.linuxSll,
  "linux-sll2": LINK_TYPE.linuxSll2,
  raw: LINK_TYPE.raw,
};

export interface FrameSpec {
  readonly link: PcapLink;
  readonly ipVersion: 4 | 6;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

/** Documentation addresses: RFC 5737 TEST-NET-1 and RFC 3849 2001:db8::/32. */
const IPV4_SRC = [192, 0, 2, 1];
const IPV4_DST = [192, 0, 2, 2];
const IPV6_SRC = [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), 1];
const IPV6_DST = [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), 2];
/** Locally administered MAC addresses. */
const MAC_SRC = [0x02, 0, 0, 0, 0, 1];
const MAC_DST = [0x02, 0, 0, 0, 0, 2];

export function encodeFrame(spec: FrameSpec): Buffer {
  const ip = spec.ipVersion === 4 ? ipv4Packet(spec) : ipv6Packet(spec);
  const etherType = spec.ipVersion === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
  switch (spec.link) {
    case "ethernet":
      return Buffer.concat([Buffer.from([...MAC_DST, ...MAC_SRC]), u16(etherType), ip]);
    case "ethernet-vlan":
      // IEEE 802.1Q: TPID 0x8100, then TCI (priority 0, VLAN 100), then the real EtherType.
      return Buffer.concat([Buffer.from([...MAC_DST, ...MAC_SRC]), u16(ETHERTYPE_VLAN), u16(100), u16(etherType), ip]);
    case "linux-sll": {
      // packet type 4 (sent by us), ARPHRD_ETHER 1, address length 6, address padded to 8, protocol.
      return Buffer.concat([u16(4), u16(1), u16(6), Buffer.from([...MAC_SRC, 0, 0]), u16(etherType), ip]);
    }
    case "linux-sll2": {
      const head = Buffer.alloc(20);
      head.writeUInt16BE(etherType, 0);
      head.writeUInt32BE(1, 4); // interface index
      head.writeUInt16BE(1, 8); // ARPHRD_ETHER
      head[10] = 4; // packet type: outgoing
      head[11] = 6; // address length
      head.set(MAC_SRC, 12);
      return Buffer.concat([head, ip]);
    }
    case "raw":
      return ip;
  }
}

function udpDatagram(spec: FrameSpec, pseudoHeaderSum: number): Buffer {
  const udp = Buffer.alloc(8 + spec.payload.length);
  udp.writeUInt16BE(spec.srcPort, 0);
  udp.writeUInt16BE(spec.dstPort, 2);
  udp.writeUInt16BE(udp.length, 4);
  udp.set(spec.payload, 8);
  // RFC 768: checksum over pseudo header + datagram; a computed 0 is sent as 0xffff.
  udp.writeUInt16BE(finish(pseudoHeaderSum + sum16(udp)) || 0xffff, 6);
  return udp;
}

function ipv4Packet(spec: FrameSpec): Buffer {
  const udpLength = 8 + spec.payload.length;
  const pseudo = sum16(Buffer.from([...IPV4_SRC, ...IPV4_DST, 0, IP_PROTOCOL_UDP, udpLength >> 8, udpLength & 0xff]));
  const udp = udpDatagram(spec, pseudo);
  const head = Buffer.alloc(20);
  head[0] = 0x45; // version 4, IHL 5
  head.writeUInt16BE(20 + udp.length, 2);
  head.writeUInt16BE(0x4000, 6); // DF, no fragment
  head[8] = 64; // TTL
  head[9] = IP_PROTOCOL_UDP;
  head.set(IPV4_SRC, 12);
  head.set(IPV4_DST, 16);
  head.writeUInt16BE(finish(sum16(head)), 10);
  return Buffer.concat([head, udp]);
}

function ipv6Packet(spec: FrameSpec): Buffer {
  const udpLength = 8 + spec.payload.length;
  const lengthWord = [0, 0, udpLength >> 8, udpLength & 0xff];
  const pseudo = sum16(Buffer.from([...IPV6_SRC, ...IPV6_DST, ...lengthWord, 0, 0, 0, IP_PROTOCOL_UDP]));
  const udp = udpDatagram(spec, pseudo);
  const head = Buffer.alloc(40);
  head[0] = 0x60; // version 6
  head.writeUInt16BE(udp.length, 4);
  head[6] = IP_PROTOCOL_UDP;
  head[7] = 64; // hop limit
  head.set(IPV6_SRC, 8);
  head.set(IPV6_DST, 24);
  return Buffer.concat([head, udp]);
}

function u16(value: number): Buffer {
  const buf = Buffer.alloc(2);
  buf.writeUInt16BE(value, 0);
  return buf;
}

/** RFC 1071: the 16-bit one's complement sum (odd length padded with a zero octet), not yet folded. */
function sum16(buf: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < buf.length; i += 2) sum += ((buf[i] ?? 0) << 8) | (buf[i + 1] ?? 0);
  return sum;
}

function finish(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}
