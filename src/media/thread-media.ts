/**
 * The pipelines of one thread: its one 20 ms MediaClock, its RTP port allocator and the options every pipeline
 * gets. The engine's thread has one when the run keeps its media there (`--media-workers 0`, or a FakeClock); each
 * media worker (worker/media-worker.ts) has its own, on the system clock, sharing the run's port claims.
 */
import type { Clock } from "../shared/clock.js";
import type { BridgePipeline, G711Codec, RtpPipeline } from "./media-pipeline.js";
import { MediaClock, type PacingRecord, type PacingStats } from "./rtp/media-clock.js";
import { PortAllocator } from "./rtp/port-allocator.js";
import { RtpSession } from "./rtp/rtp-session.js";
import { toIceServers, type ParsedIceServer } from "./webrtc/ice-servers.js";
import { createTurnCredentialSource, type TurnAuthPlan } from "./webrtc/turn-credentials.js";
import type { WebRtcBridgeOptions } from "./webrtc/webrtc-types.js";

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

export interface ThreadMediaOptions {
  readonly clock: Clock;
  /** Address RTP is bound on and written in our SDP. */
  readonly mediaIp: string;
  readonly minPort: number;
  readonly maxPort: number;
  /** G.711 codecs in our order of preference. */
  readonly codecs: readonly G711Codec[];
  /** Keep per-frame summaries for audio checks. */
  readonly analyze: boolean;
  /** Port claims shared with other threads (media workers); default: this thread's own. */
  readonly claims?: SharedArrayBuffer;
}

export class ThreadMedia {
  readonly #options: ThreadMediaOptions;
  readonly #clock: MediaClock;
  readonly #allocator: PortAllocator;

  constructor(options: ThreadMediaOptions) {
    this.#options = options;
    this.#clock = new MediaClock(options.clock);
    this.#allocator = new PortAllocator({
      address: options.mediaIp,
      minPort: options.minPort,
      maxPort: options.maxPort,
      ...(options.claims === undefined ? {} : { claims: options.claims }),
    });
  }

  /** A bound RtpSession on the thread's clock (BindError when the port range is exhausted). */
  async openRtp(): Promise<RtpPipeline> {
    const { clock, codecs, mediaIp, analyze } = this.#options;
    return RtpSession.open(this.#allocator, { clock: this.#clock, wallClock: clock, codecs, mediaIp, analyze });
  }

  /** A WebRTC bridge on the thread's clock, with its own TURN credential source (REST: issued per call). */
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

  /** Called at every tick of the thread's clock before the pipelines registered after it; returns the unregister. */
  onTick(callback: () => void): () => void {
    return this.#clock.register(callback);
  }

  get pacing(): PacingStats {
    return this.#clock.pacingStats();
  }

  pacingRecord(): PacingRecord {
    return this.#clock.pacingRecord();
  }

  get portsInUse(): number {
    return this.#allocator.inUse;
  }

  /** Stops the clock (every pipeline has closed). */
  close(): void {
    this.#clock.close();
  }
}
