/**
 * A WebRTC run's bridge options from its RunConfig, checked once before any call: the ICE servers (`--ice-server`),
 * how TURN authenticates (inline, static, REST), the candidate addresses (default: the media IP, so loopback works),
 * the trickle mode and the timeouts. Each call gets its own bridge, with its own TURN credential source (REST
 * credentials are issued per call and refreshed before they expire).
 */
import type { Clock } from "../../shared/clock.js";
import { createLogger } from "../../shared/logger.js";
import type { MediaClock } from "../../media/rtp/media-clock.js";
import { toIceServers } from "../../media/webrtc/ice-servers.js";
import { createTurnCredentialSource } from "../../media/webrtc/turn-credentials.js";
import { WebRtcBridge } from "../../media/webrtc/webrtc-bridge.js";
import type { RunConfig } from "../run/run-config.js";
import type { WebRtcPlan } from "../run/run-option-checks.js";
import type { BridgePipeline } from "./webrtc-signalling.js";

const log = createLogger("webrtc");

/**
 * The factory RunMedia calls for each call of a WebRTC run, from the ICE/TURN options checked before the transport
 * opened (`planWebRtcOptions`): nothing here can fail on a bad option any more.
 */
export function bridgeFactory(
  config: RunConfig,
  plan: WebRtcPlan,
  clock: Clock,
  mediaIp: string,
  analyze: boolean,
): (mediaClock: MediaClock) => Promise<BridgePipeline> {
  const options = config.webrtcOptions;
  const { servers, turnPlan } = plan;
  warnUnusedServers(servers.map((server) => server.scheme));
  const iceServers = toIceServers(servers);
  const candidateAddresses = options.candidateAddresses.length > 0 ? options.candidateAddresses : [mediaIp];
  // WebRtcBridge.create is synchronous; what it throws becomes the promise's rejection.
  return (mediaClock) =>
    new Promise<BridgePipeline>((resolve) => {
      const turnCredentials = createTurnCredentialSource(turnPlan, clock);
      resolve(
        WebRtcBridge.create({
          clock: mediaClock,
          wallClock: clock,
          codecs: config.codecs,
          iceServers,
          ...(turnCredentials === undefined ? {} : { turnCredentials }),
          icePolicy: options.icePolicy,
          candidateAddresses,
          trickle: options.trickle,
          gatherTimeoutMs: options.gatherTimeoutMs,
          iceTimeoutMs: options.iceTimeoutMs,
          dtlsTimeoutMs: options.dtlsTimeoutMs,
          analyze,
        }),
      );
    });
}

/** werift (0.25) uses the first `stun:` and the first `turn:`/`turns:` server only: say so rather than ignore. */
function warnUnusedServers(schemes: readonly string[]): void {
  const stun = schemes.filter((s) => s === "stun").length;
  const turn = schemes.filter((s) => s !== "stun").length;
  if (stun > 1 || turn > 1) {
    log.warn("only the first stun: and the first turn:/turns: --ice-server are used; the others are ignored");
  }
}
