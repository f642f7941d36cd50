/**
 * From one captured frame to its UDP datagram: link layer (Ethernet with 802.1Q/802.1ad tags, Linux cooked SLL and
 * SLL2, raw IP), then IPv4 or IPv6, then UDP. Never throws: anything else (ARP, TCP, ICMP, IP fragments, garbage)
 * is `undefined`.
 */
import {
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETHERTYPE_QINQ,
  ETHERTYPE_VLAN,
  IP_PROTOCOL_UDP,
  LINK_TYPE,
} from "./pcap-format.js";

export interface UdpDatagram {
  readonly srcPort: number;
  readonly dstPort: number;
  /** The UDP payload, a view into the frame. */
  readonly payload: Buffer;
  /** The capture holds fewer octets than the UDP length says (snap length too small). */
  readonly cut: boolean;
}

const UDP_HEADER_SIZE = 8;
const IPV6_HEADER_SIZE = 40;
/** RFC 8200 4: extension headers that may precede UDP and share the (next header, length in 8-octet units) form. */
const IPV6_SKIPPABLE = new Set([0 /* hop-by-hop */, 43 /* routing */, 60 /* destination options */]);

/** True for the link types {@link decodeUdp} understands. */
export function isSupportedLinkType(linkType: number): boolean {
  return Object.values(LINK_TYPE).some((t) => t === linkType);
}

export function decodeUdp(linkType: number, frame: Buffer): UdpDatagram | undefined {
  const ip = ipPacket(linkType, frame);
  return ip === undefined ? undefined : udpOfIp(ip);
}

/** The IP packet inside a link-layer frame. */
function ipPacket(linkType: number, frame: Buffer): Buffer | undefined {
  switch (linkType) {
    case LINK_TYPE.ethernet:
      return ethernetPayload(frame);
    case LINK_TYPE.linuxSll:
      // Linux cooked capture v1: packet type(2) ARPHRD(2) address length(2) address(8) protocol(2).
      return frame.length < 16 ? undefined : ipByEtherType(frame.readUInt16BE(14), frame.subarray(16));
    case LINK_TYPE.linuxSll2:
      // Linux cooked capture v2: protocol(2) reserved(2) interface index(4) ARPHRD(2) packet type(1)
      // address length(1) address(8).
      return frame.length < 20 ? undefined : ipByEtherType(frame.readUInt16BE(0), frame.subarray(20));
    case LINK_TYPE.raw:
    case LINK_TYPE.rawOpenBsd:
    case LINK_TYPE.ipv4:
    case LINK_TYPE.ipv6:
      return frame;
    default:
      return undefined;
  }
}

function ethernetPayload(frame: Buffer): Buffer | undefined {
  // IEEE 802.3: destination(6) source(6) EtherType(2); each 802.1Q / 802.1ad tag inserts 4 octets before it.
  let at = 12;
  while (frame.length >= at + 2) {
    const etherType = frame.readUInt16BE(at);
    if (etherType !== ETHERTYPE_VLAN && etherType !== ETHERTYPE_QINQ) {
      return ipByEtherType(etherType, frame.subarray(at + 2));
    }
    at += 4;
  }
  return undefined;
}

function ipByEtherType(etherType: number, payload: Buffer): Buffer | undefined {
  return etherType === ETHERTYPE_IPV4 || etherType === ETHERTYPE_IPV6 ? payload : undefined;
}

function udpOfIp(ip: Buffer): UdpDatagram | undefined {
  const version = (ip[0] ?? 0) >> 4;
  if (version === 4) return udpOfIpv4(ip);
  if (version === 6) return udpOfIpv6(ip);
  return undefined;
}

function udpOfIpv4(ip: Buffer): UdpDatagram | undefined {
  // RFC 791 3.1: IHL is the header length in 32-bit words, at least 5.
  const headerLength = ((ip[0] ?? 0) & 0x0f) * 4;
  if (headerLength < 20 || ip.length < headerLength) return undefined;
  if (ip[9] !== IP_PROTOCOL_UDP) return undefined;
  // RFC 791: a fragment has MF set or a non-zero fragment offset; only the first one holds the UDP header, and its
  // payload is incomplete, so fragments are not replayed.
  const flagsAndOffset = ip.readUInt16BE(6);
  if ((flagsAndOffset & 0x2000) !== 0 || (flagsAndOffset & 0x1fff) !== 0) return undefined;
  return udpHeader(ip.subarray(headerLength));
}

function udpOfIpv6(ip: Buffer): UdpDatagram | undefined {
  if (ip.length < IPV6_HEADER_SIZE) return undefined;
  let next = ip[6] ?? 0;
  let at = IPV6_HEADER_SIZE;
  while (IPV6_SKIPPABLE.has(next)) {
    if (ip.length < at + 8) return undefined;
    next = ip[at] ?? 0;
    at += ((ip[at + 1] ?? 0) + 1) * 8;
  }
  return next === IP_PROTOCOL_UDP && ip.length >= at ? udpHeader(ip.subarray(at)) : undefined;
}

function udpHeader(udp: Buffer): UdpDatagram | undefined {
  // RFC 768: source port(2) destination port(2) length(2, header included) checksum(2).
  if (udp.length < UDP_HEADER_SIZE) return undefined;
  const length = udp.readUInt16BE(4);
  if (length < UDP_HEADER_SIZE) return undefined;
  const cut = udp.length < length;
  return {
    srcPort: udp.readUInt16BE(0),
    dstPort: udp.readUInt16BE(2),
    // Ethernet pads short frames to 60 octets: the UDP length, not the frame, says where the payload ends.
    payload: udp.subarray(UDP_HEADER_SIZE, cut ? udp.length : length),
    cut,
  };
}
