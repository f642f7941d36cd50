/**
 * The werift RTCPeerConnection configuration of a bridge, always explicit (libraries.md §0, §1.5):
 * - ICE servers from the run's list; TURN URLs get their own credentials or those of the TurnCredentialSource,
 *   STUN URLs never get any. werift uses only the first `stun:` and the first `turn:`/`turns:` URL.
 * - With no STUN server configured, werift would query stun.l.google.com for every host candidate:
 *   {@link disableHiddenStun} removes that server from each ICE agent before it gathers.
 * - Host candidates only on the configured addresses (loopback included, which werift skips by default), the
 *   sockets bound there, pairs only from allowed local candidates; gathering of srflx/TURN bounded.
 * - One audio transceiver's codecs: the G.711 codecs in our order, then telephone-event/8000 (RFC 4733).
 */
import { isIPv6 } from "node:net";
import type { G711Codec } from "../media-pipeline.js";
import { G711_PAYLOAD_TYPE } from "../media-pipeline.js";
import {
  RTCRtpCodecParameters,
  type RTCPeerConnection,
  type RTCPeerConnectionConfig,
  type CandidatePair,
} from "werift";
import type { IceServer, TurnCredentialSource } from "./webrtc-types.js";

export interface PeerConfigInput {
  readonly codecs: readonly G711Codec[];
  readonly telephoneEventPt: number;
  readonly iceServers: readonly IceServer[];
  readonly turnCredentials: TurnCredentialSource | undefined;
  readonly icePolicy: "all" | "relay";
  readonly candidateAddresses: readonly string[];
  readonly gatherTimeoutMs: number;
}

export interface PeerConfig {
  readonly config: Partial<RTCPeerConnectionConfig>;
  /** A `stun:` URL was configured: werift may query it (else its hidden default must be disabled). */
  readonly hasStunServer: boolean;
  /** Expiry of the TURN credentials used, epoch ms. */
  readonly credentialExpiresAtMs: number | undefined;
}

export function peerConfig(input: PeerConfigInput): PeerConfig {
  let credentialExpiresAtMs: number | undefined;
  const iceServers = input.iceServers.map((server) => {
    if (!/^turns?:/i.test(server.url)) return { urls: server.url };
    if (server.username !== undefined && server.credential !== undefined) {
      return { urls: server.url, username: server.username, credential: server.credential };
    }
    const current = input.turnCredentials?.current();
    if (current === undefined) return { urls: server.url };
    credentialExpiresAtMs = current.expiresAtMs;
    return { urls: server.url, username: current.username, credential: current.credential };
  });
  const allowed = input.candidateAddresses;
  const ipv4 = allowed.find((address) => !isIPv6(address));
  const gatherSeconds = Math.max(0.05, input.gatherTimeoutMs / 1000);
  const config: Partial<RTCPeerConnectionConfig> = {
    iceServers,
    iceTransportPolicy: input.icePolicy,
    bundlePolicy: "max-bundle",
    iceUseIpv4: true,
    iceUseIpv6: allowed.some((address) => isIPv6(address)),
    iceUseTcp: false,
    iceAdditionalHostAddresses: [...allowed],
    ...(ipv4 === undefined ? {} : { iceInterfaceAddresses: { udp4: ipv4 } }),
    iceStunGatherTimeout: gatherSeconds,
    iceTurnConnectTimeout: gatherSeconds,
    iceFilterCandidatePair: (pair: CandidatePair) => {
      const { type, host } = pair.localCandidate;
      return type !== "host" || allowed.length === 0 || allowed.includes(host);
    },
    codecs: { audio: audioCodecs(input.codecs, input.telephoneEventPt), video: [] },
    headerExtensions: { audio: [], video: [] },
  };
  return {
    config,
    hasStunServer: input.iceServers.some((server) => /^stuns?:/i.test(server.url)),
    credentialExpiresAtMs,
  };
}

function audioCodecs(codecs: readonly G711Codec[], telephoneEventPt: number): RTCRtpCodecParameters[] {
  const g711 = codecs.map(
    (codec) =>
      new RTCRtpCodecParameters({
        mimeType: `audio/${codec}`,
        clockRate: 8000,
        channels: 1,
        payloadType: G711_PAYLOAD_TYPE[codec],
      }),
  );
  const events = new RTCRtpCodecParameters({
    mimeType: "audio/telephone-event",
    clockRate: 8000,
    channels: 1,
    payloadType: telephoneEventPt,
    parameters: "0-16",
  });
  return [...g711, events];
}

/**
 * libraries.md §0: werift's ICE agent falls back to stun.l.google.com when no STUN server is set. Clearing the
 * server on every agent before it gathers keeps every datagram on the configured addresses. Call it after any
 * step that may create ICE transports (addTransceiver, setRemoteDescription) and before setLocalDescription.
 */
export function disableHiddenStun(pc: RTCPeerConnection): void {
  for (const transport of pc.iceTransports) {
    delete transport.connection.stunServer;
  }
}
