/**
 * The engine's one way into media/ (with the types of media-pipeline.ts): a run's MediaRuntime — its one 20 ms
 * MediaClock, its RTP port range, the bridge settings of a WebRTC run — opens each call's pipeline. What the engine
 * needs besides (ICE/TURN option parsing, RFC 8840 sdpfrag bodies, the SDP-unusable error, SDP parsing) is
 * re-exported here, so that nothing in the engine names a file inside media/.
 */
import type { Clock } from "../shared/clock.js";
import type { BridgePipeline, G711Codec, RtpPipeline } from "./media-pipeline.js";
import { MediaClock, type PacingStats } from "./rtp/media-clock.js";
import { PortAllocator } from "./rtp/port-allocator.js";
import { RtpSession } from "./rtp/rtp-session.js";
import { toIceServers, type ParsedIceServer } from "./webrtc/ice-servers.js";
import { createTurnCredentialSource, type TurnAuthPlan } from "./webrtc/turn-credentials.js";
import type { WebRtcBridgeOptions } from "./webrtc/webrtc-types.js";

export { SdpUnusableError } from "./sdp-unusable-error.js";
export { parseSdp } from "./sdp/parse-sdp.js";
export { parseIceServers, type ParsedIceServer } from "./webrtc/ice-servers.js";
export { planTurnAuth, type TurnAuthPlan } from "./webrtc/turn-credentials.js";
export { buildSdpFragment, SDPFRAG_CONTENT_TYPE } from "./webrtc/sdp-frag.js";
export type { PacingStats } from "./rtp/media-clock.js";
export type {
  IceFragmentInfo,
  LocalCandidate,
  TrickleMode,
  WebRtcBridgeEvents,
  WebRtcStats,
} from "./webrtc/webrtc-types.js";

/**
 * How each call's WebRTC bridge is made: plain data, checked before the run (planWebRtcOptions). Candidate
 * addresses are never empty (the media IP by default).
 */
export interface BridgeSettings extends Pick<
  WebRtcBridgeOptions,
  "icePolicy" | "candidateAddresses" | "trickle" | "gatherTimeoutMs" | "iceTimeoutMs" | "dtlsTimeoutMs"
> {
  readonly servers: readonly ParsedIceServer[];
  readonly turnPlan: TurnAuthPlan;
}

export interface MediaRuntimeOptions {
  readonly clock: Clock;
  /** Address RTP is bound on and written in our SDP. */
  readonly mediaIp: string;
  readonly minPort: number;
  readonly maxPort: number;
  /** G.711 codecs in our order of preference. */
  readonly codecs: readonly G711Codec[];
  /** Keep per-frame summaries for audio checks. */
  readonly analyze: boolean;
}

export class MediaRuntime {
  readonly #options: MediaRuntimeOptions;
  readonly #clock: MediaClock;
  readonly #allocator: PortAllocator;

  constructor(options: MediaRuntimeOptions) {
    this.#options = options;
    this.#clock = new MediaClock(options.clock);
    this.#allocator = new PortAllocator({
      address: options.mediaIp,
      minPort: options.minPort,
      maxPort: options.maxPort,
    });
  }

  /** A bound RtpSession on the run's clock (BindError when the port range is exhausted). */
  async openRtp(): Promise<RtpPipeline> {
    const { clock, codecs, mediaIp, analyze } = this.#options;
    return RtpSession.open(this.#allocator, { clock: this.#clock, wallClock: clock, codecs, mediaIp, analyze });
  }

  /** A WebRTC bridge on the run's clock, with its own TURN credential source (REST: issued per call). */
  async openBridge(settings: BridgeSettings): Promise<BridgePipeline> {
    const { clock, codecs, analyze } = this.#options;
    // WebRtcBridge.create is synchronous; what it throws becomes the promise's rejection.
    const { servers, turnPlan, ...leg } = settings;
    // werift is loaded by the first bridge, not at start-up: a plain RTP or signalling-only run never pays for it.
    const { WebRtcBridge } = await import("./webrtc/webrtc-bridge.js");
    return new Promise<BridgePipeline>((resolve) => {
      const turnCredentials = createTurnCredentialSource(turnPlan, clock);
      resolve(
        WebRtcBridge.create({
          ...leg,
          clock: this.#clock,
          wallClock: clock,
          codecs,
          iceServers: toIceServers(servers),
          ...(turnCredentials === undefined ? {} : { turnCredentials }),
          analyze,
        }),
      );
    });
  }

  get pacing(): PacingStats {
    return this.#clock.pacingStats();
  }

  get portsInUse(): number {
    return this.#allocator.inUse;
  }

  /** Stops the clock (every pipeline has closed). */
  close(): void {
    this.#clock.close();
  }
}
