/**
 * `--live-stats FILE`: the run's counters once per second as NDJSON (one JSON object a line), for a watcher such as
 * `sipwright serve` that tails the file. Each line is a snapshot of the engine's statistics (StatsSnapshot) and of
 * the media totals of the calls whose media has closed; the last line, written after the run ended, has
 * `"final": true` and the same call counts as summary.json. Lines are written whole with one write each.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { StatsSnapshot } from "../engine/outputs/statistics.js";
import type { Call } from "../engine/call/call.js";
import type { SummaryMedia } from "../records/summary.js";
import { FAILURE_CLASSES } from "../shared/failure.js";

export interface LiveStatsLine {
  readonly t_ms: number;
  readonly wall: string;
  readonly calls: { created: number; active: number; succeeded: number; failed: number; aborted: number };
  /** Calls created per second over the last interval. */
  readonly calls_per_s: number;
  readonly retransmissions: number;
  /** Failure classes seen so far (only those with a count). */
  readonly failure_classes: Record<string, number>;
  /** Cumulative percentiles of the scenario's first response-time measure; null when it has none or no sample. */
  readonly rtd_ms: { name: string; p50: number; p95: number } | null;
  readonly media: { packets_sent: number; packets_received: number; packets_lost: number; calls: number } | null;
  /** The calls in progress that have a WebRTC bridge: ICE connection states, selected pair types, TURN refreshes. */
  readonly webrtc: LiveWebRtc | null;
  readonly final: boolean;
}

export interface LiveWebRtc {
  states: Record<string, number>;
  pairs: Record<string, number>;
  turn_refreshes: number;
}

/** Tallies the live WebRTC state of the calls in progress; null when none has a bridge. */
export function liveWebRtc(calls: Iterable<Call>): LiveWebRtc | null {
  let tally: LiveWebRtc | null = null;
  for (const call of calls) {
    const bridge = call.callMedia?.webrtc?.bridge;
    if (bridge === undefined) continue;
    const stats = bridge.webrtcStats();
    tally ??= { states: {}, pairs: {}, turn_refreshes: 0 };
    tally.states[stats.ice.connection] = (tally.states[stats.ice.connection] ?? 0) + 1;
    const pair = stats.ice.selected_pair?.local.type;
    if (pair !== undefined) tally.pairs[pair] = (tally.pairs[pair] ?? 0) + 1;
    tally.turn_refreshes += stats.turn.refreshes;
  }
  return tally;
}

export interface LiveStatsSource {
  snapshot(): StatsSnapshot;
  media(): SummaryMedia | undefined;
  webrtc(): LiveWebRtc | null;
}

export function liveStatsLine(
  s: StatsSnapshot,
  media: SummaryMedia | undefined,
  webrtc: LiveWebRtc | null,
  previous: { t_ms: number; created: number } | undefined,
  final: boolean,
): LiveStatsLine {
  const failureClasses: Record<string, number> = {};
  for (const name of FAILURE_CLASSES) {
    const n = s.failures[name].cumulative;
    if (n > 0) failureClasses[name] = n;
  }
  const rtd = s.rtds.find((r) => r.stats.count > 0);
  const dt = previous === undefined ? s.elapsedMs : s.elapsedMs - previous.t_ms;
  const dCreated = s.created.cumulative - (previous?.created ?? 0);
  return {
    t_ms: Math.round(s.elapsedMs),
    wall: new Date(s.wallMs).toISOString(),
    calls: {
      created: s.created.cumulative,
      active: s.current,
      succeeded: s.succeeded.cumulative,
      failed: s.failed.cumulative,
      aborted: s.aborted.cumulative,
    },
    calls_per_s: dt > 0 ? Math.round((dCreated * 1000 * 100) / dt) / 100 : 0,
    retransmissions: s.retransmissions.cumulative,
    failure_classes: failureClasses,
    rtd_ms: rtd === undefined ? null : { name: rtd.name, p50: round3(rtd.stats.p50), p95: round3(rtd.stats.p95) },
    media:
      media === undefined
        ? null
        : {
            packets_sent: media.packets_sent,
            packets_received: media.packets_received,
            packets_lost: media.packets_lost,
            calls: media.calls,
          },
    webrtc,
    final,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export class LiveStatsWriter {
  readonly #fd: number;
  readonly #source: LiveStatsSource;
  readonly #periodMs: number;
  #timer: NodeJS.Timeout | undefined;
  #previous: { t_ms: number; created: number } | undefined;
  #closed = false;

  constructor(path: string, source: LiveStatsSource, periodMs = 1000) {
    mkdirSync(dirname(path), { recursive: true });
    this.#fd = openSync(path, "w");
    this.#source = source;
    this.#periodMs = periodMs;
  }

  start(): void {
    this.#write(false);
    this.#timer = setInterval(() => this.#write(false), this.#periodMs);
    this.#timer.unref();
  }

  #write(final: boolean): void {
    if (this.#closed) return;
    const source = this.#source;
    const line = liveStatsLine(source.snapshot(), source.media(), source.webrtc(), this.#previous, final);
    this.#previous = { t_ms: line.t_ms, created: line.calls.created };
    writeSync(this.#fd, JSON.stringify(line) + "\n");
  }

  /** Writes the final line (after the run's outputs are written) and closes the file. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#write(true);
    this.#closed = true;
    closeSync(this.#fd);
  }

  /** Stops without a final line (the run failed before it ended). */
  abandon(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (!this.#closed) closeSync(this.#fd);
    this.#closed = true;
  }
}
