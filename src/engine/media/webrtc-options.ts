/**
 * A WebRTC run's bridge options from its RunConfig, checked once before any call: the ICE servers (`--ice-server`),
 * how TURN authenticates (inline, static, REST), the candidate addresses (default: the media IP, so loopback works),
 * the trickle mode and the timeouts. Each call gets its own bridge, with its own TURN credential source (REST
 * credentials are issued per call and refreshed before they expire).
 */
import { createLogger } from "../../shared/logger.js";
import type { BridgeSettings } from "../../media/create-pipeline.js";
import type { RunConfig } from "../run/run-config.js";
import type { WebRtcPlan } from "../run/run-option-checks.js";

const log = createLogger("webrtc");

/**
 * The settings RunMedia opens each call's bridge with, from the ICE/TURN options checked before the transport
 * opened (`planWebRtcOptions`): nothing here can fail on a bad option any more.
 */
export function bridgeSettings(config: RunConfig, plan: WebRtcPlan, mediaIp: string): BridgeSettings {
  const options = config.webrtcOptions;
  const { servers, turnPlan } = plan;
  warnUnusedServers(servers.map((server) => server.scheme));
  return {
    servers,
    turnPlan,
    icePolicy: options.icePolicy,
    candidateAddresses: options.candidateAddresses.length > 0 ? options.candidateAddresses : [mediaIp],
    trickle: options.trickle,
    gatherTimeoutMs: options.gatherTimeoutMs,
    iceTimeoutMs: options.iceTimeoutMs,
    dtlsTimeoutMs: options.dtlsTimeoutMs,
  };
}

/** werift (0.25) uses the first `stun:` and the first `turn:`/`turns:` server only: say so rather than ignore. */
function warnUnusedServers(schemes: readonly string[]): void {
  const stun = schemes.filter((s) => s === "stun").length;
  const turn = schemes.filter((s) => s !== "stun").length;
  if (stun > 1 || turn > 1) {
    log.warn("only the first stun: and the first turn:/turns: --ice-server are used; the others are ignored");
  }
}
