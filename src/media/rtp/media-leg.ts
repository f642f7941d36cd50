/**
 * MediaLeg: the media of one call leg, what a plain {@link RtpSession} and a WebRTC bridge's media share. It is
 * paced by the run's one shared {@link MediaClock} (no timer per call): each 20 ms tick is a slot (0 = the first
 * tick the leg saw), on which the {@link SourcePlayer} sends the next frame of the source or the due RFC 4733 events
 * through the {@link RtpSender}. What arrives — a datagram, or a packet werift already parsed — goes through the
 * {@link RtpReceiver} (statistics, DTMF detection, G.711 decoding) to the {@link AudioTaps} (recording, analysis,
 * audio checks) and to the echo source. The owners differ only in how packets leave and arrive (a UDP socket pair
 * with RTCP; werift's DTLS-SRTP transport) and in their signalling.
 */
import type { Clock } from "../../shared/clock.js";
import { ClosedError } from "../../shared/errors.js";
import type {
  AudioCheckResult,
  AudioCheckSpec,
  G711Codec,
  MediaStats,
  RecordingSpec,
  SourceControl,
  SourceSpec,
} from "../media-pipeline.js";
import { AudioTaps } from "./audio-taps.js";
import type { MediaClock, MediaTick } from "./media-clock.js";
import { ArrivalSlotClock } from "./receive-slots.js";
import type { RemoteLeg } from "./remote-media.js";
import type { RtpPacket } from "./rtp-packet.js";
import { RtpReceiver } from "./rtp-receiver.js";
import { RtpSender, type RtpWireFactory } from "./rtp-sender.js";
import { SourcePlayer } from "./source-player.js";

export interface MediaLegOptions {
  /** Named in the ClosedError of work asked for after close ("RTP session", "WebRTC bridge"). */
  readonly name: string;
  /** The run's one shared 20 ms scheduler. */
  readonly clock: MediaClock;
  /** Arrival times and send gaps. */
  readonly wallClock: Clock;
  /** Our stream's SSRC. */
  readonly ssrc: number;
  /** How our packets leave. */
  readonly wire: RtpWireFactory;
  /** Uniform [0, 1) for the sequence and timestamp starts. */
  readonly random: () => number;
  /** The telephone-event payload type we offered (accepted besides the peer's). */
  readonly telephoneEventPt: number;
  /** Keep per-frame level/frequency summaries for checkAudio(). */
  readonly analyze: boolean;
  readonly frequencyEveryFrames?: number;
  /**
   * The player is clocked only once the remote is known: a source started early begins with the connection instead
   * of losing its start, and early DTMF waits (a WebRTC bridge before ICE and DTLS are up).
   */
  readonly holdUntilRemote: boolean;
}

/** The part of MediaStats both kinds of pipeline fill from their leg. */
export type LegStats = Pick<
  MediaStats,
  "sent" | "received" | "dtmfSent" | "dtmfReceived" | "recordings" | "incompleteRecordings" | "audioChecks"
>;

export class MediaLeg {
  readonly sender: RtpSender;
  readonly receiver: RtpReceiver;
  readonly #name: string;
  readonly #wallClock: Clock;
  readonly #holdUntilRemote: boolean;
  readonly #player: SourcePlayer;
  readonly #taps: AudioTaps;
  readonly #unregister: () => void;
  /** The slot of a packet's wall-clock arrival (the last tick may be overdue after a stall: receive-slots.ts). */
  readonly #arrival: ArrivalSlotClock;
  readonly #intervalMs: number;
  #remote: RemoteLeg | undefined;
  #firstTickIndex: number | undefined;
  /** The current media-clock slot, 0 = the first tick this leg saw. */
  #slot = 0;
  #firstRtpMs: number | undefined;
  #closed = false;

  constructor(options: MediaLegOptions) {
    this.#name = options.name;
    this.#wallClock = options.wallClock;
    this.#holdUntilRemote = options.holdUntilRemote;
    this.sender = new RtpSender({
      ssrc: options.ssrc,
      wire: options.wire,
      clock: options.wallClock,
      random: options.random,
    });
    this.receiver = new RtpReceiver({ telephoneEventPt: options.telephoneEventPt, onAudio: this.#onAudio });
    const every = options.frequencyEveryFrames;
    this.#taps = new AudioTaps({
      analyze: options.analyze,
      ...(every === undefined ? {} : { frequencyEveryFrames: every }),
    });
    this.#player = new SourcePlayer(this.sender, this.#taps, () => this.#remote);
    this.#arrival = new ArrivalSlotClock(options.clock.intervalMs);
    this.#intervalMs = options.clock.intervalMs;
    this.#unregister = options.clock.register(this.#onTick);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The current media-clock slot. */
  get slot(): number {
    return this.#slot;
  }

  get remote(): RemoteLeg | undefined {
    return this.#remote;
  }

  /** Where and how to send from now on; the next packet starts a talkspurt. */
  setRemote(remote: RemoteLeg): void {
    this.#remote = remote;
    this.#player.newTalkspurt();
  }

  /** `Clock.now()` of the first RTP packet received. */
  get firstRtpMs(): number | undefined {
    return this.#firstRtpMs;
  }

  startSource(spec: SourceSpec): void {
    this.#assertOpen();
    this.#player.start(spec);
  }

  controlSource(control: SourceControl): void {
    this.#player.control(control);
  }

  /** Queues RFC 4733 digits with `payloadType`; resolves once the last packet went out. */
  sendDtmf(digits: string, durationMs: number, payloadType: number): Promise<void> {
    return this.#player.dtmf.send(digits, durationMs, payloadType);
  }

  startRecording(spec: RecordingSpec): void {
    this.#assertOpen();
    this.#taps.startRecording(spec, this.#slot);
  }

  /**
   * `asOfWallMs`: the audio as it was at that wall-clock time (when a check was asked from another thread): the
   * slots since are left out.
   */
  checkAudio(spec: AudioCheckSpec, asOfWallMs?: number): AudioCheckResult {
    const packets = { sent: this.sender.packets, received: this.receiver.stats.stats().packets };
    if (asOfWallMs === undefined) return this.#taps.check(spec, packets);
    const lateSlots = Math.max(0, Math.floor((this.#wallClock.wallNow() - asOfWallMs) / this.#intervalMs));
    return this.#taps.check(spec, packets, this.#slot + 1 - lateSlots);
  }

  stats(): LegStats {
    return {
      sent: this.sender.stats(),
      received: this.receiver.stats.stats(),
      dtmfSent: this.#player.dtmf.sentDigits,
      dtmfReceived: this.receiver.dtmfDigits,
      recordings: this.#taps.recordings,
      incompleteRecordings: this.#taps.incompleteRecordings,
      audioChecks: [...this.#taps.checks],
    };
  }

  /** An RTP datagram (RTCP already told apart); garbage is counted, never thrown. */
  receiveDatagram(datagram: Buffer): void {
    if (this.#closed) return;
    const now = this.#arrived();
    this.receiver.onDatagram(datagram, this.#remote, now, this.#arrival.slotAt(now));
  }

  /** An RTP packet already parsed (werift's). */
  receivePacket(packet: RtpPacket): void {
    if (this.#closed) return;
    const now = this.#arrived();
    this.receiver.onPacket(packet, this.#remote, now, this.#arrival.slotAt(now));
  }

  /** The source stops and queued DTMF is rejected; receiving (statistics, recording) goes on. */
  stopSending(): void {
    this.#player.stop();
  }

  /** Nothing more is sent or received: the clock lets go, the source stops, queued DTMF is rejected. Idempotent. */
  stop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unregister();
    this.#player.stop();
  }

  /** stop(), then the recording is finalised (idempotent). */
  async close(): Promise<void> {
    this.stop();
    await this.#taps.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError(this.#name);
  }

  #arrived(): number {
    const now = this.#wallClock.now();
    this.#firstRtpMs ??= now;
    return now;
  }

  readonly #onTick = (tick: MediaTick): void => {
    if (this.#closed) return;
    this.#firstTickIndex ??= tick.index;
    const slot = tick.index - this.#firstTickIndex;
    this.#slot = slot;
    this.#arrival.onTick(slot, this.#wallClock.now(), tick.now - tick.idealTime);
    if (!this.#holdUntilRemote || this.#remote !== undefined) this.#player.onSlot(slot);
  };

  readonly #onAudio = (packet: RtpPacket, codec: G711Codec, slot: number, pcm: Int16Array): void => {
    this.#taps.frame("received", slot, pcm);
    this.#player.onReceived(packet, codec, slot, pcm);
  };
}
