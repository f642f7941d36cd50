/** The tables and the verdict bench/webrtc.ts prints (console output is this benchmark's purpose). */
import { workersLabel } from "./bench-args.js";
import { mean, peakRssCells, printTable, ratioText, span } from "./report-format.js";
import type { ConcurrencyResult, Percentiles, SetupResult } from "./webrtc-results.js";

/** Goals of issue 4. */
const ANSWER_GOAL_MS = 20;
const MEDIA_GOAL_MS = 300;
const CONCURRENT_GOAL = 300;

const p = (v: Percentiles | null): string => (v === null ? "-" : `${v.p50}/${v.p95}`);
const fixed = (v: number | null | undefined, digits: number): string =>
  v === null || v === undefined ? "-" : v.toFixed(digits);

export function printSetup(title: string, results: readonly SetupResult[]): void {
  if (results.length === 0) return;
  console.log(`\n== ${title} (ms, p50/p95; ICE/DTLS/RTP from each side's bridge creation)`);
  const rows = [
    [
      "calls/s",
      "SIP",
      "calls",
      "ok uac/uas",
      "answer",
      "UAC ICE",
      "UAC DTLS",
      "UAC 1st RTP",
      "UAS ICE",
      "UAS DTLS",
      "UAS 1st RTP",
    ],
  ];
  for (const r of results)
    rows.push([
      String(r.rate),
      r.transport,
      String(r.calls),
      `${r.successful.uac}/${r.successful.uas}`,
      p(r.answer_ms),
      p(r.uac.ice),
      p(r.uac.dtls),
      p(r.uac.first_rtp),
      p(r.uas.ice),
      p(r.uas.dtls),
      p(r.uas.first_rtp),
    ]);
  printTable(rows);
  for (const r of results) {
    for (const [side, t] of [
      ["UAC", r.uac],
      ["UAS", r.uas],
    ] as const) {
      console.log(
        `  ${r.rate}/s ${r.transport} ${side} (DTLS ${t.dtls_role}): ICE connected -> DTLS connected ${p(t.ice_to_dtls)} ms, -> first RTP ${p(t.ice_to_rtp)} ms`,
      );
    }
  }
  for (const r of results)
    if (r.problems.length > 0) console.log(`  ${r.rate}/s ${r.transport} PROBLEMS: ${r.problems.join("; ")}`);
}

export function printConcurrency(results: readonly ConcurrencyResult[], windowS: number): void {
  if (results.length === 0) return;
  console.log(`\n== Concurrent bridged calls with --record-stereo on both sides (window about ${windowS} s)`);
  const rows = [
    [
      "calls",
      "workers",
      "round",
      "load",
      "side",
      "exit",
      "ok",
      "core",
      "%core/call",
      "RSS MB",
      "KB/call",
      "peak KB/call",
      "sent",
      "recv",
      "lost",
      "pace p50/p99/max",
      "skipped",
    ],
  ];
  for (const r of results) {
    for (const [name, side, exit, ok] of [
      ["UAC", r.uac, r.exits.uac, r.successful.uac],
      ["UAS", r.uas, r.exits.uas, r.successful.uas],
    ] as const) {
      const m = side.media;
      rows.push([
        String(r.calls),
        workersLabel(r.media_workers),
        String(r.round),
        r.load_1m.toFixed(1),
        name,
        exit,
        String(ok),
        side.core_share === null ? "-" : `${(side.core_share * 100).toFixed(0)}%`,
        fixed(side.core_pct_per_call, 3),
        fixed(side.rss_mb, 0),
        fixed(side.rss_kb_per_call, 0),
        fixed(side.peak_rss_kb_per_call, 0),
        String(m?.packets_sent ?? "-"),
        String(m?.packets_received ?? "-"),
        String(m?.packets_lost ?? "-"),
        m === null ? "-" : `${m.pacing.p50_deviation_ms}/${m.pacing.p99_deviation_ms}/${m.pacing.max_deviation_ms}`,
        String(m?.pacing.skipped_ticks ?? "-"),
      ]);
    }
  }
  printTable(rows);
  for (const r of results) {
    const short = `shortfall UAC->UAS ${fixed(pctOf(r.shortfall.uac_to_uas), 2)}%, UAS->UAC ${fixed(pctOf(r.shortfall.uas_to_uac), 2)}%`;
    const line = `${r.calls} calls, workers ${workersLabel(r.media_workers)}, round ${r.round}: window ${fixed(r.window_s, 1)} s, answer ${p(r.answer_ms)} ms, UAC first RTP ${p(r.uac_first_rtp_ms)} ms, ${short}`;
    console.log(`${line}${r.problems.length === 0 ? ", clean" : `\n  PROBLEMS: ${r.problems.join("; ")}`}`);
  }
}

const pctOf = (v: number | null): number | null => (v === null ? null : v * 100);

/** Where the run stands against the issue's goals, in sentences. */
export function verdict(
  latency: readonly SetupResult[],
  rate: readonly SetupResult[],
  concurrency: readonly ConcurrencyResult[],
): string[] {
  const lines: string[] = [];
  for (const r of latency) {
    const answer = r.answer_ms?.p95;
    const media = r.uac.first_rtp?.p95;
    lines.push(
      `${r.rate} calls/s: answer p95 ${answer ?? "-"} ms (goal < ${ANSWER_GOAL_MS}: ${answer !== undefined && answer < ANSWER_GOAL_MS ? "met" : "not met"}), ` +
        `media flowing p95 ${media ?? "-"} ms after the UAC's offer (goal < ${MEDIA_GOAL_MS}: ${media !== undefined && media < MEDIA_GOAL_MS ? "met" : "not met"})`,
    );
  }
  for (const transport of new Set(rate.map((r) => r.transport))) {
    const mine = rate.filter((r) => r.transport === transport);
    const clean = mine.filter((r) => r.clean);
    const best = clean[clean.length - 1];
    const first = mine.find((r) => !r.clean);
    lines.push(
      `highest clean set-up rate, SIP over ${transport}: ${best === undefined ? "none" : `${best.rate} calls/s`}` +
        (first === undefined ? " (the highest tried)" : `; ${first.rate} calls/s: ${first.problems.join("; ")}`),
    );
  }
  const perCall = concurrency.flatMap((r) =>
    r.problems.length === 0 && r.uac.core_share !== null && r.uas.core_share !== null
      ? [{ calls: r.calls, worst: Math.max(r.uac.core_share, r.uas.core_share) }]
      : [],
  );
  const within = perCall.filter((r) => r.worst <= 1);
  const top = within[within.length - 1];
  if (concurrency.length > 0)
    lines.push(
      top === undefined
        ? "no clean concurrency step within one core per side"
        : `largest clean step within one core per side: ${top.calls} calls (busiest side ${(top.worst * 100).toFixed(0)}% of a core); goal ${CONCURRENT_GOAL}`,
    );
  const last = perCall[perCall.length - 1];
  if (last !== undefined)
    lines.push(
      `projected at ${last.calls} calls' cost: one core carries about ${Math.floor(last.calls / last.worst)} bridged calls per side (goal ${CONCURRENT_GOAL})`,
    );
  return lines;
}

/**
 * One row per (calls, --media-workers) over the rounds: rounds where every call succeeded on both sides (audio
 * checks included), fully clean rounds (no problem at all: no gap, no skipped tick either), pacing p99, mean
 * %core per call (all threads) and its ratio to the first worker count listed, mean peak RSS per call.
 */
export function printWorkersComparison(results: readonly ConcurrencyResult[]): void {
  const groups = new Map<string, ConcurrencyResult[]>();
  for (const r of results) {
    const key = `${r.calls} ${workersLabel(r.media_workers)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  console.log("\n== By --media-workers (mean over the rounds; both sides run with the same count)");
  const rows = [
    [
      "calls",
      "workers",
      "all ok",
      "clean",
      "load",
      "UAC p99 ms",
      "UAS p99 ms",
      "UAC %core/call",
      "UAS %core/call",
      "x first",
      "UAC peak KB/call",
      "UAS peak KB/call",
    ],
  ];
  const baseline = new Map<number, number>();
  for (const steps of groups.values()) {
    const first = steps[0];
    if (first === undefined) continue;
    const allOk = steps.filter((r) => r.successful.uac === r.calls && r.successful.uas === r.calls).length;
    const uac = mean(steps.map((r) => r.uac.core_pct_per_call));
    const uas = mean(steps.map((r) => r.uas.core_pct_per_call));
    const both = uac === null || uas === null ? null : uac + uas;
    if (!baseline.has(first.calls) && both !== null) baseline.set(first.calls, both);
    const base = baseline.get(first.calls);
    const p99 = (pick: (r: ConcurrencyResult) => number | undefined): string =>
      span(
        steps.flatMap((r) => pick(r) ?? []),
        1,
      );
    rows.push([
      String(first.calls),
      workersLabel(first.media_workers),
      `${allOk}/${steps.length}`,
      `${steps.filter((r) => r.problems.length === 0).length}/${steps.length}`,
      span(
        steps.map((r) => r.load_1m),
        1,
      ),
      p99((r) => r.uac.media?.pacing.p99_deviation_ms),
      p99((r) => r.uas.media?.pacing.p99_deviation_ms),
      fixed(uac, 3),
      fixed(uas, 3),
      ratioText(both, base),
      ...peakRssCells(steps),
    ]);
  }
  printTable(rows);
  console.log('"x first": (UAC + UAS %core per call) / the same of the first --media-workers value listed');
}
