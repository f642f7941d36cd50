/**
 * One call's media: its MediaPipeline — a plain RtpSession, or a WebRTC bridge in a WebRTC run — opened the first
 * time a step needs it and closed (once) when the call ends, whatever the outcome. It is what media actions drive
 * (CallMediaControl) and what the step executor feeds with SDP.
 *
 * Plain RTP: a SIPp-style scenario writes its own SDP with `[media_ip]`/`[media_port]`. The SDP the scenario sent
 * orders our codec preference; the peer's SDP from every received message that carries one (unless the recv says
 * `ignoresdp`) sets where and how we send.
 * WebRTC: the bridge writes the SDP (`[webrtc_offer]`, `[webrtc_answer]`); see webrtc-signalling.ts.
 */
import type { FailureClass } from "../../shared/failure.js";
import type { Logger } from "../../shared/logger.js";
import { G711_CODECS, type AudioCheckResult, type AudioCheckSpec, type G711Codec } from "../../media/media-pipeline.js";
import type { IncompleteRecording, MediaPipeline, MediaStats, RecordingSpec } from "../../media/media-pipeline.js";
import type { SourceControl, SourceSpec } from "../../media/media-pipeline.js";
import { SipwrightError } from "../../shared/errors.js";
import { parseSdp, SdpUnusableError, type LocalCandidate, type WebRtcStats } from "../../media/create-pipeline.js";
import type { CallMediaControl } from "../../scenario/runtime.js";
import { CallMediaError } from "./call-media-error.js";
import type { OpenedPipeline, RunMedia } from "./run-media.js";
import { WebRtcSignalling, type WebRtcSdpKeyword } from "./webrtc-signalling.js";

export { CallMediaError };

export interface CallMediaOptions {
  readonly run: RunMedia;
  readonly callNumber: number;
  readonly callId: string;
  readonly logger: () => Logger;
  /** A failure that happens outside a step (DTMF, ICE, DTLS, an answer applied in the background). */
  readonly onFailure: (failure: FailureClass, reason: string) => void;
  /** WebRTC: a local candidate to trickle, or undefined once gathering is complete. */
  readonly onLocalCandidate?: (candidate: LocalCandidate | undefined) => void;
}

/** The final state of a closed pipeline, for the call record. */
export interface ClosedMedia {
  readonly stats: MediaStats;
  readonly webrtc: WebRtcStats | undefined;
}

type State =
  | { readonly kind: "idle" }
  | { readonly kind: "opening"; readonly opened: Promise<void> }
  | { readonly kind: "open"; readonly pipeline: OpenedPipeline }
  | { readonly kind: "failed"; readonly error: CallMediaError }
  | { readonly kind: "closed" };

const NO_KEYWORDS: ReadonlySet<WebRtcSdpKeyword> = new Set();

export class CallMedia implements CallMediaControl {
  readonly #options: CallMediaOptions;
  #state: State = { kind: "idle" };
  /** The pipeline, kept after close for its final stats. */
  #pipeline: OpenedPipeline | undefined;
  #webrtc: WebRtcSignalling | undefined;
  #closing: Promise<ClosedMedia | undefined> | undefined;
  /** The latest SDP from the peer, applied when the pipeline opens (and, plain RTP, when our own SDP changes). */
  #peerSdp: string | undefined;
  /** The G.711 codecs of the SDP the scenario sent, in its order; undefined until it sent one with G.711. */
  #localCodecs: readonly G711Codec[] | undefined;
  /** The layout of the call's recording, once started. */
  #recording: RecordingSpec["layout"] | undefined;

  constructor(options: CallMediaOptions) {
    this.#options = options;
  }

  get isWebRtc(): boolean {
    return this.#options.run.options.kind === "webrtc";
  }

  get ready(): boolean {
    return this.#state.kind === "open";
  }

  /** True when the pipeline is open and the WebRTC SDPs these keywords render are ready. */
  readyFor(keywords: ReadonlySet<WebRtcSdpKeyword>): boolean {
    if (this.#state.kind !== "open") return false;
    return keywords.size === 0 || (this.#webrtc?.readyFor(keywords) ?? true);
  }

  /** Our RTP port, once a plain RTP session is open. */
  get port(): number | undefined {
    const state = this.#state;
    return state.kind === "open" && state.pipeline.kind === "rtp" ? state.pipeline.pipeline.localPort : undefined;
  }

  /** WebRTC: the signalling state (offers, answers, candidates), once the bridge is open. */
  get webrtc(): WebRtcSignalling | undefined {
    return this.#webrtc;
  }

  /**
   * Opens the pipeline (once) and prepares the WebRTC SDPs the keywords need: binds ports or creates the bridge,
   * applies the peer's SDP already received, starts -rtp_echo and --record. Rejects with a CallMediaError.
   */
  async prepare(keywords: ReadonlySet<WebRtcSdpKeyword> = NO_KEYWORDS): Promise<void> {
    await this.#openOnce();
    if (keywords.size > 0) {
      const signalling = this.#webrtc;
      if (signalling === undefined) {
        throw new CallMediaError("scenario_error", `[${[...keywords].join("], [")}] need a WebRTC run (--webrtc)`);
      }
      await signalling.prepare(keywords);
    }
  }

  #openOnce(): Promise<void> {
    switch (this.#state.kind) {
      case "open":
        return Promise.resolve();
      case "opening":
        return this.#state.opened;
      case "failed":
        return Promise.reject(this.#state.error);
      case "closed":
        return Promise.reject(new CallMediaError("media_error", "the call's media is closed"));
      case "idle": {
        const opened = this.#open();
        this.#state = { kind: "opening", opened };
        return opened;
      }
    }
  }

  async #open(): Promise<void> {
    const run = this.#options.run;
    let pipeline: OpenedPipeline;
    try {
      pipeline = await run.openPipeline({ onFailure: this.#lostMedia });
    } catch (error) {
      const failed =
        error instanceof CallMediaError
          ? error
          : new CallMediaError("media_error", `cannot open the call's media: ${message(error)}`, { cause: error });
      if (this.#state.kind === "opening") this.#state = { kind: "failed", error: failed };
      throw failed;
    }
    this.#pipeline = pipeline;
    if (this.#state.kind === "closed") {
      // The call ended while the pipeline was opening.
      await pipeline.pipeline.close();
      throw new CallMediaError("media_error", "the call ended while its media was opening");
    }
    this.#state = { kind: "open", pipeline };
    try {
      if (pipeline.kind === "webrtc") this.#attachBridge(pipeline);
      if (this.#peerSdp !== undefined) this.#applyPeerSdp(pipeline, this.#peerSdp);
      if (run.options.echo) pipeline.pipeline.startSource({ kind: "echo" });
      if (run.options.record !== undefined) this.startRecording(run.options.record);
    } catch (error) {
      const failed = error instanceof CallMediaError ? error : asMediaError(error);
      this.#state = { kind: "failed", error: failed };
      throw failed;
    }
  }

  #attachBridge(opened: Extract<OpenedPipeline, { kind: "webrtc" }>): void {
    const signalling = new WebRtcSignalling(opened.pipeline);
    this.#webrtc = signalling;
    const events = opened.pipeline.events;
    events.on("localCandidate", (candidate) => this.#options.onLocalCandidate?.(candidate));
    events.on("gatheringComplete", () => this.#options.onLocalCandidate?.(undefined));
    events.on("failed", ({ failure, reason }) => {
      if (this.#state.kind === "open") this.#options.onFailure(failure, reason);
    });
  }

  /** The peer's SDP (a received message's body). Throws CallMediaError(sdp_incompatible) when it is unusable. */
  peerSdp(body: string): void {
    this.#peerSdp = body;
    if (this.#state.kind === "open") this.#applyPeerSdp(this.#state.pipeline, body);
  }

  /** WebRTC: a trickle INFO's sdpfrag from the peer. */
  trickleFragment(body: string, contentType: string): void {
    this.#webrtc?.remoteCandidates(body, contentType, this.#backgroundFailure);
  }

  /** Plain RTP: the SDP the scenario sent — its G.711 codecs become our preference, the peer's SDP is re-applied. */
  localSdp(body: string): void {
    if (this.isWebRtc) return;
    const parsed = parseSdp(body);
    if (!parsed.ok) return;
    const codecs: G711Codec[] = [];
    for (const p of parsed.sdp.audio?.payloadTypes ?? []) {
      const name = p.encoding?.toUpperCase();
      const codec = G711_CODECS.find((c) => c === name);
      if (codec !== undefined && !codecs.includes(codec)) codecs.push(codec);
    }
    if (codecs.length === 0) return;
    this.#localCodecs = codecs;
    if (this.#state.kind === "open" && this.#peerSdp !== undefined) {
      this.#applyPeerSdp(this.#state.pipeline, this.#peerSdp);
    }
  }

  #applyPeerSdp(opened: OpenedPipeline, body: string): void {
    if (opened.kind === "webrtc") {
      this.#webrtc?.peerSdp(body, this.#backgroundFailure);
      return;
    }
    try {
      // What we send must be a codec the peer's SDP lists; ours only orders the choice (a SIPp-style scenario
      // may answer PCMU to a PCMA-only offer: we still send PCMA rather than nothing).
      const runCodecs = this.#options.run.options.codecs;
      const local = this.#localCodecs ?? [];
      opened.pipeline.applyPeerSdp(body, [...local, ...runCodecs.filter((c) => !local.includes(c))]);
    } catch (error) {
      if (error instanceof SdpUnusableError) {
        throw new CallMediaError("sdp_incompatible", `the peer's SDP: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  /** The pipeline failed on its own (its media worker died, a source it was told to play failed there). */
  readonly #lostMedia = (reason: string): void => {
    if (this.#state.kind === "open") this.#options.onFailure("media_error", reason);
  };

  readonly #backgroundFailure = (error: CallMediaError): void => {
    if (this.#state.kind === "open") this.#options.onFailure(error.failure, error.message);
  };

  /**
   * A BYE was sent or received: RFC 3261 15 — the session is over, nothing more is sent (RTP, and on plain RTP
   * RTCP too, after its BYE: the peer's ports may be closed already, during our timewait); receiving goes on.
   */
  hangUp(): void {
    if (this.#state.kind !== "open") return;
    const opened = this.#state.pipeline;
    if (opened.kind === "rtp") opened.pipeline.hangUp();
    else if (opened.pipeline.hangUp !== undefined) opened.pipeline.hangUp();
    else opened.pipeline.controlSource("stop");
  }

  // CallMediaControl -----------------------------------------------------------------------------------------------

  startSource(spec: SourceSpec): void {
    this.#open_().startSource(spec);
  }

  controlSource(control: SourceControl): void {
    this.#open_().controlSource(control);
  }

  sendDtmf(digits: string, durationMs: number, fallbackPayloadType: number | undefined): void {
    const opened = this.#state.kind === "open" ? this.#state.pipeline : undefined;
    const pipeline = this.#open_();
    const sending =
      opened?.kind === "rtp"
        ? opened.pipeline.sendDtmf(digits, durationMs, fallbackPayloadType)
        : pipeline.sendDtmf(digits, durationMs);
    sending.catch((error: unknown) => {
      // The pipeline closing with the call rejects the digits still queued: the call is over, nothing to report.
      if (this.#state.kind !== "open") return;
      this.#options.onFailure("media_error", `DTMF "${digits}" could not be sent: ${message(error)}`);
    });
  }

  startRecording(layout: RecordingSpec["layout"]): void {
    const pipeline = this.#open_();
    // --record and the scenario's rtp_record asking for the same recording: the call has it already ("both" holds
    // the per-direction and the stereo files).
    if (this.#recording === layout || this.#recording === "both") return;
    const { run, callNumber, callId } = this.#options;
    pipeline.startRecording(run.recordingSpec(layout, callNumber, callId));
    this.#recording = layout;
  }

  checkAudio(spec: AudioCheckSpec): AudioCheckResult | Promise<AudioCheckResult> {
    return this.#open_().checkAudio(spec);
  }

  /** Closes the pipeline once (recordings finalised) and gives its final state; undefined when none was opened. */
  close(): Promise<ClosedMedia | undefined> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<ClosedMedia | undefined> {
    const state = this.#state;
    this.#state = { kind: "closed" };
    if (state.kind === "opening") {
      // #open() closes the pipeline it was opening; wait for it so the ports are free when the run ends.
      await state.opened.catch(() => undefined);
    }
    const opened = this.#pipeline;
    if (opened === undefined) return undefined;
    // The WebRTC states as the call left them (ICE connected, the selected pair), not as closing leaves them.
    const webrtcBefore = opened.kind === "webrtc" ? opened.pipeline.webrtcStats() : undefined;
    const before = opened.pipeline.stats();
    let closeError: unknown;
    try {
      await opened.pipeline.close();
    } catch (error) {
      // The call is over: a recording that could not be finalised goes into the call record (below) and the
      // summary's media totals, and the stats are still recorded.
      closeError = error;
      this.#options.logger().warn(`closing the call's media: ${message(error)}`);
    }
    // Counters are final after close; the endpoints are those of the open connection.
    const after = opened.pipeline.stats();
    const webrtc = opened.kind === "webrtc" ? (opened.pipeline.webrtcAtClose?.() ?? webrtcBefore) : undefined;
    const incompleteRecordings = incompleteAfterClose(after, closeError);
    return {
      stats: {
        ...after,
        local: after.local ?? before.local,
        remote: after.remote ?? before.remote,
        incompleteRecordings,
      },
      webrtc,
    };
  }

  #open_(): MediaPipeline {
    const state = this.#state;
    if (state.kind === "open") return state.pipeline.pipeline;
    if (state.kind === "failed") throw state.error;
    throw new CallMediaError("media_error", `the call's media is ${state.kind === "closed" ? "closed" : "not open"}`);
  }
}

/**
 * The recordings a close left unfinished: those the pipeline names, or — when it names none but its close failed
 * writing a file (FILE_ERROR) — all of them, with that error: a WAV whose finalisation failed is not complete.
 */
function incompleteAfterClose(stats: MediaStats, closeError: unknown): readonly IncompleteRecording[] {
  const named = stats.incompleteRecordings ?? [];
  if (named.length > 0 || closeError === undefined) return named;
  if (!(closeError instanceof SipwrightError) || closeError.code !== "FILE_ERROR") return [];
  return stats.recordings.map((path) => ({ path, reason: closeError.message }));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function asMediaError(error: unknown): CallMediaError {
  return new CallMediaError("media_error", message(error), { cause: error });
}
