/**
 * The sending side of an RtpSession on each media-clock slot: the due RFC 4733 events of a DTMF string (audio
 * paused meanwhile), else the next frame of the source (tone, silence, WAV), encoded with the negotiated codec (or
 * the one the source spec names, with its static payload type).
 * The echo source sends back each received frame at once instead; a pcap source replays the capture's RTP
 * payloads with the capture's timing and payload types (SIPp play_pcap_audio), re-stamped with our sequence
 * numbers, SSRC and a timestamp offset onto our clock. RFC 3551 4.1: the first packet of each
 * talkspurt — after a start, a resume, a DTMF string or a new remote — carries the marker bit.
 */
import { G711_PAYLOAD_TYPE, type G711Codec, type SourceControl, type SourceSpec } from "../media-pipeline.js";
import type { AudioSource } from "../audio/audio-source.js";
import { createSource } from "../audio/create-source.js";
import { FRAME_MS, FRAME_SAMPLES } from "../audio/audio-format.js";
import { decodeFrame, encodeFrame } from "../audio/g711.js";
import { PcapReplay } from "../pcap/pcap-source.js";
import { readPcapFile, type PcapRtpPacket } from "../pcap/read-pcap.js";
import type { AudioTaps } from "./audio-taps.js";
import type { DtmfPacket } from "./dtmf.js";
import { DtmfSender } from "./dtmf-sender.js";
import type { MediaEndpoint, RemoteLeg } from "./remote-media.js";
import type { RtpPacket } from "./rtp-packet.js";
import { STATIC_G711 } from "./rtp-receiver.js";
import type { RtpSender } from "./rtp-sender.js";

interface PcapPlayback {
  readonly kind: "pcap";
  readonly replay: PcapReplay;
  /** Slots played so far (a pause stops the capture's clock). */
  playedSlots: number;
  /** Our timestamp minus the capture's, set at the start of each talkspurt. */
  timestampOffset: number | undefined;
}

interface PcmPlayback {
  readonly kind: "pcm";
  readonly audio: AudioSource;
  /** Sent with this codec and its static payload type instead of the negotiated ones (SourceSpec `codec`). */
  readonly codec: G711Codec | undefined;
}

type ActiveSource = PcmPlayback | { readonly kind: "echo" } | PcapPlayback;

/**
 * What the player sends through: an {@link RtpSender} (over UDP or the WebRTC bridge's DTLS-SRTP). Its wire consumes
 * a payload before `send` returns: the player encodes every frame into one buffer it reuses.
 */
export type RtpPacketSink = Pick<RtpSender, "timestampOf" | "send">;

export class SourcePlayer {
  readonly dtmf: DtmfSender;
  readonly #sender: RtpPacketSink;
  readonly #taps: AudioTaps;
  readonly #remote: () => RemoteLeg | undefined;
  #source: ActiveSource | undefined;
  #paused = false;
  #inTalkspurt = false;
  /** The encoded payload of the frame being sent, reused (see RtpPacketSink). */
  readonly #payload = Buffer.alloc(FRAME_SAMPLES);
  /** A captured packet's decoded audio for the taps, reused (the taps copy what they keep). */
  readonly #pcm = new Int16Array(FRAME_SAMPLES);

  constructor(sender: RtpPacketSink, taps: AudioTaps, remote: () => RemoteLeg | undefined) {
    this.#sender = sender;
    this.#taps = taps;
    this.#remote = remote;
    this.dtmf = new DtmfSender(this.#sendDtmfPacket);
  }

  /** Replaces the source; throws FILE_ERROR for an unreadable WAV or pcap file (one not read beforehand). */
  start(spec: SourceSpec): void {
    switch (spec.kind) {
      case "pcap":
        // A packet is due on the tick nearest its capture time (half a tick early at most).
        this.#source = {
          kind: "pcap",
          replay: new PcapReplay(spec.stream ?? readPcapFile(spec.path), { lookaheadMs: FRAME_MS / 2 }),
          playedSlots: 0,
          timestampOffset: undefined,
        };
        break;
      case "echo":
        this.#source = { kind: "echo" };
        break;
      case "tone":
      case "silence":
      case "wav":
        this.#source = { kind: "pcm", audio: createSource(spec), codec: spec.codec };
        break;
    }
    this.#paused = false;
    this.#inTalkspurt = false;
  }

  control(control: SourceControl): void {
    if (control === "stop") this.#source = undefined;
    else this.#paused = control === "pause";
    this.#inTalkspurt = false;
  }

  /** The next packet starts a new talkspurt (the remote changed). */
  newTalkspurt(): void {
    this.#inTalkspurt = false;
  }

  /** Drops the source and rejects queued DTMF (the session closes). */
  stop(): void {
    this.#source = undefined;
    this.dtmf.cancel();
  }

  onSlot(slot: number): void {
    if (this.dtmf.onSlot(slot, (s) => this.#sender.timestampOf(s))) {
      this.#inTalkspurt = false;
      return;
    }
    const source = this.#source;
    if (source?.kind === "pcap" && !this.#paused) this.#replay(source, slot);
    if (source?.kind !== "pcm" || this.#paused) return;
    const frame = source.audio.nextFrame();
    if (frame === undefined) {
      // The source ended (a WAV file played its loops): nothing more to send.
      this.#source = undefined;
      this.#inTalkspurt = false;
      return;
    }
    const remote = this.#remote();
    if (remote === undefined) return;
    // SIPp behaviour: rtp_stream sends with the payload type the action names, whatever the SDP negotiated.
    const codec = source.codec ?? remote.codec;
    const payloadType = source.codec === undefined ? remote.payloadType : G711_PAYLOAD_TYPE[source.codec];
    const payload = source.audio.encodedFrame?.(codec) ?? encodeFrame(codec, frame, this.#payload);
    if (!this.#send(remote, slot, payload, payloadType)) return;
    this.#taps.frame("sent", slot, frame);
  }

  /** The echo source: what arrives goes back at once, re-stamped with our sequence, timestamp and SSRC. */
  onReceived(packet: RtpPacket, codec: G711Codec, slot: number, pcm: Int16Array): void {
    if (this.#source?.kind !== "echo" || this.#paused || this.dtmf.busy) return;
    const remote = this.#remote();
    if (remote === undefined) return;
    const payload = codec === remote.codec ? packet.payload : encodeFrame(remote.codec, pcm, this.#payload);
    if (this.#send(remote, slot, payload, remote.payloadType)) this.#taps.frame("sent", slot, pcm);
  }

  #replay(source: PcapPlayback, slot: number): void {
    const due = source.replay.due(source.playedSlots++ * FRAME_MS);
    if (source.replay.finished) this.#source = undefined;
    const remote = this.#remote();
    if (remote?.rtp === undefined || !remote.send) return;
    for (const packet of due) this.#sendCaptured(remote.rtp, source, packet, slot);
    if (this.#source === undefined) this.#inTalkspurt = false;
  }

  #sendCaptured(to: MediaEndpoint, source: PcapPlayback, packet: PcapRtpPacket, slot: number): void {
    if (!this.#inTalkspurt || source.timestampOffset === undefined) {
      source.timestampOffset = (this.#sender.timestampOf(slot) - packet.timestamp) >>> 0;
    }
    const timestamp = (packet.timestamp + source.timestampOffset) >>> 0;
    const marker = packet.marker || !this.#inTalkspurt;
    this.#sender.send(to, packet.payloadType, marker, timestamp, packet.payload);
    this.#inTalkspurt = true;
    const codec = STATIC_G711.get(packet.payloadType);
    if (codec !== undefined) this.#taps.frame("sent", slot, decodeFrame(codec, packet.payload, this.#pcm));
  }

  #send(remote: RemoteLeg, slot: number, payload: Uint8Array, payloadType: number): boolean {
    if (remote.rtp === undefined || !remote.send) return false;
    const timestamp = this.#sender.timestampOf(slot);
    this.#sender.send(remote.rtp, payloadType, !this.#inTalkspurt, timestamp, payload);
    this.#inTalkspurt = true;
    return true;
  }

  readonly #sendDtmfPacket = (packet: DtmfPacket): void => {
    const remote = this.#remote();
    if (remote?.rtp === undefined || !remote.send) return;
    this.#sender.send(remote.rtp, packet.payloadType, packet.marker, packet.timestamp, packet.payload);
  };
}
