/** The shapes bench/rtp-calls.ts measures and reports (see its header). */
import type { Summary } from "../src/records/summary.js";

export type Peer = "sipwright" | "sipp";

export interface Options {
  calls: number[];
  record: boolean[];
  peers: Peer[];
  /** `--media-workers` of the sipwright sides, one step per value (null: not given, the CLI's default). */
  mediaWorkers: (number | null)[];
  /** Each step is run this many times, the `mediaWorkers` values alternating within a round (0,1,2,0,1,2). */
  rounds: number;
  seconds: number;
  rampS: number;
  deadlineS: number;
  skipBuild: boolean;
  jsonPath: string | undefined;
}

export interface SideResult {
  engine: Peer;
  exit: string;
  successful: number | null;
  failed: number | null;
  /** Failure classes with a non-zero count (sipwright). */
  failures: Record<string, number>;
  total_cpu_s: number;
  peak_rss_mb: number;
  /** Over the all-calls-up window (null without a window). */
  window_cpu_s: number | null;
  cpu_us_per_stream_s: number | null;
  core_share: number | null;
  rss_mb: number | null;
  /** (RSS at the end of the window − RSS of an idle sipwright) / N; sipwright sides only. */
  rss_kb_per_call: number | null;
  /** (peak RSS − RSS of an idle sipwright with the same --media-workers) / N; sipwright sides only. */
  peak_rss_kb_per_call: number | null;
  media: Summary["media"];
  /** packets_sent / hold seconds, packets_received / hold seconds (sipwright sides). */
  sent_pps: number | null;
  received_pps: number | null;
}

export interface StepResult {
  calls: number;
  recording: boolean;
  peer: Peer;
  /** `--media-workers` given to the sipwright sides (null: not given). */
  media_workers: number | null;
  /** 1-based round of `--rounds`. */
  round: number;
  /** The host's 1-minute load average when the step started. */
  load_1m: number;
  rate: number;
  window_s: number | null;
  /** Host-wide UDP datagrams per second in the window; expected 2 × 50 × N plus a little RTCP. */
  udp_out_pps: number | null;
  udp_expected_share: number | null;
  /** UDP receive-buffer drops (host-wide) during the whole step. */
  rcvbuf_errors: number;
  /** Drops counted on the UAC's and on the UAS's RTP sockets at the end of the window (see socketDrops). */
  socket_drops: Record<string, number> | null;
  /** (UAC sent − UAC received) / UAC sent: every packet should come back from the echo. */
  round_trip_loss: number | null;
  /** UAC sent − UAC received, in packets. Up to TAIL_PACKETS_PER_CALL per call are the echoes in flight at the BYE. */
  round_trip_missing: number | null;
  uac: SideResult;
  uas: SideResult;
  problems: string[];
}
