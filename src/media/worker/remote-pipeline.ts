/**
 * A call's pipeline that lives on a media worker, as the engine sees it: the MediaPipeline interface as messages.
 * - Methods that answer (offers, answers, DTMF, audio checks, close) are requests; the promise settles with the
 *   worker's reply.
 * - Methods that answer nothing (sources, recordings, the peer's SDP, hang-up) are notices; what fails there
 *   reaches the call through `onFailure`. The peer's SDP is also read here first, so that an unusable SDP throws
 *   SdpUnusableError at once, as it does in this thread.
 * - stats(), webrtcStats() and iceFragmentInfo() answer from the state the worker sent last (with every reply, every
 *   bridge event and every second).
 * When the worker dies, every request still open rejects, the call hears `onFailure` with the reason, and close()
 * resolves with the last state, the recordings named incomplete (their WAV headers finalised here). A recording
 * asked for counts as soon as its file is on disk, even if no state naming it came before the worker died.
 */
import { existsSync } from "node:fs";
import { systemClock } from "../../shared/clock.js";
import { SipwrightError } from "../../shared/errors.js";
import { ClosedError } from "../../shared/errors.js";
import { TypedEmitter } from "../../shared/typed-emitter.js";
import type { AudioCheckResult, AudioCheckSpec, BridgePipeline, G711Codec, MediaStats } from "../media-pipeline.js";
import type { RecordingSpec, RtpPipeline, SourceControl, SourceSpec } from "../media-pipeline.js";
import { recordingPaths } from "../audio/call-recorder.js";
import { remoteMediaFromSdp } from "../rtp/remote-media.js";
import { finaliseWavHeader } from "./finalise-wav.js";
import type { IceFragmentInfo, WebRtcBridgeEvents, WebRtcStats } from "../webrtc/webrtc-types.js";
import type {
  BridgeEventMessage,
  ClosedValue,
  PipelineNotice,
  PipelineRequest,
  PipelineState,
} from "./worker-protocol.js";

/** How a proxy reaches its worker (the pool's WorkerSlot). */
export interface WorkerLink {
  readonly index: number;
  request(pipeline: number, call: PipelineRequest): Promise<{ value: unknown; state?: PipelineState }>;
  notice(pipeline: number, notice: PipelineNotice): void;
  /** The proxy is closed: the worker holds one pipeline fewer. */
  released(pipeline: number): void;
  /** The call hung up: the worker stops sending at its next tick (worker-protocol.ts HANG_UP). */
  flagHangUp(pipeline: number): void;
}

export interface RemotePipelineOptions {
  readonly id: number;
  readonly link: WorkerLink;
  readonly state: PipelineState;
  /** A failure outside any request (a notice that failed in the worker, the worker's death). */
  readonly onFailure: ((reason: string) => void) | undefined;
}

abstract class RemotePipeline {
  readonly #id: number;
  readonly #link: WorkerLink;
  readonly #onFailure: ((reason: string) => void) | undefined;
  #state: PipelineState;
  #closing: Promise<void> | undefined;
  #closed = false;
  /** Why the worker is gone, once it is. */
  #lost: string | undefined;
  /** The files of the recording asked for (the worker creates them when the notice reaches it). */
  #askedRecordings: readonly string[] = [];

  constructor(options: RemotePipelineOptions) {
    this.#id = options.id;
    this.#link = options.link;
    this.#state = options.state;
    this.#onFailure = options.onFailure;
  }

  protected get state(): PipelineState {
    return this.#state;
  }

  /** The worker sent the pipeline's state. */
  update(state: PipelineState): void {
    if (!this.#closed) this.#state = state;
  }

  /** A notice failed in the worker. */
  failed(reason: string): void {
    if (!this.#closed) this.#onFailure?.(reason);
  }

  /**
   * The recordings the worker has written: those its last state named, and those asked for whose file it had
   * created before it died (a state naming them may not have come).
   */
  recordingsOnDisk(): readonly string[] {
    const named = this.#state.stats.recordings;
    const created = this.#askedRecordings.filter((path) => !named.includes(path) && existsSync(path));
    return created.length === 0 ? named : [...named, ...created];
  }

  /**
   * The worker died: the call fails with `reason`; its recordings are what the worker had written, their WAV headers
   * set to what is on disk first, so that a record written on the failure names files that play.
   */
  lost(reason: string): void {
    if (this.#lost !== undefined) return;
    this.#lost = reason;
    const recordings = this.recordingsOnDisk();
    for (const path of recordings) finaliseWavHeader(path);
    this.#state = {
      ...this.#state,
      stats: {
        ...this.#state.stats,
        recordings,
        incompleteRecordings: recordings.map((path) => ({ path, reason })),
      },
    };
    if (!this.#closed) this.#onFailure?.(reason);
  }

  stats(): MediaStats {
    return this.#state.stats;
  }

  protected async request(call: PipelineRequest): Promise<unknown> {
    if (this.#lost !== undefined) throw new SipwrightError("MEDIA", this.#lost);
    // The slot gives the reply's state to update() before this resolves.
    const { value } = await this.#link.request(this.#id, call);
    return value;
  }

  protected notice(notice: PipelineNotice): void {
    if (this.#closed) throw new ClosedError(`pipeline on media worker ${this.#link.index}`);
    if (this.#lost !== undefined) throw new SipwrightError("MEDIA", this.#lost);
    this.#link.notice(this.#id, notice);
  }

  async createOffer(): Promise<string> {
    return (await this.request({ op: "createOffer" })) as string;
  }

  async createAnswer(remoteOffer: string): Promise<string> {
    return (await this.request({ op: "createAnswer", remoteOffer })) as string;
  }

  async acceptAnswer(remoteAnswer: string): Promise<void> {
    await this.request({ op: "acceptAnswer", remoteAnswer });
  }

  async applyRemoteUpdate(body: string, contentType: string): Promise<void> {
    await this.request({ op: "applyRemoteUpdate", body, contentType });
  }

  startSource(spec: SourceSpec): void {
    this.notice({ op: "startSource", spec: sharedSource(spec) });
  }

  controlSource(control: SourceControl): void {
    this.notice({ op: "controlSource", control });
  }

  startRecording(spec: RecordingSpec): void {
    this.notice({ op: "startRecording", spec });
    this.#askedRecordings = recordingPaths(spec);
  }

  /** The call is over (a BYE sent or received): nothing more is sent, from the worker's next tick on. */
  hangUp(): void {
    if (this.#closed || this.#lost !== undefined) return;
    this.#link.flagHangUp(this.#id);
    this.#link.notice(this.#id, { op: "hangUp" });
  }

  async checkAudio(spec: AudioCheckSpec): Promise<AudioCheckResult> {
    return (await this.request({ op: "checkAudio", spec, asOfWallMs: systemClock.wallNow() })) as AudioCheckResult;
  }

  /** Idempotent; finalises recordings in the worker (or, when it died, resolves with what is known). */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    try {
      if (this.#lost !== undefined) return;
      const value = (await this.request({ op: "close" })) as ClosedValue;
      this.closedWith(value);
    } catch (error) {
      // The worker died while closing: the state says so (lost()); there is nothing more to finalise here.
      if (this.#lost === undefined) throw error;
    } finally {
      this.#closed = true;
      this.#link.released(this.#id);
    }
  }

  /** What the worker's close answered (a bridge keeps its WebRTC state as the call left it). */
  protected closedWith(_value: ClosedValue): void {
    // Plain RTP keeps nothing of it.
  }
}

export class RemoteRtpPipeline extends RemotePipeline implements RtpPipeline {
  readonly kind = "rtp" as const;
  readonly localPort: number;
  readonly #codecs: readonly G711Codec[];

  constructor(options: RemotePipelineOptions & { readonly localPort: number; readonly codecs: readonly G711Codec[] }) {
    super(options);
    this.localPort = options.localPort;
    this.#codecs = options.codecs;
  }

  applyPeerSdp(body: string, preference?: readonly G711Codec[]): void {
    // Read here too: an unusable SDP throws SdpUnusableError now, as the session in this thread would.
    remoteMediaFromSdp(body, preference ?? this.#codecs);
    this.notice({ op: "applyPeerSdp", body, preference });
  }

  async sendDtmf(digits: string, durationMs?: number, fallbackPayloadType?: number): Promise<void> {
    await this.request({ op: "sendDtmf", digits, durationMs, fallbackPayloadType });
  }
}

export class RemoteBridgePipeline extends RemotePipeline implements BridgePipeline {
  readonly kind = "webrtc" as const;
  readonly events = new TypedEmitter<WebRtcBridgeEvents>();
  /** The WebRTC state as the call left it, once closed. */
  #atClose: WebRtcStats | undefined;

  /** A bridge event in the worker, in the order it happened. */
  emit(event: BridgeEventMessage): void {
    (this.events.emit as (name: string, payload: unknown) => void)(event.name, event.payload);
  }

  async sendDtmf(digits: string, durationMs?: number): Promise<void> {
    await this.request({ op: "sendDtmf", digits, durationMs, fallbackPayloadType: undefined });
  }

  iceFragmentInfo(): IceFragmentInfo | undefined {
    return this.state.ice;
  }

  webrtcStats(): WebRtcStats {
    const stats = this.state.webrtc;
    if (stats === undefined) throw new Error("a bridge's state always carries its WebRTC stats");
    return stats;
  }

  webrtcAtClose(): WebRtcStats | undefined {
    return this.#atClose;
  }

  protected override closedWith(value: ClosedValue): void {
    this.#atClose = value.webrtcAtClose;
  }
}

/**
 * A WAV source's samples, decoded once for every call of the run, go to the worker in shared memory instead of a
 * copy per call.
 */
const sharedPcm = new WeakMap<Int16Array, Int16Array>();

function sharedSource(spec: SourceSpec): SourceSpec {
  if (spec.kind !== "wav" || spec.pcm === undefined || spec.pcm.buffer instanceof SharedArrayBuffer) return spec;
  let shared = sharedPcm.get(spec.pcm);
  if (shared === undefined) {
    shared = new Int16Array(new SharedArrayBuffer(spec.pcm.byteLength));
    shared.set(spec.pcm);
    sharedPcm.set(spec.pcm, shared);
  }
  return { ...spec, pcm: shared };
}
