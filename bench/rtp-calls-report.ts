/** The tables and verdicts bench/rtp-calls.ts prints: per peer, the sipwright/sipp CPU ratio, the goal. */
import { workersLabel } from "./bench-args.js";
import { mean, peakRssCells, printTable, ratioText, span } from "./report-format.js";
import type { Options, Peer, SideResult, StepResult } from "./rtp-calls-types.js";

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

const fixed = (v: number | null | undefined, digits: number): string =>
  v === null || v === undefined ? "-" : v.toFixed(digits);
export const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? "-" : `${(v * 100).toFixed(0)}%`;

const COLUMNS: readonly (readonly [string, (step: StepResult, side: SideResult, name: string) => string])[] = [
  ["calls", (s) => String(s.calls)],
  ["rec", (s) => (s.recording ? "on" : "off")],
  ["workers", (s) => workersLabel(s.media_workers)],
  ["round", (s) => String(s.round)],
  ["load", (s) => s.load_1m.toFixed(1)],
  ["side", (_, __, name) => name],
  ["exit", (_, d) => d.exit],
  ["ok/failed", (_, d) => `${d.successful ?? "?"}/${d.failed ?? "?"}`],
  ["CPU µs/stream·s", (_, d) => fixed(d.cpu_us_per_stream_s, 1)],
  ["core", (_, d) => pct(d.core_share)],
  ["RSS MB", (_, d) => fixed(d.rss_mb, 0)],
  ["peak MB", (_, d) => fixed(d.peak_rss_mb, 0)],
  ["KB/call", (_, d) => fixed(d.rss_kb_per_call, 0)],
  ["peak KB/call", (_, d) => fixed(d.peak_rss_kb_per_call, 0)],
  ["sent/s", (_, d) => String(d.sent_pps ?? "-")],
  ["recv/s", (_, d) => String(d.received_pps ?? "-")],
  ["lost", (_, d) => String(d.media?.packets_lost ?? "-")],
  [
    "pace p50/p99/max ms",
    (_, d) =>
      d.media
        ? `${d.media.pacing.p50_deviation_ms}/${d.media.pacing.p99_deviation_ms}/${d.media.pacing.max_deviation_ms}`
        : "-",
  ],
  ["skipped", (_, d) => String(d.media?.pacing.skipped_ticks ?? "-")],
];

export function printPeerTable(peer: Peer, results: readonly StepResult[], opts: Options): void {
  const steps = results.filter((r) => r.peer === peer);
  if (steps.length === 0) return;
  console.log(
    `\n== UAS = ${peer === "sipp" ? "sipp -sn uas -rtp_echo" : "sipwright -rtp_echo"}; UAC = sipwright, tone, ${opts.seconds} s per call`,
  );
  const rows: string[][] = [COLUMNS.map(([head]) => head)];
  for (const step of steps) {
    for (const [name, side] of [
      ["UAC", step.uac],
      [`UAS ${peer}`, step.uas],
    ] as const)
      rows.push(COLUMNS.map(([, cell]) => cell(step, side, name)));
  }
  printTable(rows);
  for (const step of steps) {
    const line = `${step.calls} calls, rec ${step.recording ? "on" : "off"}, workers ${workersLabel(step.media_workers)}, round ${step.round}: window ${fixed(step.window_s, 1)} s, UDP ${step.udp_out_pps ?? "-"} pkt/s (${pct(step.udp_expected_share)} of expected), round-trip loss ${fixed(step.round_trip_loss === null ? null : step.round_trip_loss * 100, 3)}%`;
    console.log(`${line}${step.problems.length === 0 ? ", clean" : `\n  PROBLEMS: ${step.problems.join("; ")}`}`);
  }
}

/** sipwright UAS vs sipp UAS CPU over the window, same calls and recording mode, same invocation. */
export function ratios(results: readonly StepResult[]): { calls: number; recording: boolean; ratio: number }[] {
  const out: { calls: number; recording: boolean; ratio: number }[] = [];
  for (const ours of results.filter((r) => r.peer === "sipwright")) {
    const theirs = results.find((r) => r.peer === "sipp" && r.calls === ours.calls && r.recording === ours.recording);
    const a = ours.uas.core_share;
    const b = theirs?.uas.core_share;
    if (a !== null && b !== null && b !== undefined && b > 0)
      out.push({ calls: ours.calls, recording: ours.recording, ratio: round(a / b, 2) });
  }
  return out;
}

/** Where the sipwright sides stand against the goal: 2,000 streams with recording on one core, p99 < 2 ms. */
export function goal(results: readonly StepResult[]): string[] {
  const lines: string[] = [];
  const sides = results
    .filter((r) => r.recording)
    .flatMap((r) => [
      { step: r, side: r.uac, name: "UAC" },
      ...(r.peer === "sipwright" ? [{ step: r, side: r.uas, name: "UAS" }] : []),
    ]);
  const clean = sides.filter(
    ({ step, side }) =>
      step.problems.length === 0 && (side.core_share ?? 2) <= 1 && (side.media?.pacing.p99_deviation_ms ?? 99) < 2,
  );
  const best = clean.reduce<(typeof clean)[number] | undefined>(
    (a, b) => (a === undefined || b.step.calls > a.step.calls ? b : a),
    undefined,
  );
  lines.push(
    best === undefined
      ? "no recording step met one core, p99 < 2 ms and no problems"
      : `largest clean recording step within one core and p99 < 2 ms: ${best.step.calls} streams (${best.name}, peer ${best.step.peer}, ${pct(best.side.core_share)} of a core)`,
  );
  const unsaturated = sides.filter(
    ({ step, side }) => (step.udp_expected_share ?? 0) >= 0.98 && side.cpu_us_per_stream_s !== null,
  );
  const top = unsaturated.reduce<(typeof unsaturated)[number] | undefined>(
    (a, b) => (a === undefined || b.step.calls > a.step.calls ? b : a),
    undefined,
  );
  if (top?.side.cpu_us_per_stream_s) {
    const cores = (top.side.cpu_us_per_stream_s * 2000) / 1e6;
    lines.push(
      `projected: 2,000 streams with recording at ${top.side.cpu_us_per_stream_s} µs/stream·s (${top.name} at ${top.step.calls}, peer ${top.step.peer}) = ${cores.toFixed(2)} cores (goal: 1, i.e. 500 µs/stream·s)`,
    );
  }
  return lines;
}

/** Clean for the worker comparison: no problem, and p99 pacing under 2 ms on every sipwright side. */
export function cleanStep(step: StepResult): boolean {
  const sides = step.peer === "sipwright" ? [step.uac, step.uas] : [step.uac];
  return step.problems.length === 0 && sides.every((side) => (side.media?.pacing.p99_deviation_ms ?? 99) < 2);
}

/**
 * One row per (peer, calls, recording, --media-workers) over the rounds: clean rounds (no problem, p99 < 2 ms on
 * every sipwright side), the pacing p99 range, mean CPU per stream-second (all threads) and its ratio to the first
 * worker count of the same step, mean peak RSS per call.
 */
export function printWorkersTable(results: readonly StepResult[]): void {
  const key = (r: StepResult): string => `${r.peer} ${r.calls} ${r.recording} ${workersLabel(r.media_workers)}`;
  const groups = new Map<string, StepResult[]>();
  for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  console.log(
    "\n== By --media-workers (mean over the rounds; clean = no problem and p99 pacing < 2 ms on each sipwright side)",
  );
  const head = ["peer", "calls", "rec", "workers", "clean", "load", "UAC p99 ms", "UAS p99 ms"];
  const rows: string[][] = [
    [...head, "UAC µs/str·s", "UAS µs/str·s", "x first", "UAC peak KB/call", "UAS peak KB/call"],
  ];
  const baseline = new Map<string, number>();
  for (const steps of groups.values()) {
    const first = steps[0];
    if (first === undefined) continue;
    const uacCpu = mean(steps.map((s) => s.uac.cpu_us_per_stream_s));
    const uasCpu = mean(steps.map((s) => s.uas.cpu_us_per_stream_s));
    const both = uacCpu === null || uasCpu === null ? null : uacCpu + uasCpu;
    const stepKey = `${first.peer} ${first.calls} ${first.recording}`;
    if (!baseline.has(stepKey) && both !== null) baseline.set(stepKey, both);
    const base = baseline.get(stepKey);
    rows.push([
      first.peer,
      String(first.calls),
      first.recording ? "on" : "off",
      workersLabel(first.media_workers),
      `${steps.filter(cleanStep).length}/${steps.length}`,
      span(
        steps.map((s) => s.load_1m),
        1,
      ),
      span(
        steps.map((s) => s.uac.media?.pacing.p99_deviation_ms),
        2,
      ),
      span(
        steps.map((s) => s.uas.media?.pacing.p99_deviation_ms),
        2,
      ),
      fixed(uacCpu, 0),
      fixed(uasCpu, 0),
      ratioText(both, base),
      ...peakRssCells(steps),
    ]);
  }
  printTable(rows);
  console.log('"x first": (UAC + UAS CPU per stream-second) / the same of the first --media-workers value listed');
}
