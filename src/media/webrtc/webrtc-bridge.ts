/**
 * WebRtcBridge: the WebRTC {@link MediaPipeline} (DESIGN.md, issue 4) — one werift RTCPeerConnection with one
 * audio transceiver (max-bundle, rtcp-mux, G.711 + telephone-event, UDP/TLS/RTP/SAVPF), its media through
 * {@link BridgeMedia}. Signalling follows RFC 8838 by {@link TrickleMode}: `auto` (the default) waits for gathering
 * (bounded by gatherTimeoutMs) like a browser softphone and announces trickle only when candidates are left to
 * trickle; `trickle` hands out each description at
 * once (no candidates, `a=ice-options:trickle`) and emits later candidates as `localCandidate` events, then
 * `gatheringComplete`; `full` waits for gathering (bounded by gatherTimeoutMs; candidates found later are
 * trickled) and returns every candidate with `a=end-of-candidates`; `half` (RFC 8838 4, "half trickle") gathers
 * fully for an offer and trickles an answer. A {@link ConnectionWatch} bounds ICE and DTLS and emits `failed`.
 */
import { TurnRefresher } from "./turn-refresher.js";
import type { Clock } from "../../shared/clock.js";
import { ClosedError } from "../../shared/errors.js";
import { createLogger } from "../../shared/logger.js";
import {
  UnsupportedOnPipelineError,
  type AudioCheckResult,
  type AudioCheckSpec,
  type MediaPipeline,
  type MediaStats,
  type RecordingSpec,
  type SourceControl,
  type SourceSpec,
} from "../media-pipeline.js";
import { MediaStreamTrack, RTCPeerConnection, type RTCRtpTransceiver } from "werift";
import { BridgeMedia } from "./bridge-media.js";
import { isAllowedLocalCandidate, parseCandidate } from "./candidate-line.js";
import { ConnectionWatch } from "./connection-watch.js";
import { EarlyDtlsBuffer } from "./early-dtls-buffer.js";
import { tolerateRepeatedHelloVerify } from "./dtls-hello-verify.js";
import { guardRtpRouter } from "./rtp-router-guard.js";
import { freshRetransmittedRecords } from "./dtls-fresh-records.js";
import { promptClientHello } from "./dtls-prompt-client-hello.js";
// Installs the SRTP adapter on load: no cipher object per packet (srtp-cipher-reuse.ts).
import "./srtp-cipher-reuse.js";
import { fixLocalSdp, offersTrickle } from "./local-sdp.js";
import { disableHiddenStun, peerConfig } from "./peer-config.js";
import { negotiatedLeg, selectedPair, type SelectedPair } from "./negotiated-leg.js";
import { normalizeRemoteSdp, type RemoteSdp } from "./remote-sdp.js";
import { SdpUnusableError } from "../sdp-unusable-error.js";
import { parseSdpFragment, SDPFRAG_CONTENT_TYPE } from "./sdp-frag.js";
import { attribute, splitSdp } from "./sdp-sections.js";
import type { IceFragmentInfo, WebRtcBridgeEvents, WebRtcBridgeOptions, WebRtcStats } from "./webrtc-types.js";
import { TypedEmitter } from "../../shared/typed-emitter.js";
import { webrtcStatsOf } from "./webrtc-stats.js";

const log = createLogger("media.webrtc");

/** SIPp behaviour: play_dtmf digits last 200 ms unless the scenario says otherwise. */
const DEFAULT_DTMF_MS = 200;

export class WebRtcBridge implements MediaPipeline {
  readonly kind = "webrtc" as const;
  readonly events = new TypedEmitter<WebRtcBridgeEvents>();
  readonly #options: WebRtcBridgeOptions;
  readonly #clock: Clock;
  readonly #createdMs: number;
  readonly #pc: RTCPeerConnection;
  readonly #transceiver: RTCRtpTransceiver;
  readonly #media: BridgeMedia;
  readonly #watch: ConnectionWatch;
  readonly #hasStunServer: boolean;
  readonly #credentialExpiresAtMs: number | undefined;
  readonly #turnRefresher: TurnRefresher;
  readonly #earlyDtls: EarlyDtlsBuffer;
  readonly #unpromptClientHello: () => void;
  #role: "offerer" | "answerer" | null = null;
  #remote: RemoteSdp | undefined;
  #fragment: IceFragmentInfo | undefined;
  /** The description went out before gathering completed: later candidates are trickled. */
  #trickling = false;
  #gathering = "new";
  #ice = "new";
  #localCandidates = 0;
  /** Candidates werift reported before the description went out (added to it when the wait for gathering ran out). */
  readonly #gathered: string[] = [];
  #remoteCandidates = 0;
  #candidatesSent = 0;
  #candidatesReceived = 0;
  #candidatesRefused = 0;
  #readyMs: number | undefined;
  #iceConnectedMs: number | undefined;
  /** The nominated pair when ICE connected: werift drops it when the transport closes. */
  #icePair: SelectedPair | undefined;
  #dtlsConnectedMs: number | undefined;
  #closing: Promise<void> | undefined;
  /** The last setLocalDescription (gathering), settled: close() waits for it, else werift opens sockets after. */
  #localApplied: Promise<boolean> = Promise.resolve(true);
  /** What the connection reached, kept when closing (the call record reports it, not "closed"). */
  #final:
    { readonly pair: SelectedPair | undefined; readonly dtlsState: string; readonly dtlsRole: string } | undefined;

  /** Synchronous: werift creates its certificate on the first offer or answer. */
  static create(options: WebRtcBridgeOptions): WebRtcBridge {
    return new WebRtcBridge(options);
  }

  private constructor(options: WebRtcBridgeOptions) {
    if (options.codecs.length === 0) throw new RangeError("a WebRtcBridge needs at least one G.711 codec");
    this.#options = options;
    this.#clock = options.wallClock;
    this.#createdMs = options.wallClock.now();
    const telephoneEventPt = options.telephoneEventPt ?? 101;
    const config = peerConfig({ ...options, telephoneEventPt, turnCredentials: options.turnCredentials });
    this.#hasStunServer = config.hasStunServer;
    this.#credentialExpiresAtMs = config.credentialExpiresAtMs;
    this.#turnRefresher = new TurnRefresher(options.turnCredentials, options.wallClock);
    this.#pc = new RTCPeerConnection(config.config);
    if (!guardRtpRouter(this.#pc)) log.warn("werift's RTP router has changed: packets with our own SSRC may be lost");
    this.#transceiver = this.#pc.addTransceiver(new MediaStreamTrack({ kind: "audio" }), { direction: "sendrecv" });
    this.#media = new BridgeMedia({
      clock: options.clock,
      wallClock: options.wallClock,
      analyze: options.analyze,
      telephoneEventPt,
      ssrc: this.#transceiver.sender.ssrc,
    });
    this.#watch = new ConnectionWatch({
      clock: options.wallClock,
      iceTimeoutMs: options.iceTimeoutMs,
      dtlsTimeoutMs: options.dtlsTimeoutMs,
      states: () => ({ gathering: this.#gathering, ice: this.#iceReached(), dtls: this.#dtlsState() }),
      onConnected: this.#onConnected,
      onFailed: (failure) => {
        log.debug(`${failure.failure}: ${failure.reason}`);
        this.events.emit("failed", failure);
      },
    });
    this.#earlyDtls = new EarlyDtlsBuffer(this.#transceiver.dtlsTransport);
    // First, so that the HelloVerifyRequest adapter's own retransmissions also go out in new records.
    freshRetransmittedRecords(this.#transceiver.dtlsTransport);
    tolerateRepeatedHelloVerify(this.#transceiver.dtlsTransport);
    // Last: its resent ClientHello goes through the two adapters above.
    this.#unpromptClientHello = promptClientHello(this.#transceiver.dtlsTransport);
    this.#subscribe();
  }

  async createOffer(): Promise<string> {
    this.#assertOpen();
    this.#role = "offerer";
    const offer = await this.#pc.createOffer();
    const mode = this.#options.trickle;
    return this.#handOut(offer, { wait: mode !== "trickle", trickleOption: mode !== "auto" ? true : "if-incomplete" });
  }

  async createAnswer(remoteOffer: string): Promise<string> {
    this.#assertOpen();
    this.#role = "answerer";
    await this.#applyRemote(remoteOffer, "offer");
    // RFC 8842 5.3: an offerer that sets up the DTLS association itself (a=setup:active, e.g. Asterisk with
    // dtls_setup=active, rtpengine's DTLS=active) needs a passive answerer; werift would answer active (both clients,
    // no DTLS handshake ever), so the transport is made the DTLS server before the answer is written.
    if (this.#remote?.setup === "active") this.#transceiver.dtlsTransport.role = "server";
    const answer = await this.#pc.createAnswer();
    // RFC 8840 4.1 / RFC 3264 6: an offer without `a=ice-options:trickle` gets a complete answer without it, whatever
    // the mode (an answer without candidates would leave such a peer nothing to check).
    const mode = this.#options.trickle;
    const offerTrickles = offersTrickle(remoteOffer);
    const wait = mode === "full" || mode === "auto" || !offerTrickles;
    const trickleOption = !offerTrickles ? false : mode === "auto" ? "if-incomplete" : true;
    return this.#handOut(answer, { wait, trickleOption });
  }

  async acceptAnswer(remoteAnswer: string): Promise<void> {
    this.#assertOpen();
    await this.#applyRemote(remoteAnswer, "answer");
  }

  /**
   * RFC 8840 sdpfrag (trickle INFO) or an `application/sdp` body: the answer to our offer when none was applied
   * yet, else its candidates only (a re-INVITE's ICE restart is not supported and its credentials are ignored).
   */
  async applyRemoteUpdate(body: string, contentType: string): Promise<void> {
    this.#assertOpen();
    const type = contentType.split(";")[0]?.trim().toLowerCase();
    if (type === "application/sdp" && this.#remote === undefined && this.#role === "offerer" && /^m=/m.test(body)) {
      return this.acceptAnswer(body);
    }
    if (type !== "application/sdp" && type !== SDPFRAG_CONTENT_TYPE) {
      throw new UnsupportedOnPipelineError(`a remote update of ${contentType}`, this.kind);
    }
    await this.#addRemoteCandidates(body);
  }

  startSource(spec: SourceSpec): void {
    this.#media.startSource(spec);
  }

  controlSource(control: SourceControl): void {
    this.#media.controlSource(control);
  }

  /** RFC 4733 digits with the telephone-event payload type negotiated for 8 kHz. */
  sendDtmf(digits: string, durationMs = DEFAULT_DTMF_MS): Promise<void> {
    return this.#media.sendDtmf(digits, durationMs);
  }

  startRecording(spec: RecordingSpec): void {
    this.#media.startRecording(spec);
  }

  checkAudio(spec: AudioCheckSpec, asOfWallMs?: number): AudioCheckResult {
    const result = this.#media.checkAudio(spec, asOfWallMs);
    const phase = this.#watch.phase;
    if (result.passed || (phase !== "ice" && phase !== "dtls")) return result;
    // Media actions wait for the connection: a check that finds no audio before ICE/DTLS came up is the
    // connection's failure, named as such.
    const failure = phase === "ice" ? "ice_failed" : "dtls_failed";
    const what = phase === "ice" ? "ICE had not connected" : "DTLS had not connected";
    return { ...result, connectionFailure: { failure, reason: `${what} when check_audio ran (${result.reason})` } };
  }

  stats(): MediaStats {
    const remote = this.#media.remote;
    const pair = this.#pair();
    return {
      kind: this.kind,
      codec: remote?.codec,
      payloadType: remote?.payloadType,
      local: pair === undefined ? undefined : { address: pair.local.address, port: pair.local.port },
      remote: pair === undefined ? undefined : { address: pair.remote.address, port: pair.remote.port },
      ...this.#media.stats(),
    };
  }

  /** Our ICE credentials and mid for an RFC 8840 fragment; undefined before the first description. */
  iceFragmentInfo(): IceFragmentInfo | undefined {
    return this.#fragment;
  }

  /** Counters beyond WebRtcStats: remote candidates werift refused. */
  counters(): { readonly candidatesRefused: number } {
    return { candidatesRefused: this.#candidatesRefused };
  }

  /** The call record's `webrtc` block; the engine fills `trickle.infos_*` itself. */
  webrtcStats(): WebRtcStats {
    const since = (ms: number | undefined): number | null => (ms === undefined ? null : ms - this.#createdMs);
    const firstRtp = this.#media.firstRtpMs;
    return webrtcStatsOf({
      role: this.#role,
      trickle: this.#options.trickle,
      gathering: this.#gathering,
      ice: this.#ice,
      policy: this.#options.icePolicy,
      localCandidates: this.#localCandidates,
      remoteCandidates: this.#remoteCandidates,
      pair: this.#pair(),
      dtlsState: this.#dtlsState(),
      dtlsRole: this.#dtlsRole(),
      candidatesSent: this.#candidatesSent,
      candidatesReceived: this.#candidatesReceived,
      turnAuth: this.#options.turnCredentials?.mode ?? "none",
      credentialExpiresAtMs: this.#turnRefresher.expiresAtMs ?? this.#credentialExpiresAtMs,
      refreshes: this.#turnRefresher.refreshes,
      timings: {
        offer_or_answer_ready: since(this.#readyMs),
        ice_connected: since(this.#iceConnectedMs),
        dtls_connected: since(this.#dtlsConnectedMs),
        first_rtp: since(firstRtp),
      },
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#final = { pair: this.#pair(), dtlsState: this.#dtlsState(), dtlsRole: this.#dtlsRole() };
    this.#watch.close();
    this.#earlyDtls.close();
    this.#unpromptClientHello();
    this.#turnRefresher.close();
    try {
      await this.#media.close();
    } finally {
      // werift binds its ICE sockets while gathering; closing before they exist would leave them open.
      await settlesWithin(this.#localApplied, this.#options.gatherTimeoutMs, this.#clock);
      await this.#pc.close();
    }
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new ClosedError("WebRTC bridge");
  }

  /** Sets the local description and returns the SDP to send: at once (trickle) or after gathering (bounded). */
  async #handOut(
    description: { readonly sdp: string; readonly type: string },
    how: { readonly wait: boolean; readonly trickleOption: boolean | "if-incomplete" },
  ): Promise<string> {
    if (!this.#hasStunServer) disableHiddenStun(this.#pc);
    const applying = this.#pc.setLocalDescription({
      type: description.type as "offer" | "answer",
      sdp: description.sdp,
    });
    const settled = applying.then(
      () => true,
      (error: unknown) => {
        this.#gatherFailed(error);
        return false;
      },
    );
    this.#localApplied = settled;
    let sdp = description.sdp;
    let complete = false;
    if (how.wait) {
      complete = await settlesWithin(settled, this.#options.gatherTimeoutMs, this.#clock);
      sdp = this.#pc.localDescription?.sdp ?? sdp;
    }
    // Candidates found after the description went out (at once, or after a bounded wait) are trickled.
    this.#trickling = true;
    const trickleOption = how.trickleOption === "if-incomplete" ? !complete : how.trickleOption;
    const local = fixLocalSdp(sdp, {
      candidateAddresses: this.#options.candidateAddresses,
      complete,
      trickleOption,
      gathered: this.#gathered,
    });
    this.#fragment = fragmentInfo(local.sdp);
    this.#readyMs ??= this.#clock.now();
    return local.sdp;
  }

  #gatherFailed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.#watch.start();
    this.#watch.failed(`setting the local description failed: ${message}`);
  }

  async #applyRemote(body: string, type: "offer" | "answer"): Promise<void> {
    const remote = normalizeRemoteSdp(body, this.#options.codecs);
    try {
      await this.#pc.setRemoteDescription({ type, sdp: remote.sdp });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw SdpUnusableError.forBridge([`an SDP werift can apply (${message})`], { cause: error });
    }
    if (!this.#hasStunServer) disableHiddenStun(this.#pc);
    this.#remote = remote;
    this.#remoteCandidates += remote.candidates;
    this.#watch.start();
  }

  async #addRemoteCandidates(body: string): Promise<void> {
    const fragment = parseSdpFragment(body);
    const remoteUfrag = this.#remote?.ufrag;
    if (fragment.ufrag !== undefined && remoteUfrag !== undefined && fragment.ufrag !== remoteUfrag) {
      // RFC 8840 4.4: a fragment of another ICE generation does not apply to this one (ICE restart unsupported).
      log.debug(`trickle fragment for ufrag ${fragment.ufrag} ignored (current ${remoteUfrag})`);
      return;
    }
    const sdpMLineIndex = this.#remote?.audioIndex ?? 0;
    for (const { candidate, mid } of fragment.candidates) {
      const fields = parseCandidate(candidate);
      // RFC 5761 5.1.3: RTCP is muxed; mDNS names would need multicast lookups (see remote-sdp.ts).
      if (fields?.component !== 1 || fields.address.endsWith(".local")) continue;
      try {
        await this.#pc.addIceCandidate({ candidate, sdpMid: mid ?? this.#remote?.mid ?? null, sdpMLineIndex });
      } catch (error) {
        // Bad network input never throws: a candidate werift refuses is counted (counters()) and skipped.
        this.#candidatesRefused++;
        log.debug(`remote candidate refused: ${candidate}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      this.#candidatesReceived++;
      this.#remoteCandidates++;
    }
    if (fragment.endOfCandidates) await this.#pc.addIceCandidate(null);
  }

  /**
   * The ICE state for a failure reason: werift's own state when our tracked one is behind (its state events can
   * lag a DTLS failure that follows connectivity at once), "completed" read as "connected" past gathering.
   */
  #iceReached(): string {
    if (this.#ice !== "new" && this.#ice !== "checking") return this.#ice;
    // A nominated pair means connectivity was established, whatever the state events said so far.
    if (this.#pair() !== undefined) return "connected";
    const current = this.#pc.iceConnectionState;
    return current === "completed" ? "connected" : current;
  }

  #subscribe(): void {
    this.#pc.iceGatheringStateChange.subscribe((state) => {
      if (this.#final === undefined) this.#gathering = state;
    });
    this.#pc.iceConnectionStateChange.subscribe((state) => {
      // libraries.md §1.5: werift says "completed" when local gathering completes, before any check.
      if (this.#final !== undefined || (state === "completed" && this.#ice !== "connected")) return;
      // The record says the state ICE reached (issue 9 item 12): once a failed DTLS transport closes its ICE
      // transport werift reports "new", then "closed", and forgets the nominated pair.
      if (this.#iceConnectedMs !== undefined && (state === "new" || state === "checking" || state === "closed")) return;
      this.#ice = state;
      if (state === "connected") {
        this.#iceConnectedMs ??= this.#clock.now();
        this.#icePair ??= selectedPair(this.#transceiver);
        this.#watch.iceConnected();
      } else if (state === "failed") this.#watch.failed("ICE failed");
    });
    this.#pc.connectionStateChange.subscribe((state) => {
      if (state === "connected") this.#watch.dtlsConnected();
      else if (state === "failed") this.#watch.failed("the connection failed");
    });
    this.#pc.onIceCandidate.subscribe((candidate) => {
      if (candidate === undefined) {
        if (this.#trickling) this.events.emit("gatheringComplete", undefined);
        return;
      }
      const text = candidate.candidate.startsWith("candidate:")
        ? candidate.candidate
        : `candidate:${candidate.candidate}`;
      const fields = parseCandidate(text);
      if (fields === undefined || !isAllowedLocalCandidate(fields, this.#options.candidateAddresses)) return;
      this.#localCandidates++;
      if (!this.#trickling) {
        this.#gathered.push(text);
        return;
      }
      this.#candidatesSent++;
      this.events.emit("localCandidate", { candidate: text, mid: this.#fragment?.mid ?? candidate.sdpMid ?? "0" });
    });
  }

  readonly #onConnected = (): void => {
    this.#dtlsConnectedMs = this.#clock.now();
    const transport = this.#transceiver.dtlsTransport;
    const leg = negotiatedLeg(this.#transceiver, this.#options.codecs);
    if (leg === undefined) {
      this.#watch.failed("no G.711 codec was negotiated");
      return;
    }
    transport.onRtp.subscribe((packet) => {
      this.#media.onRtp(packet);
    });
    this.#media.attach(leg, transport);
    this.events.emit("connected", undefined);
  };

  #dtlsState(): string {
    return this.#final?.dtlsState ?? this.#transceiver.dtlsTransport.state;
  }

  #dtlsRole(): string {
    return this.#final?.dtlsRole ?? this.#transceiver.dtlsTransport.role;
  }

  #pair(): SelectedPair | undefined {
    return this.#final === undefined ? (selectedPair(this.#transceiver) ?? this.#icePair) : this.#final.pair;
  }
}

/** Our ufrag, pwd and audio mid, read back from the description we hand out. */
function fragmentInfo(sdp: string): IceFragmentInfo | undefined {
  const { session, media } = splitSdp(sdp);
  const audio = media.find((section) => section[0]?.startsWith("m=audio")) ?? [];
  const ufrag = attribute(audio, "ice-ufrag") ?? attribute(session, "ice-ufrag");
  const pwd = attribute(audio, "ice-pwd") ?? attribute(session, "ice-pwd");
  if (ufrag === undefined || pwd === undefined) return undefined;
  return { ufrag, pwd, mid: attribute(audio, "mid") ?? "0" };
}

/** `work`'s result when it settles within `ms`, else false. */
async function settlesWithin(work: Promise<boolean>, ms: number, clock: Clock): Promise<boolean> {
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = clock.setTimer(ms, () => {
      resolve(false);
    });
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    timer?.cancel();
  }
}
