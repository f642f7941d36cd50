/**
 * The media half of a {@link WebRtcBridge}: a {@link MediaLeg}, as in an RtpSession, fed by werift instead of a
 * socket. Each 20 ms tick of the run's shared MediaClock the leg's player sends the next frame of the source or the
 * due RFC 4733 events through werift's DTLS-SRTP transport ({@link srtpWire}); what werift decrypts arrives as RTP
 * packets and goes to the leg's receiver as it is (no serialise/parse round trip). Nothing is sent before the
 * connection is up: until {@link attach} the player is not clocked, so a source started early (rtp_stream,
 * play_pcap_audio) begins with the connection instead of losing its start, and DTMF sent early (send_dtmf,
 * play_dtmf right after the 200) is queued and sent then. The wait is bounded by the bridge's ICE/DTLS timeouts:
 * if the connection never comes up the call fails as ice_failed / dtls_failed and close() rejects the digits.
 */
import type { Clock } from "../../shared/clock.js";
import { ClosedError } from "../../shared/errors.js";
import type { AudioCheckResult, AudioCheckSpec, RecordingSpec, SourceControl, SourceSpec } from "../media-pipeline.js";
import { dtmfSequence } from "../rtp/dtmf.js";
import type { MediaClock } from "../rtp/media-clock.js";
import { MediaLeg, type LegStats } from "../rtp/media-leg.js";
import type { RemoteLeg } from "../rtp/remote-media.js";
import type { RtpPacket as OurRtpPacket } from "../rtp/rtp-packet.js";
import { SdpUnusableError } from "../sdp-unusable-error.js";
import type { RTCDtlsTransport, RtpPacket } from "werift";
import { srtpWire } from "./srtp-wire.js";

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
  readonly #telephoneEventPt: number;
  readonly #leg: MediaLeg;
  #transport: RTCDtlsTransport | undefined;
  /** DTMF asked for before the connection was up, sent in order on attach. */
  readonly #earlyDtmf: EarlyDtmf[] = [];

  constructor(options: BridgeMediaOptions) {
    this.#telephoneEventPt = options.telephoneEventPt;
    this.#leg = new MediaLeg({
      name: "WebRTC bridge",
      clock: options.clock,
      wallClock: options.wallClock,
      ssrc: options.ssrc,
      wire: srtpWire(() => this.#transport),
      random: options.random ?? Math.random,
      telephoneEventPt: options.telephoneEventPt,
      analyze: options.analyze,
      holdUntilRemote: true,
    });
  }

  /** The leg negotiated with the peer, once ICE and DTLS are connected: sending starts. */
  attach(remote: RemoteLeg, transport: RTCDtlsTransport): void {
    if (this.#leg.closed) return;
    this.#transport = transport;
    this.#leg.setRemote(remote);
    for (const early of this.#earlyDtmf.splice(0)) {
      try {
        this.#sendDtmfNow(remote, early.digits, early.durationMs).then(early.resolve, early.reject);
      } catch (error) {
        early.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  get remote(): RemoteLeg | undefined {
    return this.#leg.remote;
  }

  /** `Clock.now()` of the first RTP packet received. */
  get firstRtpMs(): number | undefined {
    return this.#leg.firstRtpMs;
  }

  /** An RTP packet werift decrypted (any SSRC of the bundled transport: there is one audio m-line). */
  onRtp(packet: RtpPacket): void {
    if (this.#leg.closed) return;
    const parsed = fromWerift(packet);
    // Not RTP version 2: serialised and parsed as a datagram, so that it is counted malformed as on plain RTP.
    if (parsed === undefined) this.#leg.receiveDatagram(packet.serialize());
    else this.#leg.receivePacket(parsed);
  }

  startSource(spec: SourceSpec): void {
    this.#leg.startSource(spec);
  }

  controlSource(control: SourceControl): void {
    this.#leg.controlSource(control);
  }

  sendDtmf(digits: string, durationMs: number): Promise<void> {
    if (this.#leg.closed) return Promise.reject(new ClosedError("WebRTC bridge"));
    const remote = this.#leg.remote;
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
    return this.#leg.sendDtmf(digits, durationMs, remote.telephoneEventPt);
  }

  startRecording(spec: RecordingSpec): void {
    this.#leg.startRecording(spec);
  }

  checkAudio(spec: AudioCheckSpec, asOfWallMs?: number): AudioCheckResult {
    return this.#leg.checkAudio(spec, asOfWallMs);
  }

  /** Streams, DTMF, recordings (incomplete ones once close() has settled) and audio checks, for MediaStats. */
  stats(): LegStats {
    return this.#leg.stats();
  }

  /** Stops sending, rejects queued DTMF, finalises the recording (idempotent). */
  async close(): Promise<void> {
    if (!this.#leg.closed) {
      this.#leg.stop();
      this.#transport = undefined;
      for (const early of this.#earlyDtmf.splice(0)) early.reject(new ClosedError("WebRTC bridge"));
    }
    await this.#leg.close();
  }
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
