/**
 * What the bridge sends with once connected, read from werift's negotiated transceiver: the G.711 codec and payload
 * type of the sender (RFC 3264 6.1: the first codec of the answer), the telephone-event/8000 payload type
 * (RFC 4733 7.1.1), whether we may send (the negotiated direction), and the selected ICE pair.
 */
import type { G711Codec } from "../media-pipeline.js";
import { G711_CODECS } from "../media-pipeline.js";
import type { RemoteLeg } from "../rtp/remote-media.js";
import type { RTCRtpCodecParameters, RTCRtpTransceiver } from "werift";

export interface PairEnd {
  readonly type: string;
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
}

export interface SelectedPair {
  readonly local: PairEnd;
  readonly remote: PairEnd;
}

export function selectedPair(transceiver: RTCRtpTransceiver): SelectedPair | undefined {
  const pair = transceiver.dtlsTransport.iceTransport.connection.nominated;
  if (pair === undefined) return undefined;
  const end = (c: typeof pair.localCandidate): PairEnd => ({
    type: c.type,
    protocol: c.transport.toLowerCase(),
    address: c.host,
    port: c.port,
  });
  return { local: end(pair.localCandidate), remote: end(pair.remoteCandidate) };
}

/** Undefined when no G.711 codec we carry was negotiated. */
export function negotiatedLeg(transceiver: RTCRtpTransceiver, carried: readonly G711Codec[]): RemoteLeg | undefined {
  const codecs = [transceiver.sender.codec, ...transceiver.codecs].filter(
    (codec): codec is RTCRtpCodecParameters => codec !== undefined,
  );
  let audio: { codec: G711Codec; payloadType: number } | undefined;
  for (const codec of codecs) {
    const name = g711Name(codec);
    if (name !== undefined && carried.includes(name)) {
      audio = { codec: name, payloadType: codec.payloadType };
      break;
    }
  }
  if (audio === undefined) return undefined;
  const events = codecs.find((c) => c.mimeType.toLowerCase() === "audio/telephone-event" && c.clockRate === 8000);
  const pair = selectedPair(transceiver);
  const direction = transceiver.currentDirection ?? "sendrecv";
  const rtp = pair === undefined ? undefined : { address: pair.remote.address, port: pair.remote.port };
  return {
    rtp: rtp ?? { address: "0.0.0.0", port: 9 },
    rtcp: rtp,
    codec: audio.codec,
    payloadType: audio.payloadType,
    telephoneEventPt: events?.payloadType,
    send: direction === "sendrecv" || direction === "sendonly",
  };
}

function g711Name(codec: RTCRtpCodecParameters): G711Codec | undefined {
  const name = codec.mimeType.split("/")[1]?.toUpperCase();
  return G711_CODECS.find((g711) => g711 === name);
}
