/**
 * How the bridge's packets leave: through werift's DTLS-SRTP transport instead of a UDP socket (the numbering and
 * counting are the plain `RtpSender`'s). werift's own RTCRtpSender would rewrite every payload type to the
 * negotiated audio codec (and so break RFC 4733 events) and its sequence numbers; we write below it with the SSRC
 * werift announced in our `a=ssrc`, so the peer sees one stream with our numbering.
 */
import type { RtpWireFactory } from "../rtp/rtp-sender.js";
import { RtpHeader, type RTCDtlsTransport } from "werift";

/** `transport()`: the connected DTLS transport, undefined while there is none (nothing is sent then). */
export function srtpWire(transport: () => RTCDtlsTransport | undefined): RtpWireFactory {
  return (sendFailed) => ({
    get ready() {
      return transport() !== undefined;
    },
    // `_to` is the selected pair's remote address: the DTLS transport already sends there.
    send(_to, header, payload) {
      const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      // A send the transport refused (closing, socket error) is a network condition: counted, as on plain RTP.
      transport()?.sendRtp(bytes, new RtpHeader(header)).catch(sendFailed);
    },
  });
}
