/**
 * A bare werift RTCPeerConnection as the far end of a WebRtcBridge test, made to behave like real gateways where
 * werift itself does not:
 * - `instantClientHello`: as DTLS client it sends its ClientHello the moment its DTLS transport starts, right after
 *   its ICE check succeeded (rtpengine, Chromium), instead of werift's 100 ms pause;
 * - `echo`: every RTP packet it decrypts goes back unchanged, our SSRC included (`sipp -rtp_echo` behind a relay).
 * Only for tests inside a private network namespace (test/helpers/netns.ts).
 */
import { DtlsClient, MediaStreamTrack, RTCPeerConnection, type RTCRtpTransceiver } from "werift";
import { disableHiddenStun, peerConfig } from "../../src/media/webrtc/peer-config.js";

export interface WeriftPeerOptions {
  /** RFC 8842 role this peer takes when it answers: "client" answers a=setup:active, "server" passive. */
  readonly dtlsRole?: "client" | "server";
  readonly instantClientHello?: boolean;
  readonly echo?: boolean;
}

export class WeriftPeer {
  readonly pc: RTCPeerConnection;
  readonly transceiver: RTCRtpTransceiver;
  /** RTP packets this peer decrypted (any SSRC). */
  received = 0;
  echoed = 0;
  /** The SSRCs of the packets echoed (unchanged). */
  readonly echoedSsrcs = new Set<number>();

  constructor(options: WeriftPeerOptions = {}) {
    const { config } = peerConfig({
      codecs: ["PCMA", "PCMU"],
      telephoneEventPt: 101,
      iceServers: [],
      turnCredentials: undefined,
      icePolicy: "all",
      candidateAddresses: ["127.0.0.1"],
      gatherTimeoutMs: 2000,
    });
    this.pc = new RTCPeerConnection(config);
    this.transceiver = this.pc.addTransceiver(new MediaStreamTrack({ kind: "audio" }), { direction: "sendrecv" });
    const transport = this.transceiver.dtlsTransport;
    if (options.dtlsRole !== undefined) transport.role = options.dtlsRole;
    if (options.instantClientHello === true) {
      transport.onStateChange.subscribe((state) => {
        if (state !== "connecting") return;
        // werift creates its DtlsClient synchronously after "connecting", then sleeps 100 ms before connect().
        queueMicrotask(() => {
          const dtls = transport.dtls;
          if (!(dtls instanceof DtlsClient)) return;
          const first = dtls.connect();
          dtls.connect = () => first;
        });
      });
    }
    transport.onRtp.subscribe((packet) => {
      this.received++;
      if (options.echo !== true) return;
      this.echoed++;
      this.echoedSsrcs.add(packet.header.ssrc);
      void transport.sendRtp(packet.payload, packet.header);
    });
  }

  /** Answers `offer` with every candidate gathered (werift's setLocalDescription waits for gathering). */
  async answer(offer: string, options: { readonly controlling?: boolean } = {}): Promise<string> {
    await this.pc.setRemoteDescription({ type: "offer", sdp: offer });
    disableHiddenStun(this.pc);
    // A controlling answerer (RFC 8445 7.3.1.1 role conflict, resolved by tie-breaker) nominates by itself: its ICE
    // and then its DTLS start before the offerer has even seen the answer, as when the SIP answer is slower than media.
    if (options.controlling === true) {
      for (const transport of this.pc.iceTransports) transport.connection.iceControlling = true;
    }
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    return this.pc.localDescription?.sdp ?? answer.sdp;
  }

  /** An offer with every candidate gathered. */
  async offer(): Promise<string> {
    disableHiddenStun(this.pc);
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.pc.localDescription?.sdp ?? "";
  }

  async accept(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: "answer", sdp: answer });
  }

  connected(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pc.connectionState === "connected") {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        reject(new Error(`the werift peer did not connect within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pc.connectionStateChange.subscribe((state) => {
        if (state !== "connected") return;
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return this.pc.close();
  }
}
