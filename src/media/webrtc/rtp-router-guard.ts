/**
 * werift 0.25.2 adapter: received RTP is heard whatever its SSRC. werift's RtpRouter keys `ssrcTable` by the SSRCs
 * of our own senders too (to route RTCP about them), so an RTP packet that carries our sender's SSRC — a far end
 * that echoes our packets unchanged, like `sipp -rtp_echo` behind a relay — finds an RTCRtpSender there and
 * `routeRtp` throws `rtpReceiver.handleRtpBySsrc is not a function`. The throw leaves werift's
 * `dtlsTransport.onRtp.execute` before the subscribers after the router, ours included, so the packet is lost.
 * RFC 3550 8.2 loop detection is about reporting collisions, not about discarding the media a test tool must hear.
 *
 * The guard routes such packets nowhere inside werift (no werift receiver exists for them) and lets every other
 * subscriber see them; any other packet is routed as before. Upstream fix: look RTP up in a receiver-only table.
 */
import type { RTCPeerConnection, RtpPacket } from "werift";

interface RouterLike {
  ssrcTable: Record<number, unknown>;
  routeRtp: (packet: RtpPacket) => void;
}

function isRouter(value: unknown): value is RouterLike {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<RouterLike>;
  return typeof candidate.routeRtp === "function" && typeof candidate.ssrcTable === "object";
}

/** Wraps the peer connection's router once; returns false when werift's internals no longer look as expected. */
export function guardRtpRouter(pc: RTCPeerConnection): boolean {
  const router: unknown = (pc as unknown as { router?: unknown }).router;
  if (!isRouter(router)) return false;
  const route = router.routeRtp;
  router.routeRtp = (packet: RtpPacket): void => {
    const entry = router.ssrcTable[packet.header.ssrc] as { handleRtpBySsrc?: unknown } | undefined;
    // An SSRC of ours (an RTCRtpSender) has no RTP receive path in werift: the packet is ours to hear, not werift's.
    if (entry !== undefined && typeof entry.handleRtpBySsrc !== "function") return;
    route(packet);
  };
  return true;
}
