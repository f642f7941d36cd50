/**
 * The media side of one run: the one shared 20 ms MediaClock, the RTP port range, the options every call's pipeline
 * gets (codecs, media IP, -rtp_echo, --record), the folder the WAV files go to, and the media totals of summary.json.
 * It opens each call's RtpSession on demand and, at the end of the run, waits until every pipeline has closed (so
 * the last recordings are finalised before the run reports).
 */
import type { Clock } from "../../shared/clock.js";
import { makeDirs } from "../../shared/make-dirs.js";
import type { BridgePipeline, G711Codec, MediaStats, RecordingSpec, RtpPipeline } from "../../media/media-pipeline.js";
import { MediaRuntime, type BridgeSettings, type PacingStats } from "../../media/create-pipeline.js";
import type { MediaWorkerInfo, PipelineHooks } from "../../media/create-pipeline.js";
import type { Scenario } from "../../scenario/model.js";
import type { SummaryMedia } from "../../records/summary.js";

/** A call's opened pipeline: a plain RTP session, or a WebRTC bridge. */
export type OpenedPipeline =
  | { readonly kind: "rtp"; readonly pipeline: RtpPipeline }
  | { readonly kind: "webrtc"; readonly pipeline: BridgePipeline };

export interface RunMediaOptions {
  /** `rtp`: each call gets an RtpSession; `webrtc` (`--webrtc`, `<scenario webrtc="true">`): a WebRTC bridge. */
  readonly kind: "rtp" | "webrtc";
  /** How each call's WebRTC bridge is made (a WebRTC run). */
  readonly bridge?: BridgeSettings;
  /** Tests: makes a call's bridge instead of `bridge`. */
  readonly createBridge?: () => Promise<BridgePipeline>;
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
  /** `--media-workers`: worker threads the pipelines live on; 0 (default) = this thread. */
  readonly workers?: number;
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
  readonly #runtime: MediaRuntime;
  readonly #closing = new Set<Promise<unknown>>();
  readonly #totals = new MediaTotals();
  #recordingsDirMade = false;

  constructor(options: RunMediaOptions) {
    this.options = options;
    this.#runtime = new MediaRuntime(options);
  }

  /**
   * A call's pipeline, in this thread or on a media worker: a bound RTP session (BindError when the range is
   * exhausted) or a bridge. `hooks.onFailure`: the pipeline failed outside any call to it (its worker died).
   */
  async openPipeline(hooks: PipelineHooks = {}): Promise<OpenedPipeline> {
    const { kind, bridge, createBridge } = this.options;
    if (kind === "rtp") return { kind: "rtp", pipeline: await this.#runtime.openRtp(hooks) };
    if (createBridge !== undefined) return { kind: "webrtc", pipeline: await createBridge() };
    if (bridge === undefined) throw new Error("a WebRTC run needs its bridge settings");
    return { kind: "webrtc", pipeline: await this.#runtime.openBridge(bridge, hooks) };
  }

  /** The media workers started so far (none when the media runs in this thread). */
  get workers(): readonly MediaWorkerInfo[] {
    return this.#runtime.workers;
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
    return this.#runtime.pacing;
  }

  get portsInUse(): number {
    return this.#runtime.portsInUse;
  }

  summary(): SummaryMedia {
    return this.#totals.summary(this.#runtime.pacing);
  }

  /** Waits for every pipeline still closing, then stops the clock (or the media workers). */
  async close(): Promise<void> {
    while (this.#closing.size > 0) await Promise.allSettled([...this.#closing]);
    await this.#runtime.close();
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
