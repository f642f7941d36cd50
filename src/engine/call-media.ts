/**
 * One call's media: its MediaPipeline, opened the first time a step needs it and closed (once) when the call ends,
 * whatever the outcome. It is what media actions drive (CallMediaControl) and what the step executor feeds with
 * SDP: the SDP the scenario sent (whose G.711 codecs, in order, are our preference — a SIPp-style scenario writes
 * its own SDP with `[media_ip]`/`[media_port]`) and the peer's SDP from every received message that carries one
 * (unless the recv says `ignoresdp`), which sets where and how we send.
 */
import { SipwrightError } from "../shared/errors.js";
import type { FailureClass } from "../shared/failure.js";
import type { Logger } from "../shared/logger.js";
import { G711_CODECS, type AudioCheckResult, type AudioCheckSpec, type G711Codec } from "../media/media-pipeline.js";
import type { MediaStats, RecordingSpec, SourceControl, SourceSpec } from "../media/media-pipeline.js";
import { MediaNegotiationError } from "../media/rtp/remote-media.js";
import type { RtpSession } from "../media/rtp/rtp-session.js";
import { parseSdp } from "../media/sdp/parse-sdp.js";
import type { CallMediaControl } from "../scenario/runtime.js";
import type { RunMedia } from "./run-media.js";

/** Why the call's media failed; the call fails with this class. */
export class CallMediaError extends SipwrightError {
  readonly failure: FailureClass;
  constructor(failure: FailureClass, message: string, options?: ErrorOptions) {
    super("MEDIA", message, options);
    this.failure = failure;
  }
}

export interface CallMediaOptions {
  readonly run: RunMedia;
  readonly callNumber: number;
  readonly callId: string;
  readonly logger: () => Logger;
  /** A failure that happens outside a step (DTMF that could not be sent): the call fails with it. */
  readonly onFailure: (failure: FailureClass, reason: string) => void;
}

type State =
  | { readonly kind: "idle" }
  | { readonly kind: "opening"; readonly opened: Promise<void> }
  | { readonly kind: "open"; readonly session: RtpSession }
  | { readonly kind: "failed"; readonly error: CallMediaError }
  | { readonly kind: "closed" };

export class CallMedia implements CallMediaControl {
  readonly #options: CallMediaOptions;
  #state: State = { kind: "idle" };
  /** The session, kept after close for its final stats. */
  #session: RtpSession | undefined;
  #closing: Promise<MediaStats | undefined> | undefined;
  /** The latest SDP from the peer, applied when the session opens and again when our own SDP changes. */
  #peerSdp: string | undefined;
  /** The layout of the call's recording, once started. */
  #recording: RecordingSpec["layout"] | undefined;
  /** The G.711 codecs of the SDP the scenario sent, in its order; undefined until it sent one with G.711. */
  #localCodecs: readonly G711Codec[] | undefined;

  constructor(options: CallMediaOptions) {
    this.#options = options;
  }

  get ready(): boolean {
    return this.#state.kind === "open";
  }

  /** Our RTP port, once open. */
  get port(): number | undefined {
    return this.#state.kind === "open" ? this.#state.session.localPort : undefined;
  }

  /** True once a session was opened (the call record gets a media block). */
  get opened(): boolean {
    return this.#session !== undefined;
  }

  /**
   * Opens the pipeline (once): binds its ports, applies the peer's SDP already received, starts -rtp_echo and
   * --record. Rejects with a CallMediaError (media_error: no free port; sdp_incompatible: the peer's SDP).
   */
  open(): Promise<void> {
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
    let session: RtpSession;
    try {
      session = await run.openSession();
    } catch (error) {
      const failed = new CallMediaError("media_error", `cannot open the call's RTP session: ${message(error)}`, {
        cause: error,
      });
      if (this.#state.kind === "opening") this.#state = { kind: "failed", error: failed };
      throw failed;
    }
    this.#session = session;
    if (this.#state.kind === "closed") {
      // The call ended while the ports were being bound.
      await session.close();
      throw new CallMediaError("media_error", "the call ended while its media was opening");
    }
    this.#state = { kind: "open", session };
    try {
      if (this.#peerSdp !== undefined) this.#applyPeerSdp(session, this.#peerSdp);
      if (run.options.echo) session.startSource({ kind: "echo" });
      if (run.options.record !== undefined) this.startRecording(run.options.record);
    } catch (error) {
      const failed = error instanceof CallMediaError ? error : asMediaError(error);
      this.#state = { kind: "failed", error: failed };
      throw failed;
    }
  }

  /** The peer's SDP (a received message's body). Throws CallMediaError(sdp_incompatible) when it is unusable. */
  peerSdp(body: string): void {
    this.#peerSdp = body;
    if (this.#state.kind === "open") this.#applyPeerSdp(this.#state.session, body);
  }

  /** The SDP the scenario sent: its G.711 codecs become our preference, and the peer's SDP is chosen from again. */
  localSdp(body: string): void {
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
      this.#applyPeerSdp(this.#state.session, this.#peerSdp);
    }
  }

  #applyPeerSdp(session: RtpSession, body: string): void {
    try {
      // What we send must be a codec the peer's SDP lists; ours only orders the choice (a SIPp-style scenario
      // may answer PCMU to a PCMA-only offer: we still send PCMA rather than nothing).
      const runCodecs = this.#options.run.options.codecs;
      const local = this.#localCodecs ?? [];
      session.applyPeerSdp(body, [...local, ...runCodecs.filter((c) => !local.includes(c))]);
    } catch (error) {
      if (error instanceof MediaNegotiationError) {
        throw new CallMediaError("sdp_incompatible", `the peer's SDP: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  // CallMediaControl -----------------------------------------------------------------------------------------------

  startSource(spec: SourceSpec): void {
    this.#session_().startSource(spec);
  }

  controlSource(control: SourceControl): void {
    this.#session_().controlSource(control);
  }

  sendDtmf(digits: string, durationMs: number, fallbackPayloadType: number | undefined): void {
    const session = this.#session_();
    session.sendDtmf(digits, durationMs, fallbackPayloadType).catch((error: unknown) => {
      // The session closing with the call rejects the digits still queued: the call is over, nothing to report.
      if (this.#state.kind !== "open") return;
      this.#options.onFailure("media_error", `DTMF "${digits}" could not be sent: ${message(error)}`);
    });
  }

  startRecording(layout: RecordingSpec["layout"]): void {
    const session = this.#session_();
    // --record and the scenario's rtp_record asking for the same recording: the call has it already.
    if (this.#recording === layout) return;
    const { run, callNumber, callId } = this.#options;
    session.startRecording(run.recordingSpec(layout, callNumber, callId));
    this.#recording = layout;
  }

  checkAudio(spec: AudioCheckSpec): AudioCheckResult {
    return this.#session_().checkAudio(spec);
  }

  /**
   * A BYE was sent or received: RFC 3261 15 — the session is over, so nothing more is sent (a UAS lingering in its
   * timewait must not stream into a closed port). Receiving and recording go on until the call ends.
   */
  hangUp(): void {
    if (this.#state.kind === "open") this.#state.session.controlSource("stop");
  }

  /** Closes the pipeline once (recordings finalised) and gives its final stats; undefined when none was opened. */
  close(): Promise<MediaStats | undefined> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<MediaStats | undefined> {
    const state = this.#state;
    this.#state = { kind: "closed" };
    if (state.kind === "opening") {
      // #open() closes the session it was binding; wait for it so the ports are free when the run ends.
      await state.opened.catch(() => undefined);
    }
    const session = this.#session;
    if (session === undefined) return undefined;
    try {
      await session.close();
    } catch (error) {
      // The call is over; a recording that could not be finalised is reported, and the stats still recorded.
      this.#options.logger().warn(`closing the call's media: ${message(error)}`);
    }
    return session.stats();
  }

  #session_(): RtpSession {
    const state = this.#state;
    if (state.kind === "open") return state.session;
    if (state.kind === "failed") throw state.error;
    throw new CallMediaError("media_error", `the call's media is ${state.kind === "closed" ? "closed" : "not open"}`);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function asMediaError(error: unknown): CallMediaError {
  return new CallMediaError("media_error", message(error), { cause: error });
}
