/** A WebRTC bridge for engine tests on the FakeClock: a fixed offer, candidates emitted on demand, no media. */
import { TypedEmitter } from "../../../src/shared/typed-emitter.js";
import type { WebRtcBridgeEvents, WebRtcStats } from "../../../src/media/webrtc/webrtc-types.js";
import type {
  AudioCheckResult,
  AudioCheckSpec,
  BridgePipeline,
  MediaStats,
} from "../../../src/media/media-pipeline.js";
import { webrtcStatsOf } from "../../../src/media/webrtc/webrtc-stats.js";
import { RunMedia } from "../../../src/engine/media/run-media.js";
import type { FakeClock } from "../../../src/shared/clock.js";

export const OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 5000 UDP/TLS/RTP/SAVPF 8\r\n";

export class FakeBridge implements BridgePipeline {
  readonly kind = "webrtc" as const;
  readonly events = new TypedEmitter<WebRtcBridgeEvents>();
  createOffer(): Promise<string> {
    return Promise.resolve(OFFER);
  }
  createAnswer(): Promise<string> {
    return Promise.reject(new Error("not used"));
  }
  acceptAnswer(): Promise<void> {
    return Promise.resolve();
  }
  applyRemoteUpdate(): Promise<void> {
    return Promise.resolve();
  }
  iceFragmentInfo(): { ufrag: string; pwd: string; mid: string } {
    return { ufrag: "uf", pwd: "pw", mid: "0" };
  }
  webrtcStats(): WebRtcStats {
    const timings = { offer_or_answer_ready: 0, ice_connected: null, dtls_connected: null, first_rtp: null };
    return webrtcStatsOf({
      ...{ role: "offerer", trickle: "auto", gathering: "complete", ice: "new", policy: "all" },
      ...{ localCandidates: 0, remoteCandidates: 0, pair: undefined, dtlsState: "new", dtlsRole: "auto" },
      ...{ candidatesSent: 0, candidatesReceived: 0, turnAuth: "none", credentialExpiresAtMs: undefined },
      ...{ refreshes: 0, timings },
    });
  }
  /** Media actions asked of the bridge (none in these scenarios). */
  readonly actions: string[] = [];
  startSource(): void {
    this.actions.push("startSource");
  }
  controlSource(): void {
    this.actions.push("controlSource");
  }
  sendDtmf(): Promise<void> {
    return Promise.resolve();
  }
  startRecording(): void {
    this.actions.push("startRecording");
  }
  /** What checkAudio() answers (a test sets it; by default the fake has no audio to check). */
  checkAudioWith: (spec: AudioCheckSpec) => AudioCheckResult | Promise<AudioCheckResult> = () => {
    throw new Error("not used");
  };
  checkAudio(spec: AudioCheckSpec): AudioCheckResult | Promise<AudioCheckResult> {
    return this.checkAudioWith(spec);
  }
  stats(): MediaStats {
    const stream = { packets: 0, octets: 0, lost: 0, jitterMs: 0, maxGapMs: 0 };
    return {
      ...{ kind: "webrtc", codec: undefined, payloadType: undefined, local: undefined, remote: undefined },
      ...{ sent: stream, received: stream, dtmfSent: "", dtmfReceived: "", recordings: [], audioChecks: [] },
    };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  /** A candidate gathered after the offer went out. */
  gather(n: number): void {
    this.events.emit("localCandidate", {
      candidate: `candidate:${n} 1 udp 2130706431 127.0.0.1 ${5000 + n} typ host`,
      mid: "0",
    });
  }
}

/** A WebRTC run's media whose every call gets `bridge`, made on the fake run's clock (startFakeRun's `media`). */
export function bridgeRunMedia(
  bridge: FakeBridge,
  opts: { readonly analyze: boolean },
): (clock: FakeClock) => RunMedia {
  return (clock) =>
    new RunMedia({
      kind: "webrtc",
      createBridge: () => Promise.resolve(bridge),
      clock,
      mediaIp: "127.0.0.1",
      minPort: 6000,
      maxPort: 6100,
      codecs: ["PCMA"],
      echo: false,
      record: undefined,
      recordingsDir: "unused",
      analyze: opts.analyze,
    });
}
