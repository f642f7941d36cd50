/**
 * Watches a running job's files: the child's `--live-stats` lines become `counters` events, each new line of
 * call_records.jsonl a `record` event; the WebRTC strip is gathered from those records (docs/api.md "Events").
 */
import { join } from "node:path";
import type { CallRecord } from "../records/call-record.js";
import type { LiveStatsLine, LiveWebRtc } from "../cli/live-stats.js";
import { FileTail } from "./file-tail.js";
import { LIVE_FILE, RECORDS_FILE } from "./job.js";

export interface WebRtcCounters {
  /** ICE connection states of the calls in progress (from the engine, each second). */
  states: Record<string, number>;
  /** ICE connection states the finished calls ended in (from their records). */
  ended_states: Record<string, number>;
  pairs: Record<string, number>;
  turn_refreshes: number;
  ice_servers: string[];
  recent_failures: { call_number: number; failure_class: string; reason: string }[];
}

export interface CountersEvent {
  job_id: string;
  t_ms: number;
  calls: LiveStatsLine["calls"];
  calls_per_s: number;
  retransmissions: number;
  failure_classes: Record<string, number>;
  rtd_ms: { p50: number; p95: number } | null;
  media: { packets_sent: number; packets_received: number; packets_lost: number } | null;
  webrtc: WebRtcCounters | null;
  final: boolean;
}

const RECENT_FAILURES = 20;

/** `--ice-server URL` values of a job's arguments. */
export function iceServersOf(args: readonly string[]): string[] {
  const servers: string[] = [];
  args.forEach((a, i) => {
    const v = args[i + 1];
    if ((a === "--ice-server" || a === "-ice-server") && v !== undefined) servers.push(v.split("?")[0] ?? v);
  });
  return servers;
}

export class WebRtcTally {
  readonly #tally: WebRtcCounters;
  #seen = false;

  constructor(iceServers: string[]) {
    this.#tally = {
      states: {},
      ended_states: {},
      pairs: {},
      turn_refreshes: 0,
      ice_servers: iceServers,
      recent_failures: [],
    };
  }

  add(record: CallRecord): void {
    const w = record.webrtc;
    if (w === null) return;
    this.#seen = true;
    const t = this.#tally;
    t.ended_states[w.ice.connection] = (t.ended_states[w.ice.connection] ?? 0) + 1;
    const pair = w.ice.selected_pair?.local.type;
    if (pair !== undefined) t.pairs[pair] = (t.pairs[pair] ?? 0) + 1;
    t.turn_refreshes += w.turn.refreshes;
    if (record.failure !== null) {
      t.recent_failures.push({
        call_number: record.call_number,
        failure_class: record.failure.class,
        reason: record.failure.reason,
      });
      if (t.recent_failures.length > RECENT_FAILURES) t.recent_failures.shift();
    }
  }

  /** The finished calls' tally merged with the live one of the calls in progress. */
  read(live: LiveWebRtc | null | undefined): WebRtcCounters | null {
    if (!this.#seen && live == null && this.#tally.ice_servers.length === 0) return null;
    const t = this.#tally;
    const pairs = { ...t.pairs };
    for (const [type, n] of Object.entries(live?.pairs ?? {})) pairs[type] = (pairs[type] ?? 0) + n;
    return {
      ...t,
      states: { ...live?.states },
      ended_states: { ...t.ended_states },
      pairs,
      turn_refreshes: t.turn_refreshes + (live?.turn_refreshes ?? 0),
      recent_failures: [...t.recent_failures],
    };
  }
}

export class JobMonitor {
  readonly #jobId: string;
  readonly #live: FileTail;
  readonly #records: FileTail;
  readonly #webrtc: WebRtcTally;
  readonly #onCounters: (event: CountersEvent) => void;
  #latest: CountersEvent | undefined;
  #latestLine: LiveStatsLine | undefined;
  /** Records tallied when #latest was built. */
  #recordsInLatest = 0;
  #recordCount = 0;

  constructor(opts: {
    readonly jobId: string;
    readonly folder: string;
    readonly args: readonly string[];
    readonly onCounters: (event: CountersEvent) => void;
    readonly onRecord: (record: CallRecord) => void;
  }) {
    this.#jobId = opts.jobId;
    this.#webrtc = new WebRtcTally(iceServersOf(opts.args));
    this.#onCounters = opts.onCounters;
    this.#live = new FileTail(join(opts.folder, LIVE_FILE), (line) => {
      const parsed = parse(line) as LiveStatsLine | undefined;
      if (parsed !== undefined) this.#emit(parsed);
    });
    this.#records = new FileTail(join(opts.folder, RECORDS_FILE), (line) => {
      const record = parse(line) as CallRecord | undefined;
      if (record === undefined) return;
      this.#recordCount++;
      this.#webrtc.add(record);
      opts.onRecord(record);
    });
  }

  get latest(): CountersEvent | undefined {
    return this.#latest;
  }

  get recordCount(): number {
    return this.#recordCount;
  }

  #emit(line: LiveStatsLine): void {
    this.#latestLine = line;
    this.#recordsInLatest = this.#recordCount;
    this.#latest = this.#counters(line);
    this.#onCounters(this.#latest);
  }

  #counters(line: LiveStatsLine): CountersEvent {
    return {
      job_id: this.#jobId,
      t_ms: line.t_ms,
      calls: line.calls,
      calls_per_s: line.calls_per_s,
      retransmissions: line.retransmissions,
      failure_classes: line.failure_classes,
      rtd_ms: line.rtd_ms === null ? null : { p50: line.rtd_ms.p50, p95: line.rtd_ms.p95 },
      media:
        line.media === null
          ? null
          : {
              packets_sent: line.media.packets_sent,
              packets_received: line.media.packets_received,
              packets_lost: line.media.packets_lost,
            },
      webrtc: this.#webrtc.read(line.webrtc),
      final: line.final,
    };
  }

  start(): void {
    this.#records.start();
    this.#live.start();
  }

  /**
   * The last lines of both files (records first, so the final counters carry every record's WebRTC tally). The two
   * files are polled apart, so the live file's final line can be read before the last records are: the last
   * counters are then built again, and sent again, with every record in their tally.
   */
  async stop(): Promise<void> {
    await this.#records.stop();
    await this.#live.stop();
    if (this.#latestLine !== undefined && this.#recordsInLatest !== this.#recordCount) this.#emit(this.#latestLine);
  }
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
