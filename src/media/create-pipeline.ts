/**
 * The engine's one way into media/ (with the types of media-pipeline.ts): a run's MediaRuntime opens each call's
 * pipeline — in this thread (thread-media.ts: one 20 ms MediaClock, the RTP port range, the bridge settings of a
 * WebRTC run) or on a media worker (worker/media-worker-pool.ts), the engine then holding a proxy that implements
 * the same interfaces. What the engine needs besides (ICE/TURN option parsing, RFC 8840 sdpfrag bodies, the
 * SDP-unusable error, SDP parsing) is re-exported here, so that nothing in the engine names a file inside media/.
 */
import { systemClock } from "../shared/clock.js";
import type { BridgePipeline, G711Codec, RtpPipeline } from "./media-pipeline.js";
import type { PacingStats } from "./rtp/media-clock.js";
import { PortAllocator, sharedPortClaims } from "./rtp/port-allocator.js";
import { ThreadMedia, type BridgeSettings, type ThreadMediaOptions } from "./thread-media.js";
import { MediaWorkerPool, type MediaWorkerInfo } from "./worker/media-worker-pool.js";

export type { BridgeSettings } from "./thread-media.js";
export type { MediaWorkerInfo } from "./worker/media-worker-pool.js";
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

export interface MediaRuntimeOptions extends Omit<ThreadMediaOptions, "claims"> {
  /**
   * Media worker threads (`--media-workers`): each call's pipeline lives on one of them, the engine holds a proxy.
   * 0: every pipeline in this thread. A run on another clock than the system's (a FakeClock) keeps its media here.
   */
  readonly workers?: number;
}

/** What the opener of a pipeline hears from it outside any call to it. */
export interface PipelineHooks {
  /** The pipeline failed on its own: its media worker died, or a source or recording failed to start there. */
  readonly onFailure?: (reason: string) => void;
}

/** The media of one run: in this thread (ThreadMedia), or on media workers (MediaWorkerPool). */
export class MediaRuntime {
  readonly #codecs: readonly G711Codec[];
  readonly #local: ThreadMedia | undefined;
  readonly #pool: MediaWorkerPool | undefined;
  /** The range the workers share (its claims), read here for portsInUse. */
  readonly #sharedRange: PortAllocator | undefined;

  constructor(options: MediaRuntimeOptions) {
    this.#codecs = options.codecs;
    const workers = options.clock === systemClock ? (options.workers ?? 0) : 0;
    if (workers === 0) {
      this.#local = new ThreadMedia(options);
      return;
    }
    const { mediaIp, minPort, maxPort, codecs, analyze } = options;
    const claims = sharedPortClaims({ minPort, maxPort });
    // Built here for its checks (a range with no pair is a ConfigError before any worker starts) and its count.
    this.#sharedRange = new PortAllocator({ address: mediaIp, minPort, maxPort, claims });
    this.#pool = new MediaWorkerPool({ size: workers, init: { mediaIp, minPort, maxPort, codecs, analyze, claims } });
  }

  /** A bound RTP session (BindError when the port range is exhausted). */
  async openRtp(hooks: PipelineHooks = {}): Promise<RtpPipeline> {
    if (this.#pool !== undefined) return this.#pool.openRtp(this.#codecs, hooks.onFailure);
    return this.#thread().openRtp();
  }

  /** A WebRTC bridge with its own TURN credential source (REST: issued per call). */
  async openBridge(settings: BridgeSettings, hooks: PipelineHooks = {}): Promise<BridgePipeline> {
    if (this.#pool !== undefined) return this.#pool.openBridge(settings, hooks.onFailure);
    return this.#thread().openBridge(settings);
  }

  get pacing(): PacingStats {
    return this.#pool?.pacing ?? this.#thread().pacing;
  }

  get portsInUse(): number {
    return this.#sharedRange?.inUse ?? this.#thread().portsInUse;
  }

  /** The media workers started so far (none when the media runs in this thread). */
  get workers(): readonly MediaWorkerInfo[] {
    return this.#pool?.workers ?? [];
  }

  /** Stops the clock or the workers (every pipeline has closed). */
  async close(): Promise<void> {
    this.#local?.close();
    await this.#pool?.close();
  }

  #thread(): ThreadMedia {
    if (this.#local === undefined) throw new Error("this run's media is on its workers");
    return this.#local;
  }
}
