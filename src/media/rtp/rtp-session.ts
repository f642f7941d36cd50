/**
 * RtpSession: the plain RTP/AVP G.711 {@link MediaPipeline} (DESIGN.md, issue 3). It owns one bound RTP/RTCP port
 * pair and is paced by the run's one shared {@link MediaClock}: on each 20 ms tick it sends the next frame of its
 * source (or the due RFC 4733 events of a DTMF string). What it receives is parsed (garbage is counted, never
 * thrown), accounted in {@link ReceiveStats}, decoded and handed, with what it sent, to the recorder and analyzer.
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
import { AudioTaps } from "./audio-taps.js";
import type { MediaClock, MediaTick } from "./media-clock.js";
import type { PortAllocator, RtpPortPair } from "./port-allocator.js";
import { answerDirection, remoteMediaFromSdp, remoteLegOf, type RemoteLeg } from "./remote-media.js";
import { isRtcpPacket } from "./rtcp.js";
import { SdpUnusableError } from "../sdp-unusable-error.js";
import { RtcpReporter, type RtcpCounters } from "./rtcp-reporter.js";
import { ArrivalSlotClock } from "./receive-slots.js";
import { RtpReceiver, type ReceivedAudio } from "./rtp-receiver.js";
import { RtpSender } from "./rtp-sender.js";
import { SourcePlayer } from "./source-player.js";

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
  readonly #wallClock: Clock;
  readonly #codecs: readonly G711Codec[];
  readonly #telephoneEventPt: number;
  readonly #mediaIp: string;
  readonly #sessionId: number;
  #sdpVersion = 0;
  readonly #sender: RtpSender;
  readonly #receiver: RtpReceiver;
  readonly #player: SourcePlayer;
  readonly #rtcp: RtcpReporter;
  #rtcpStopped: Promise<void> | undefined;
  readonly #taps: AudioTaps;
  readonly #unregister: () => void;
  #remote: RemoteLeg | undefined;
  #firstTickIndex: number | undefined;
  /** The current media-clock slot, 0 = the first tick this session saw. */
  #slot = 0;
  /** The slot of a packet's wall-clock arrival (the last tick may be overdue after a stall: receive-slots.ts). */
  readonly #arrival: ArrivalSlotClock;
  #socketErrors = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: RtpSessionOptions) {
    if (options.codecs.length === 0) throw new RangeError("an RtpSession needs at least one G.711 codec");
    const random = options.random ?? Math.random;
    this.#ports = options.ports;
    this.#wallClock = options.wallClock;
    this.#codecs = options.codecs;
    this.#telephoneEventPt = options.telephoneEventPt ?? 101;
    this.#mediaIp = options.mediaIp ?? options.ports.address;
    this.#sessionId = Math.floor(random() * 1e9);
    this.#sender = new RtpSender(options.ports.rtp, options.wallClock, random);
    this.#receiver = new RtpReceiver({ telephoneEventPt: this.#telephoneEventPt, onAudio: this.#onAudio });
    this.#rtcp = new RtcpReporter({
      socket: options.ports.rtcp,
      clock: options.wallClock,
      sender: this.#sender,
      receiveStats: this.#receiver.stats,
      cname: `sipwright-${this.#sender.ssrc.toString(16)}@${this.#mediaIp}`,
      target: () => this.#remote?.rtcp,
      rtpTimestampNow: () => this.#sender.timestampOf(this.#slot),
      random,
      ...(options.rtcpIntervalMs === undefined ? {} : { minIntervalMs: options.rtcpIntervalMs }),
    });
    const every = options.frequencyEveryFrames;
    this.#taps = new AudioTaps({
      analyze: options.analyze,
      ...(every === undefined ? {} : { frequencyEveryFrames: every }),
    });
    this.#player = new SourcePlayer(this.#sender, this.#taps, () => this.#remote);
    this.#listen(options.ports.rtp, this.#onRtp);
    this.#listen(options.ports.rtcp, this.#onRtcp);
    this.#arrival = new ArrivalSlotClock(options.clock.intervalMs);
    this.#unregister = options.clock.register(this.#onTick);
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
    if (this.#closed) throw new ClosedError("RTP session");
    this.#player.start(spec);
  }

  controlSource(control: SourceControl): void {
    this.#player.control(control);
  }

  /**
   * RFC 4733 digits with the peer's telephone-event payload type; `fallbackPayloadType` when its SDP gives none
   * (SIPp's play_dtmf always uses 96), else SdpUnusableError.
   */
  async sendDtmf(digits: string, durationMs = DEFAULT_DTMF_MS, fallbackPayloadType?: number): Promise<void> {
    if (this.#closed) throw new ClosedError("RTP session");
    const remote = this.#remote;
    if (remote?.rtp === undefined) throw new SdpUnusableError("DTMF before the peer's media address is known");
    const payloadType = remote.telephoneEventPt ?? fallbackPayloadType;
    if (payloadType === undefined) {
      throw new SdpUnusableError("the peer's SDP offers no telephone-event: RFC 4733 DTMF cannot be sent");
    }
    await this.#player.dtmf.send(digits, durationMs, payloadType);
  }

  startRecording(spec: RecordingSpec): void {
    if (this.#closed) throw new ClosedError("RTP session");
    this.#taps.startRecording(spec, this.#slot);
  }

  checkAudio(spec: AudioCheckSpec): AudioCheckResult {
    return this.#taps.check(spec, { sent: this.#sender.packets, received: this.#receiver.stats.stats().packets });
  }

  stats(): MediaStats {
    const remote = this.#remote;
    return {
      kind: this.kind,
      codec: remote?.codec,
      payloadType: remote?.payloadType,
      local: { address: this.#mediaIp, port: this.#ports.rtpPort },
      remote: remote?.rtp,
      sent: this.#sender.stats(),
      received: this.#receiver.stats.stats(),
      dtmfSent: this.#player.dtmf.sentDigits,
      dtmfReceived: this.#receiver.dtmfDigits,
      recordings: this.#taps.recordings,
      incompleteRecordings: this.#taps.incompleteRecordings,
      audioChecks: [...this.#taps.checks],
    };
  }

  /** Counters beyond MediaStats: garbage, unknown payload types, send errors, RTCP. */
  counters(): RtpSessionCounters {
    return {
      malformedRtp: this.#receiver.malformed,
      unknownPayloadType: this.#receiver.unknownPayloadType,
      sendErrors: this.#sender.sendErrors,
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
    if (this.#closed) return;
    this.#player.stop();
    void this.#stopRtcp();
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Stops the reports once, with a BYE when the peer's RTCP address is known; close() waits for it to leave. */
  #stopRtcp(): Promise<void> {
    this.#rtcpStopped ??= this.#rtcp.stop(this.#remote?.rtcp !== undefined);
    return this.#rtcpStopped;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#unregister();
    this.#player.stop();
    try {
      // RFC 3550 6.6: a participant leaving sends BYE (once: hangUp may have sent it already).
      await this.#stopRtcp();
      await this.#taps.close();
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
    if (this.#closed) throw new ClosedError("RTP session");
    this.#remote = remote;
    this.#player.newTalkspurt();
    this.#rtcp.start();
  }

  readonly #onTick = (tick: MediaTick): void => {
    if (this.#closed) return;
    this.#firstTickIndex ??= tick.index;
    const slot = tick.index - this.#firstTickIndex;
    this.#slot = slot;
    this.#arrival.onTick(slot, this.#wallClock.now(), tick.now - tick.idealTime);
    this.#player.onSlot(slot);
  };

  readonly #onRtp = (datagram: Buffer): void => {
    if (this.#closed) return;
    // RFC 5761 4: RTCP arriving on the RTP port is told apart by its packet type.
    if (isRtcpPacket(datagram)) this.#rtcp.onMessage(datagram);
    else {
      const now = this.#wallClock.now();
      this.#receiver.onDatagram(datagram, this.#remote, now, this.#arrival.slotAt(now));
    }
  };

  readonly #onAudio = (audio: ReceivedAudio): void => {
    this.#taps.frame("received", audio.slot, audio.pcm);
    this.#player.onReceived(audio);
  };

  readonly #onRtcp = (datagram: Buffer): void => {
    if (!this.#closed) this.#rtcp.onMessage(datagram);
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
