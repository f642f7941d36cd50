/**
 * The MediaPipeline seam (DESIGN.md): each call owns at most one pipeline, created the first time a step needs
 * media. `RtpSession` (plain RTP/AVP, G.711) and `WebRtcBridge` (ICE + DTLS-SRTP) implement it; the engine talks to
 * media only through this interface (and RtpPipeline / BridgePipeline below, what each kind adds), and opens one
 * only through create-pipeline.ts. A feature one kind lacks throws UnsupportedOnPipelineError — never a no-op.
 */
import { SipwrightError } from "../shared/errors.js";
import type { TypedEmitter } from "../shared/typed-emitter.js";
import type { PcapRtpStream } from "./pcap/read-pcap.js";
import type { IceFragmentInfo, WebRtcBridgeEvents, WebRtcStats } from "./webrtc/webrtc-types.js";

export const PIPELINE_KINDS = ["rtp", "webrtc"] as const;
export type PipelineKind = (typeof PIPELINE_KINDS)[number];

export const G711_CODECS = ["PCMU", "PCMA"] as const;
export type G711Codec = (typeof G711_CODECS)[number];

/** Static payload types of RFC 3551. */
export const G711_PAYLOAD_TYPE: Readonly<Record<G711Codec, number>> = { PCMU: 0, PCMA: 8 };

/**
 * What to send. Every source produces 8 kHz 16-bit mono PCM in 20 ms frames (160 samples). `codec` (tone, silence,
 * wav): send with this codec and its static payload type instead of the negotiated one (SIPp behaviour: rtp_stream
 * sends with the payload type the action names, whatever the SDP says).
 */
export type SourceSpec =
  | {
      readonly kind: "tone";
      readonly frequencyHz: number;
      readonly levelDbfs: number;
      readonly codec?: G711Codec;
    }
  | { readonly kind: "silence"; readonly codec?: G711Codec }
  /**
   * 8 kHz mono WAV: 16-bit PCM, A-law or µ-law. `loops`: how many times; -1 = forever. `pcm`: the file's samples
   * already decoded (the scenario loader reads a file once for all calls; it may also be a raw G.711 file); when
   * absent, `path` is read as a WAV file when the source starts. `pcm` is shared: never modified.
   */
  | {
      readonly kind: "wav";
      readonly path: string;
      readonly loops: number;
      readonly pcm?: Int16Array;
      readonly codec?: G711Codec;
    }
  /**
   * Replay of the RTP payloads of a capture with the capture's timing (SIPp play_pcap_audio). `stream`: the capture
   * already parsed (read once for all calls); when absent, `path` is read when the source starts.
   */
  | { readonly kind: "pcap"; readonly path: string; readonly stream?: PcapRtpStream }
  /** Send back what arrives. */
  | { readonly kind: "echo" };

export type SourceControl = "pause" | "resume" | "stop";

/** Which audio a recording or a check looks at. */
export type AudioDirection = "sent" | "received";

export type RecordingSpec =
  /** One mono file per direction. */
  | { readonly layout: "per-direction"; readonly directory: string; readonly baseName: string }
  /** One stereo file: left = sent, right = received. */
  | { readonly layout: "stereo"; readonly directory: string; readonly baseName: string }
  /** Both of the above from the same frames (`--record --record-stereo`): three files. */
  | { readonly layout: "both"; readonly directory: string; readonly baseName: string };

export type AudioCheckSpec =
  | {
      readonly kind: "tone";
      readonly direction: AudioDirection;
      readonly frequencyHz: number;
      /** Relative tolerance, e.g. 0.02 for ±2 %. */
      readonly tolerance: number;
      /** Share of the analysed 20 ms frames that must carry the tone (0..1). */
      readonly minShare: number;
      /** Minimum level of those frames, dBFS. */
      readonly minLevelDbfs: number;
    }
  | { readonly kind: "silence-gap"; readonly direction: AudioDirection; readonly maxGapMs: number }
  /** Audio present in both directions (one-way audio detection). */
  | { readonly kind: "two-way"; readonly minLevelDbfs: number; readonly minShare: number }
  /** -rtpcheck-like: at least this many packets per direction. */
  | { readonly kind: "packets"; readonly minPacketsPerDirection: number };

export interface AudioCheckResult {
  readonly kind: AudioCheckSpec["kind"];
  readonly passed: boolean;
  /** What was measured (frequency found, share of frames, longest gap, packets...), for the call record. */
  readonly measured: Readonly<Record<string, number>>;
  readonly reason: string;
  /**
   * Set when the check failed because the WebRTC connection was not up when it ran: the call fails as the
   * connection's failure (ice_failed / dtls_failed), not as audio_check_failed.
   */
  readonly connectionFailure?: { readonly failure: "ice_failed" | "dtls_failed"; readonly reason: string };
}

/** One direction of an RTP stream. */
export interface StreamStats {
  readonly packets: number;
  readonly octets: number;
  /** Packets missing by sequence-number gaps (received direction only; 0 when sent). */
  readonly lost: number;
  /** RFC 3550 A.8 interarrival jitter, ms (received direction only). */
  readonly jitterMs: number;
  /** Largest gap between two received packets, ms. */
  readonly maxGapMs: number;
}

export interface MediaStats {
  readonly kind: PipelineKind;
  readonly codec: G711Codec | undefined;
  readonly payloadType: number | undefined;
  readonly local: { readonly address: string; readonly port: number } | undefined;
  readonly remote: { readonly address: string; readonly port: number } | undefined;
  readonly sent: StreamStats;
  readonly received: StreamStats;
  readonly dtmfSent: string;
  readonly dtmfReceived: string;
  readonly recordings: readonly string[];
  /** Files of `recordings` that could not be finalised (a write failed), once the pipeline has closed. */
  readonly incompleteRecordings?: readonly IncompleteRecording[];
  readonly audioChecks: readonly AudioCheckResult[];
}

/** A WAV file that could not be finalised: its header may not cover what was written, or writing stopped early. */
export interface IncompleteRecording {
  readonly path: string;
  readonly reason: string;
}

export interface MediaPipeline {
  readonly kind: PipelineKind;
  /** SDP body for an offer. */
  createOffer(): Promise<string>;
  createAnswer(remoteOffer: string): Promise<string>;
  acceptAnswer(remoteAnswer: string): Promise<void>;
  /** re-INVITE SDP, trickle INFO, candidate-only SDP. */
  applyRemoteUpdate(body: string, contentType: string): Promise<void>;
  startSource(spec: SourceSpec): void;
  controlSource(control: SourceControl): void;
  /** RFC 4733 telephone events. */
  sendDtmf(digits: string, durationMs?: number): Promise<void>;
  startRecording(spec: RecordingSpec): void;
  /**
   * Synchronous in this thread; a promise from a pipeline on a media worker (worker/media-worker-pool.ts), which
   * judges the audio as of the wall-clock time it was asked (`asOfWallMs`), however late the worker answers.
   */
  checkAudio(spec: AudioCheckSpec, asOfWallMs?: number): AudioCheckResult | Promise<AudioCheckResult>;
  stats(): MediaStats;
  /** Idempotent; finalises recordings. */
  close(): Promise<void>;
}

/** A plain RTP/AVP G.711 leg (RtpSession): what the engine needs beyond MediaPipeline. */
export interface RtpPipeline extends MediaPipeline {
  readonly kind: "rtp";
  /** The RTP port our SDP names. */
  readonly localPort: number;
  /** The peer's offer or answer, with G.711 chosen in `preference` order; SdpUnusableError when it cannot be used. */
  applyPeerSdp(body: string, preference?: readonly G711Codec[]): void;
  /** `fallbackPayloadType`: the telephone-event payload type when the peer's SDP gives none (SIPp's play_dtmf). */
  sendDtmf(digits: string, durationMs?: number, fallbackPayloadType?: number): Promise<void>;
  /** BYE sent or received: nothing more is sent (RTP, RTCP after its BYE); receiving goes on. */
  hangUp(): void;
}

/** A WebRTC bridge (WebRtcBridge; tests may fake it): what the engine needs beyond MediaPipeline. */
export interface BridgePipeline extends MediaPipeline {
  readonly kind: "webrtc";
  readonly events: TypedEmitter<WebRtcBridgeEvents>;
  iceFragmentInfo(): IceFragmentInfo | undefined;
  webrtcStats(): WebRtcStats;
  /**
   * Once closed: the WebRTC state taken just before closing, when the bridge took it (one on a media worker, whose
   * webrtcStats() before close() may be up to a second old); undefined otherwise.
   */
  webrtcAtClose?(): WebRtcStats | undefined;
  /**
   * The call is over: nothing more is sent, for good (a bridge on a media worker stops at its next tick, however
   * busy). Without it, the engine stops the bridge's source.
   */
  hangUp?(): void;
}

export class UnsupportedOnPipelineError extends SipwrightError {
  readonly feature: string;
  readonly pipeline: PipelineKind;
  constructor(feature: string, pipeline: PipelineKind) {
    super("UNSUPPORTED", `${feature} is not supported on a ${pipeline} pipeline`);
    this.feature = feature;
    this.pipeline = pipeline;
  }
}
