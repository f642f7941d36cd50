/**
 * Where a `<send>` carries SDP: `m=` lines the scenario writes itself, and the WebRTC SDP keywords. A run checks them
 * against its media kind (scenario-checks.ts): an RTP/AVP SDP cannot start ICE, and `[webrtc_offer]` needs a bridge.
 */
import type { SdpUse } from "./model.js";
import { cdataLocation } from "./xml-document.js";
import type { XmlCdata } from "./xml-document.js";

/** An SDP media line written in the message itself (RFC 4566 5.14: `m=<media> <port> <proto> <fmt> ...`). */
const OWN_MEDIA_LINE = /(?:^|\n)[ \t]*(m=)/g;
const WEBRTC_SDP_KEYWORD = /\[(webrtc_offer|webrtc_answer|webrtc_trickle)\]/g;

/** Where a `<send>` CDATA writes SDP itself and where it renders a WebRTC SDP keyword, each located. */
export function findSdpUses(cdata: XmlCdata): SdpUse[] {
  const uses: SdpUse[] = [];
  for (const m of cdata.text.matchAll(OWN_MEDIA_LINE)) {
    const offset = m.index + m[0].length - (m[1]?.length ?? 0);
    uses.push({ kind: "own", loc: cdataLocation(cdata, offset) });
  }
  for (const m of cdata.text.matchAll(WEBRTC_SDP_KEYWORD)) {
    uses.push({ kind: "webrtc", keyword: m[1] ?? "", loc: cdataLocation(cdata, m.index) });
  }
  return uses;
}
