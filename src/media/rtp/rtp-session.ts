/**
 * RtpSession: the plain RTP/AVP G.711 {@link MediaPipeline} (DESIGN.md, issue 3). It owns one bound RTP/RTCP port
 * pair, its RTCP reports and its SDP; its media — paced by the run's one shared MediaClock, sources, DTMF,
 * receiving, recording, audio checks, statistics — is a {@link MediaLeg} whose packets leave through the RTP socket.
 */
import type { Socket } from "node:dgram";
import type { Clock } from "../../shared/clock.js";
import { ClosedError } from "../../shared/errors.js";
import { createLogger } from "../../shared/logger.js";
import {
  G711_PAYLOAD_TYPE,
  UnsupportedOnPipelineError,
  type AudioCheckResult,
  type AudioCheckSpec,
  type G711Codec,
  type MediaPipeline,
  type MediaStats,
  type RecordingSpec,
  type SourceControl,
  type SourceSpec,
} from "../media-pipeline.js";
import { buildSdp } from "../sdp/build-sdp.js";
import type { SdpDirection } from "../sdp/session-description.js";
import { MediaLeg } from "./media-leg.js";
import type { MediaClock } from "./media-clock.js";
import type { PortAllocator, RtpPortPair } from "./port-allocator.js";
import { answerDirection, remoteMediaFromSdp, remoteLegOf, type RemoteLeg } from "./remote-media.js";
import { isRtcpPacket } from "./rtcp.js";
import { SdpUnusableError } from "../sdp-unusable-error.js";
import { RtcpReporter, type RtcpCounters } from "./rtcp-reporter.js";
import { udpWire } from "./rtp-sender.js";

const log = createLogger("media.rtp");

/** SIPp behaviour: play_dtmf digits last 200 ms unless the scenario says otherwise. */
const DEFAULT_DTMF_MS = 200;

export interface RtpSessionOptions {
  readonly ports: RtpPortPair;
  /** The run's one shared 20 ms scheduler. */
  readonly clock: MediaClock;
  /** Arrival times, RTCP timer and NTP timestamps. */
  readonly wallClock: Clock;
  /** G.711 codecs in our order of preference. */
  readonly codecs: readonly G711Codec[];
  /** RFC 4733 telephone-event payload type we offer (default 101). */
  readonly telephoneEventPt?: number;
  /** Address written in our SDP (default: the address the ports are bound on). */
  readonly mediaIp?: string;
  /** Keep per-frame level/frequency summaries for checkAudio(). */
  readonly analyze: boolean;
  readonly frequencyEveryFrames?: number;
  /** RFC 3550 6.2 minimum RTCP interval (default 5000 ms). */
  readonly rtcpIntervalMs?: number;
  /** Uniform [0, 1) for SSRC, sequence and timestamp starts and the RTCP interval (injectable for tests). */
  readonly random?: () => number;
}

export interface RtpSessionCounters {
  /** Datagrams on the RTP port that are neither RTP nor RTCP. */
  readonly malformedRtp: number;
  /** RTP packets with a payload type that is neither G.711 nor telephone-event (counted, not decoded). */
  readonly unknownPayloadType: number;
  readonly sendErrors: number;
  /** Errors the sockets reported (ICMP unreachable and the like). */
  readonly socketErrors: number;
  readonly rtcp: RtcpCounters;
}

export class RtpSession implements MediaPipeline {
  readonly kind = "rtp" as const;
  readonly #ports: RtpPortPair;
  readonly #codecs: readonly G711Codec[];
  readonly #telephoneEventPt: number;
  readonly #mediaIp: string;
  readonly #sessionId: number;
  #sdpVersion = 0;
  readonly #leg: MediaLeg;
  readonly #rtcp: RtcpReporter;
  #rtcpStopped: Promise<void> | undefined;
  #socketErrors = 0;
  #closing: Promise<void> | undefined;

  constructor(options: RtpSessionOptions) {
    if (options.codecs.length === 0) throw new RangeError("an RtpSession needs at least one G.711 codec");
    const random = options.random ?? Math.random;
    this.#ports = options.ports;
    this.#codecs = options.codecs;
    this.#telephoneEventPt = options.telephoneEventPt ?? 101;
    this.#mediaIp = options.mediaIp ?? options.ports.address;
    this.#sessionId = Math.floor(random() * 1e9);
    const every = options.frequencyEveryFrames;
    const leg = new MediaLeg({
      name: "RTP session",
      clock: options.clock,
      wallClock: options.wallClock,
      ssrc: Math.floor(random() * 0x100000000) >>> 0,
      wire: udpWire(options.ports.rtp),
      random,
      telephoneEventPt: this.#telephoneEventPt,
      analyze: options.analyze,
      ...(every === undefined ? {} : { frequencyEveryFrames: every }),
      holdUntilRemote: false,
    });
    this.#leg = leg;
    this.#rtcp = new RtcpReporter({
      socket: options.ports.rtcp,
      clock: options.wallClock,
      sender: leg.sender,
      receiveStats: leg.receiver.stats,
      cname: `sipwright-${leg.sender.ssrc.toString(16)}@${this.#mediaIp}`,
      target: () => leg.remote?.rtcp,
      rtpTimestampNow: () => leg.sender.timestampOf(leg.slot),
      random,
      ...(options.rtcpIntervalMs === undefined ? {} : { minIntervalMs: options.rtcpIntervalMs }),
    });
    this.#listen(options.ports.rtp, this.#onRtp);
    this.#listen(options.ports.rtcp, this.#onRtcp);
  }

  /** Allocates a port pair and opens a session on it. */
  static async open(allocator: PortAllocator, options: Omit<RtpSessionOptions, "ports">): Promise<RtpSession> {
    const ports = await allocator.allocate();
    try {
      return new RtpSession({ ...options, ports });
    } catch (error) {
      await ports.release();
      throw error;
    }
  }

  createOffer(): Promise<string> {
    return Promise.resolve(this.#sdp(this.#codecs, this.#telephoneEventPt, "sendrecv"));
  }

  createAnswer(remoteOffer: string): Promise<string> {
    return settle(() => {
      const offer = remoteMediaFromSdp(remoteOffer, this.#codecs);
      this.#setRemote(remoteLegOf(offer));
      // RFC 3264 6.1: the answer lists the chosen codec, and telephone-event with the offer's number.
      return this.#sdp([offer.codec], offer.telephoneEventPt, answerDirection(offer.direction));
    });
  }

  acceptAnswer(remoteAnswer: string): Promise<void> {
    return this.applyRemoteUpdate(remoteAnswer, "application/sdp");
  }

  /** A new SDP from the peer (answer, re-INVITE). Other bodies (trickle ICE) do not exist on a plain RTP leg. */
  applyRemoteUpdate(body: string, contentType: string): Promise<void> {
    return settle(() => {
      const type = contentType.split(";")[0]?.trim().toLowerCase();
      if (type !== "application/sdp") {
        throw new UnsupportedOnPipelineError(`a remote update of ${contentType}`, this.kind);
      }
      this.applyPeerSdp(body);
    });
  }

  /**
   * The peer's SDP, applied at once. `preference`: the G.711 codecs in the order to choose from — for a SIPp-style
   * scenario, those of the SDP the scenario itself sent (default: the session's own list). Throws
   * SdpUnusableError when the SDP cannot be used.
   */
  applyPeerSdp(body: string, preference: readonly G711Codec[] = this.#codecs): void {
    this.#setRemote(remoteLegOf(remoteMediaFromSdp(body, preference)));
  }

  /** Our RTP port (what `[media_port]` renders for a SIPp-style scenario). */
  get localPort(): number {
    return this.#ports.rtpPort;
  }

  /**
   * SIPp-style scenarios write their own SDP: the engine reads the peer's endpoint itself and sets it here.
   * RTCP goes to port + 1 unless given; DTMF uses our telephone-event payload type unless given.
   */
  setRemote(
    address: string,
    port: number,
    codec: G711Codec,
    options: { readonly rtcpPort?: number; readonly telephoneEventPt?: number } = {},
  ): void {
    const usable = port !== 0 && address !== "0.0.0.0";
    this.#setRemote({
      rtp: usable ? { address, port } : undefined,
      rtcp: usable ? { address, port: options.rtcpPort ?? port + 1 } : undefined,
      codec,
      payloadType: G711_PAYLOAD_TYPE[codec],
      telephoneEventPt: options.telephoneEventPt ?? this.#telephoneEventPt,
      send: true,
    });
  }

  startSource(spec: SourceSpec): void {
    this.#leg.startSource(spec);
  }

  controlSource(control: SourceControl): void {
    this.#leg.controlSource(control);
  }

  /**
   * RFC 4733 digits with the peer's telephone-event payload type; `fallbackPayloadType` when its SDP gives none
   * (SIPp's play_dtmf always uses 96), else SdpUnusableError.
   */
  async sendDtmf(digits: string, durationMs = DEFAULT_DTMF_MS, fallbackPayloadType?: number): Promise<void> {
    if (this.#leg.closed) throw new ClosedError("RTP session");
    const remote = this.#leg.remote;
    if (remote?.rtp === undefined) throw new SdpUnusableError("DTMF before the peer's media address is known");
    const payloadType = remote.telephoneEventPt ?? fallbackPayloadType;
    if (payloadType === undefined) {
      throw new SdpUnusableError("the peer's SDP offers no telephone-event: RFC 4733 DTMF cannot be sent");
    }
    await this.#leg.sendDtmf(digits, durationMs, payloadType);
  }

  startRecording(spec: RecordingSpec): void {
    this.#leg.startRecording(spec);
  }

  checkAudio(spec: AudioCheckSpec, asOfWallMs?: number): AudioCheckResult {
    return this.#leg.checkAudio(spec, asOfWallMs);
  }

  stats(): MediaStats {
    const remote = this.#leg.remote;
    return {
      kind: this.kind,
      codec: remote?.codec,
      payloadType: remote?.payloadType,
      local: { address: this.#mediaIp, port: this.#ports.rtpPort },
      remote: remote?.rtp,
      ...this.#leg.stats(),
    };
  }

  /** Counters beyond MediaStats: garbage, unknown payload types, send errors, RTCP. */
  counters(): RtpSessionCounters {
    return {
      malformedRtp: this.#leg.receiver.malformed,
      unknownPayloadType: this.#leg.receiver.unknownPayloadType,
      sendErrors: this.#leg.sender.sendErrors,
      socketErrors: this.#socketErrors,
      rtcp: this.#rtcp.counters(),
    };
  }

  /**
   * The call's session is over (a BYE was sent or received, RFC 3261 15): nothing more is sent. The source stops,
   * and RTCP with it, after one last compound carrying an RTCP BYE (RFC 3550 6.6: "When a participant wishes to
   * leave a session, a BYE packet MUST be transmitted"); receiving goes on (recordings, statistics) until close().
   */
  hangUp(): void {
    if (this.#leg.closed) return;
    this.#leg.stopSending();
    void this.#stopRtcp();
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Stops the reports once, with a BYE when the peer's RTCP address is known; close() waits for it to leave. */
  #stopRtcp(): Promise<void> {
    this.#rtcpStopped ??= this.#rtcp.stop(this.#leg.remote?.rtcp !== undefined);
    return this.#rtcpStopped;
  }

  async #close(): Promise<void> {
    this.#leg.stop();
    try {
      // RFC 3550 6.6: a participant leaving sends BYE (once: hangUp may have sent it already).
      await this.#stopRtcp();
      await this.#leg.close();
    } finally {
      this.#ports.rtp.off("message", this.#onRtp);
      this.#ports.rtcp.off("message", this.#onRtcp);
      await this.#ports.release();
    }
  }

  #sdp(codecs: readonly G711Codec[], telephoneEventPt: number | undefined, direction: SdpDirection): string {
    return buildSdp({
      address: this.#mediaIp,
      port: this.#ports.rtpPort,
      codecs,
      telephoneEventPt,
      direction,
      sessionId: this.#sessionId,
      version: this.#sdpVersion++,
    });
  }

  #setRemote(remote: RemoteLeg): void {
    if (this.#leg.closed) throw new ClosedError("RTP session");
    this.#leg.setRemote(remote);
    this.#rtcp.start();
  }

  readonly #onRtp = (datagram: Buffer): void => {
    if (this.#leg.closed) return;
    // RFC 5761 4: RTCP arriving on the RTP port is told apart by its packet type.
    if (isRtcpPacket(datagram)) this.#rtcp.onMessage(datagram);
    else this.#leg.receiveDatagram(datagram);
  };

  readonly #onRtcp = (datagram: Buffer): void => {
    if (!this.#leg.closed) this.#rtcp.onMessage(datagram);
  };

  /** A socket error (ICMP port unreachable reported on receive, for instance) must not crash the run: counted. */
  #listen(socket: Socket, onMessage: (datagram: Buffer) => void): void {
    socket.on("message", onMessage);
    socket.on("error", (error) => {
      this.#socketErrors++;
      log.debug(`RTP socket error: ${error.message}`);
    });
  }
}

/** Runs synchronous work behind an async interface: its result resolves, what it throws rejects. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(work());
  });
}
