/**
 * The messages between the engine's thread and a media worker (media-worker.ts): plain data only, so that
 * structured clone carries them. Every pipeline has a number given by the pool; a request has a number its reply
 * repeats. A worker answers requests in the order it finishes them and sends events and state pushes as they happen,
 * all on one port, so what a pipeline reports reaches the engine in the order it happened.
 */
import type { AudioCheckSpec, G711Codec, MediaStats, RecordingSpec, SourceControl } from "../media-pipeline.js";
import type { SourceSpec } from "../media-pipeline.js";
import type { PacingRecord } from "../rtp/media-clock.js";
import type { BridgeSettings } from "../thread-media.js";
import type { IceFragmentInfo, WebRtcBridgeEvents, WebRtcStats } from "../webrtc/webrtc-types.js";

/** What a worker is started with (workerData). */
export interface WorkerInit {
  readonly index: number;
  readonly mediaIp: string;
  readonly minPort: number;
  readonly maxPort: number;
  readonly codecs: readonly G711Codec[];
  readonly analyze: boolean;
  /** The run's RTP port claims, shared by every worker (port-allocator.ts sharedPortClaims). */
  readonly claims: SharedArrayBuffer;
  /** This worker's hang-up flags (HANG_UP_SLOTS Int32 slots): see HANG_UP. */
  readonly hangUps: SharedArrayBuffer;
}

/**
 * A call's hang-up crosses to its worker through shared memory as well as a notice: the engine stores HANG_UP in the
 * pipeline's slot, and the worker looks at the slots of its pipelines at every media tick before anything is sent,
 * so no RTP leaves after the BYE however many messages the worker has queued.
 */
export const HANG_UP = 1;
export const HANG_UP_SLOTS = 16_384;

/** A pipeline method that answers (a promise in the engine). */
export type PipelineRequest =
  | { readonly op: "createOffer" }
  | { readonly op: "createAnswer"; readonly remoteOffer: string }
  | { readonly op: "acceptAnswer"; readonly remoteAnswer: string }
  | { readonly op: "applyRemoteUpdate"; readonly body: string; readonly contentType: string }
  | {
      readonly op: "sendDtmf";
      readonly digits: string;
      readonly durationMs: number | undefined;
      readonly fallbackPayloadType: number | undefined;
    }
  /** `asOfWallMs`: when the engine asked (epoch ms): the audio is judged as it was then. */
  | { readonly op: "checkAudio"; readonly spec: AudioCheckSpec; readonly asOfWallMs: number }
  | { readonly op: "close" };

/** A pipeline method that answers nothing; a failure comes back as a `failure` message. */
export type PipelineNotice =
  | { readonly op: "startSource"; readonly spec: SourceSpec }
  | { readonly op: "controlSource"; readonly control: SourceControl }
  | { readonly op: "startRecording"; readonly spec: RecordingSpec }
  | { readonly op: "applyPeerSdp"; readonly body: string; readonly preference: readonly G711Codec[] | undefined }
  | { readonly op: "hangUp" };

export type ToWorker =
  /** `flag`: the pipeline's slot among the hang-up flags, -1 when every slot is taken (the notice alone then). */
  | {
      readonly type: "open";
      readonly request: number;
      readonly pipeline: number;
      readonly flag: number;
      readonly kind: "rtp";
    }
  | {
      readonly type: "open";
      readonly request: number;
      readonly pipeline: number;
      readonly flag: number;
      readonly kind: "webrtc";
      readonly settings: BridgeSettings;
    }
  | { readonly type: "request"; readonly request: number; readonly pipeline: number; readonly call: PipelineRequest }
  | { readonly type: "notice"; readonly pipeline: number; readonly notice: PipelineNotice }
  /** Close the clock and send the final pacing record: every pipeline has closed. */
  | { readonly type: "shutdown" };

/** What the engine keeps of a pipeline between calls to it, so that stats() and the like answer at once. */
export interface PipelineState {
  readonly stats: MediaStats;
  readonly webrtc?: WebRtcStats;
  readonly ice?: IceFragmentInfo;
}

/** An error thrown in the worker, rebuilt in the engine's thread as the same class (error-wire.ts). */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly missing?: readonly string[];
  readonly feature?: string;
}

export type BridgeEventMessage = {
  [K in keyof WebRtcBridgeEvents]: { readonly name: K; readonly payload: WebRtcBridgeEvents[K] };
}[keyof WebRtcBridgeEvents];

export type FromWorker =
  | {
      readonly type: "reply";
      readonly request: number;
      readonly ok: true;
      readonly value: unknown;
      readonly state?: PipelineState;
    }
  | {
      readonly type: "reply";
      readonly request: number;
      readonly ok: false;
      readonly error: WireError;
      readonly state?: PipelineState;
    }
  | { readonly type: "event"; readonly pipeline: number; readonly event: BridgeEventMessage }
  | { readonly type: "state"; readonly pipeline: number; readonly state: PipelineState }
  | { readonly type: "failure"; readonly pipeline: number; readonly reason: string }
  /** The worker clock's pacing, every second and once more (final) after shutdown. */
  | { readonly type: "pacing"; readonly record: PacingRecord; readonly final: boolean };

/** What an `open` answers. */
export interface OpenedValue {
  readonly localPort: number | undefined;
}

/** What a `close` answers: the WebRTC state as the call left it, taken just before the bridge closed. */
export interface ClosedValue {
  readonly webrtcAtClose: WebRtcStats | undefined;
}
