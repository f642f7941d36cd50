/**
 * The media side of one run: the one shared 20 ms MediaClock, the RTP port range, the options every call's pipeline
 * gets (codecs, media IP, -rtp_echo, --record), the folder the WAV files go to, and the media totals of summary.json.
 * It opens each call's RtpSession on demand and, at the end of the run, waits until every pipeline has closed (so
 * the last recordings are finalised before the run reports).
 */
import type { Clock } from "../../shared/clock.js";
import { makeDirs } from "../../shared/make-dirs.js";
import type { G711Codec, MediaStats, RecordingSpec } from "../../media/media-pipeline.js";
import { MediaClock, type PacingStats } from "../../media/rtp/media-clock.js";
import { PortAllocator } from "../../media/rtp/port-allocator.js";
import { RtpSession } from "../../media/rtp/rtp-session.js";
import type { Scenario } from "../../scenario/model.js";
import type { SummaryMedia } from "../../records/summary.js";
import type { BridgePipeline } from "./webrtc-signalling.js";

/** A call's opened pipeline: a plain RTP session, or a WebRTC bridge. */
export type OpenedPipeline =
  | { readonly kind: "rtp"; readonly session: RtpSession; readonly pipeline: RtpSession }
  | { readonly kind: "webrtc"; readonly pipeline: BridgePipeline };

export interface RunMediaOptions {
  /** `rtp`: each call gets an RtpSession; `webrtc` (`--webrtc`, `<scenario webrtc="true">`): a WebRTC bridge. */
  readonly kind: "rtp" | "webrtc";
  /** Creates a call's WebRTC bridge on the run's media clock (a WebRTC run). */
  readonly createBridge?: (clock: MediaClock) => Promise<BridgePipeline>;
  readonly clock: Clock;
  /** Address RTP is bound on and written in our SDP (`-mi`, default the local IP). */
  readonly mediaIp: string;
  readonly minPort: number;
  readonly maxPort: number;
  /** G.711 codecs in our order of preference (`--codecs`). */
  readonly codecs: readonly G711Codec[];
  /** `-rtp_echo`: every call's pipeline sends back what it receives. */
  readonly echo: boolean;
  /** `--record` / `--record-stereo`: every call is recorded from the moment its pipeline opens. */
  readonly record: RecordingSpec["layout"] | undefined;
  /** Where WAV files go (`<out>/recordings`). */
  readonly recordingsDir: string;
  /** Keep per-frame summaries for audio checks (the scenario has a check_audio action). */
  readonly analyze: boolean;
}

/** True when calls of this run have media: WebRTC, a media action in a scenario, or -rtp_echo / --record. */
export function runHasMedia(
  scenario: Scenario,
  ooc: Scenario | undefined,
  config: { readonly rtpEcho: boolean; readonly record: unknown; readonly webrtc: boolean },
): boolean {
  if (config.webrtc || scenario.webrtc || config.rtpEcho || config.record !== undefined) return true;
  return scenarioHasMediaActions(scenario) || (ooc !== undefined && scenarioHasMediaActions(ooc));
}

export function scenarioHasMediaActions(scenario: Scenario): boolean {
  return scenario.steps.some((step) => step.actions.some((action) => action.media === true));
}

export function scenarioChecksAudio(scenario: Scenario): boolean {
  return scenario.steps.some((step) => step.actions.some((action) => action.name === "check_audio"));
}

export class RunMedia {
  readonly options: RunMediaOptions;
  readonly #clock: MediaClock;
  readonly #allocator: PortAllocator;
  readonly #closing = new Set<Promise<unknown>>();
  readonly #totals = new MediaTotals();
  #recordingsDirMade = false;

  constructor(options: RunMediaOptions) {
    this.options = options;
    this.#clock = new MediaClock(options.clock);
    this.#allocator = new PortAllocator({
      address: options.mediaIp,
      minPort: options.minPort,
      maxPort: options.maxPort,
    });
  }

  /** A call's pipeline on the run's clock: a bound RtpSession (BindError when the range is exhausted) or a bridge. */
  async openPipeline(): Promise<OpenedPipeline> {
    if (this.options.kind === "webrtc") {
      const create = this.options.createBridge;
      if (create === undefined) throw new Error("a WebRTC run needs createBridge");
      return { kind: "webrtc", pipeline: await create(this.#clock) };
    }
    const session = await RtpSession.open(this.#allocator, {
      clock: this.#clock,
      wallClock: this.options.clock,
      codecs: this.options.codecs,
      mediaIp: this.options.mediaIp,
      analyze: this.options.analyze,
    });
    return { kind: "rtp", session, pipeline: session };
  }

  /** The recording of call `callNumber`: files named by call number and Call-ID in the run's recordings folder. */
  recordingSpec(layout: RecordingSpec["layout"], callNumber: number, callId: string): RecordingSpec {
    if (!this.#recordingsDirMade) {
      makeDirs(this.options.recordingsDir);
      this.#recordingsDirMade = true;
    }
    return { layout, directory: this.options.recordingsDir, baseName: recordingBaseName(callNumber, callId) };
  }

  /** Keeps the run open until `closing` settles (a call's pipeline closing and its record being written). */
  track(closing: Promise<unknown>): void {
    const tracked = closing.finally(() => this.#closing.delete(tracked));
    this.#closing.add(tracked);
  }

  /** Counts a closed pipeline into summary.json's media totals. */
  account(stats: MediaStats): void {
    this.#totals.add(stats);
  }

  get pacing(): PacingStats {
    return this.#clock.pacingStats();
  }

  get portsInUse(): number {
    return this.#allocator.inUse;
  }

  summary(): SummaryMedia {
    return this.#totals.summary(this.#clock.pacingStats());
  }

  /** Waits for every pipeline still closing, then stops the clock. */
  async close(): Promise<void> {
    while (this.#closing.size > 0) await Promise.allSettled([...this.#closing]);
    this.#clock.close();
  }
}

/** `000042-<Call-ID>`: sorted by call number, and the Call-ID made safe for a file name. */
export function recordingBaseName(callNumber: number, callId: string): string {
  const safe = callId.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100);
  return `${String(callNumber).padStart(6, "0")}-${safe}`;
}

class MediaTotals {
  #calls = 0;
  #packetsSent = 0;
  #packetsReceived = 0;
  #octetsSent = 0;
  #octetsReceived = 0;
  #lost = 0;
  #maxJitterMs = 0;
  #jitterSumMs = 0;
  #jitterCalls = 0;
  #dtmfSent = 0;
  #dtmfReceived = 0;
  #recordings = 0;
  #recordingsIncomplete = 0;
  #checksPassed = 0;
  #checksFailed = 0;

  add(stats: MediaStats): void {
    this.#calls++;
    this.#packetsSent += stats.sent.packets;
    this.#packetsReceived += stats.received.packets;
    this.#octetsSent += stats.sent.octets;
    this.#octetsReceived += stats.received.octets;
    this.#lost += stats.received.lost;
    if (stats.received.packets > 0) {
      this.#jitterSumMs += stats.received.jitterMs;
      this.#jitterCalls++;
      this.#maxJitterMs = Math.max(this.#maxJitterMs, stats.received.jitterMs);
    }
    this.#dtmfSent += stats.dtmfSent.length;
    this.#dtmfReceived += stats.dtmfReceived.length;
    this.#recordings += stats.recordings.length;
    this.#recordingsIncomplete += stats.incompleteRecordings?.length ?? 0;
    for (const check of stats.audioChecks) {
      if (check.passed) this.#checksPassed++;
      else this.#checksFailed++;
    }
  }

  summary(pacing: PacingStats): SummaryMedia {
    const round = (ms: number): number => Math.round(ms * 1000) / 1000;
    return {
      calls: this.#calls,
      packets_sent: this.#packetsSent,
      packets_received: this.#packetsReceived,
      octets_sent: this.#octetsSent,
      octets_received: this.#octetsReceived,
      packets_lost: this.#lost,
      mean_jitter_ms: this.#jitterCalls === 0 ? 0 : round(this.#jitterSumMs / this.#jitterCalls),
      max_jitter_ms: round(this.#maxJitterMs),
      dtmf_digits_sent: this.#dtmfSent,
      dtmf_digits_received: this.#dtmfReceived,
      recordings: this.#recordings,
      recordings_incomplete: this.#recordingsIncomplete,
      audio_checks_passed: this.#checksPassed,
      audio_checks_failed: this.#checksFailed,
      pacing: {
        ticks: pacing.ticks,
        skipped_ticks: pacing.skippedTicks,
        p50_deviation_ms: round(pacing.p50Ms),
        p99_deviation_ms: round(pacing.p99Ms),
        max_deviation_ms: round(pacing.maxMs),
      },
    };
  }
}
