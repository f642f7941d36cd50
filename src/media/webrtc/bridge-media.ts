/**
 * The media half of a {@link WebRtcBridge}: the same pieces as an RtpSession, fed by werift instead of a socket.
 * Paced by the run's shared {@link MediaClock} (no timer per call): each 20 ms tick the {@link SourcePlayer} sends
 * the next frame of the source or the due RFC 4733 events through the {@link BridgeRtpSender}. What werift
 * decrypts arrives as RTP packets and goes through the plain {@link RtpReceiver} (stats, DTMF detection, G.711
 * decoding), then to the {@link AudioTaps} (recording, analysis) and the echo source. Nothing is sent before the
 * connection is up: until {@link attach} the player is not clocked, so a source started early (rtp_stream,
 * play_pcap_audio) begins with the connection instead of losing its start, and DTMF sent early (send_dtmf,
 * play_dtmf right after the 200) is queued and sent then. The wait is bounded by the bridge's ICE/DTLS timeouts:
 * if the connection never comes up the call fails as ice_failed / dtls_failed and close() rejects the digits.
 */
import type { Clock } from "../../shared/clock.js";
import { ClosedError } from "../../shared/errors.js";
import type {
  AudioCheckResult,
  AudioCheckSpec,
  IncompleteRecording,
  RecordingSpec,
  SourceControl,
  SourceSpec,
  StreamStats,
} from "../media-pipeline.js";
import { AudioTaps } from "../rtp/audio-taps.js";
import { dtmfSequence } from "../rtp/dtmf.js";
import type { MediaClock, MediaTick } from "../rtp/media-clock.js";
import type { RemoteLeg } from "../rtp/remote-media.js";
import { ArrivalSlotClock } from "../rtp/receive-slots.js";
import { RtpReceiver, type ReceivedAudio } from "../rtp/rtp-receiver.js";
import type { RtpPacket as OurRtpPacket } from "../rtp/rtp-packet.js";
import { SourcePlayer } from "../rtp/source-player.js";
import { SdpUnusableError } from "../sdp-unusable-error.js";
import type { RTCDtlsTransport, RtpPacket } from "werift";
import { BridgeRtpSender } from "./bridge-rtp-sender.js";

export interface BridgeMediaOptions {
  readonly clock: MediaClock;
  readonly wallClock: Clock;
  readonly analyze: boolean;
  /** The telephone-event payload type we offered (accepted besides the peer's). */
  readonly telephoneEventPt: number;
  /** The SSRC werift announced for our stream. */
  readonly ssrc: number;
  readonly random?: () => number;
}

interface EarlyDtmf {
  readonly digits: string;
  readonly durationMs: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class BridgeMedia {
  readonly #wallClock: Clock;
  readonly #telephoneEventPt: number;
  readonly #sender: BridgeRtpSender;
  readonly #receiver: RtpReceiver;
  readonly #player: SourcePlayer;
  readonly #taps: AudioTaps;
  readonly #unregister: () => void;
  #remote: RemoteLeg | undefined;
  #transport: RTCDtlsTransport | undefined;
  #firstTickIndex: number | undefined;
  #slot = 0;
  readonly #arrival: ArrivalSlotClock;
  #firstRtpMs: number | undefined;
  #closed = false;
  /** DTMF asked for before the connection was up, sent in order on attach. */
  readonly #earlyDtmf: EarlyDtmf[] = [];

  constructor(options: BridgeMediaOptions) {
    this.#wallClock = options.wallClock;
    this.#telephoneEventPt = options.telephoneEventPt;
    this.#arrival = new ArrivalSlotClock(options.clock.intervalMs);
    this.#sender = new BridgeRtpSender(
      options.ssrc,
      () => this.#transport,
      options.wallClock,
      options.random ?? Math.random,
    );
    this.#receiver = new RtpReceiver({ telephoneEventPt: options.telephoneEventPt, onAudio: this.#onAudio });
    this.#taps = new AudioTaps({ analyze: options.analyze });
    this.#player = new SourcePlayer(this.#sender, this.#taps, () => this.#remote);
    this.#unregister = options.clock.register(this.#onTick);
  }

  /** The leg negotiated with the peer, once ICE and DTLS are connected: sending starts. */
  attach(remote: RemoteLeg, transport: RTCDtlsTransport): void {
    if (this.#closed) return;
    this.#remote = remote;
    this.#transport = transport;
    this.#player.newTalkspurt();
    for (const early of this.#earlyDtmf.splice(0)) {
      try {
        this.#sendDtmfNow(remote, early.digits, early.durationMs).then(early.resolve, early.reject);
      } catch (error) {
        early.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  get remote(): RemoteLeg | undefined {
    return this.#remote;
  }

  /** `Clock.now()` of the first RTP packet received. */
  get firstRtpMs(): number | undefined {
    return this.#firstRtpMs;
  }

  /** An RTP packet werift decrypted (any SSRC of the bundled transport: there is one audio m-line). */
  onRtp(packet: RtpPacket): void {
    if (this.#closed) return;
    const now = this.#wallClock.now();
    this.#firstRtpMs ??= now;
    const slot = this.#arrival.slotAt(now);
    const parsed = fromWerift(packet);
    // Not RTP version 2: serialised and parsed as a datagram, so that it is counted malformed as on plain RTP.
    if (parsed === undefined) this.#receiver.onDatagram(packet.serialize(), this.#remote, now, slot);
    else this.#receiver.onPacket(parsed, this.#remote, now, slot);
  }

  startSource(spec: SourceSpec): void {
    if (this.#closed) throw new ClosedError("WebRTC bridge");
    this.#player.start(spec);
  }

  controlSource(control: SourceControl): void {
    this.#player.control(control);
  }

  sendDtmf(digits: string, durationMs: number): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError("WebRTC bridge"));
    const remote = this.#remote;
    if (remote === undefined) {
      // Validates now (RangeError for a bad digit), as when connected; the payload type is checked on attach.
      dtmfSequence(digits, { payloadType: this.#telephoneEventPt, durationMs, startTimestamp: 0 });
      return new Promise((resolve, reject) => {
        this.#earlyDtmf.push({ digits, durationMs, resolve, reject });
      });
    }
    return this.#sendDtmfNow(remote, digits, durationMs);
  }

  #sendDtmfNow(remote: RemoteLeg, digits: string, durationMs: number): Promise<void> {
    if (remote.telephoneEventPt === undefined) {
      const error = new SdpUnusableError("the peer's SDP offers no telephone-event/8000: RFC 4733 DTMF cannot be sent");
      return Promise.reject(error);
    }
    return this.#player.dtmf.send(digits, durationMs, remote.telephoneEventPt);
  }

  startRecording(spec: RecordingSpec): void {
    if (this.#closed) throw new ClosedError("WebRTC bridge");
    this.#taps.startRecording(spec, this.#slot);
  }

  checkAudio(spec: AudioCheckSpec): AudioCheckResult {
    return this.#taps.check(spec, { sent: this.#sender.packets, received: this.#receiver.stats.stats().packets });
  }

  get sent(): StreamStats {
    return this.#sender.stats();
  }

  get received(): StreamStats {
    return this.#receiver.stats.stats();
  }

  get dtmfSent(): string {
    return this.#player.dtmf.sentDigits;
  }

  get dtmfReceived(): string {
    return this.#receiver.dtmfDigits;
  }

  get recordings(): readonly string[] {
    return this.#taps.recordings;
  }

  /** The files of the recording that could not be finalised, each with its reason, once close() has settled. */
  get incompleteRecordings(): readonly IncompleteRecording[] {
    return this.#taps.incompleteRecordings;
  }

  get audioChecks(): readonly AudioCheckResult[] {
    return [...this.#taps.checks];
  }

  /** Stops sending, rejects queued DTMF, finalises the recording (idempotent). */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#unregister();
      this.#player.stop();
      this.#transport = undefined;
      for (const early of this.#earlyDtmf.splice(0)) early.reject(new ClosedError("WebRTC bridge"));
    }
    await this.#taps.close();
  }

  readonly #onTick = (tick: MediaTick): void => {
    if (this.#closed) return;
    this.#firstTickIndex ??= tick.index;
    this.#slot = tick.index - this.#firstTickIndex;
    this.#arrival.onTick(this.#slot, this.#wallClock.now(), tick.now - tick.idealTime);
    // Not clocked before the connection is up: a source's audio and queued DTMF start with it.
    if (this.#remote !== undefined) this.#player.onSlot(this.#slot);
  };

  readonly #onAudio = (audio: ReceivedAudio): void => {
    this.#taps.frame("received", audio.slot, audio.pcm);
    this.#player.onReceived(audio);
  };
}

/**
 * werift's parsed packet as ours, without serialising and parsing it again; undefined unless RTP version 2. The
 * payload is werift's view (padding removed, no copy). The header extension is not carried: werift has split it into
 * elements already, and nothing on the receive path reads it.
 */
export function fromWerift(packet: RtpPacket): OurRtpPacket | undefined {
  const h = packet.header;
  if (h.version !== 2) return undefined;
  return {
    marker: h.marker,
    payloadType: h.payloadType,
    sequenceNumber: h.sequenceNumber,
    timestamp: h.timestamp,
    ssrc: h.ssrc,
    csrcs: h.csrc,
    extension: undefined,
    paddingLength: h.padding ? h.paddingSize : 0,
    payload: packet.payload,
  };
}
