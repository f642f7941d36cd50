/**
 * RTP media-core benchmark: N pairs of RtpSessions (2N G.711 streams) on 127.0.0.1 exchanging PCMA tones for S
 * seconds, all paced by ONE shared MediaClock, in this one process. No SIP: the sessions are wired by offer/answer.
 *
 *   node --import tsx bench/rtp.ts [--streams 50,100,250,500,1000] [--seconds 5] [--record off,on] [--analyze]
 *                                  [--deadline 170] [--json FILE]
 *
 * `--streams` counts pairs (each pair is two sessions, so 2N directions). Each step runs once per `--record` mode
 * (`on` = a stereo WAV per session into a temp folder, deleted after the step). Audio analysis is off unless
 * `--analyze`. The whole run stops starting steps once `--deadline` seconds have gone (default 170).
 * Goal (issue 3): 2,000 concurrent G.711 streams with recording on one core, p99 pacing deviation under 2 ms.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { systemClock } from "../src/shared/clock.js";
import { setLogSink } from "../src/shared/logger.js";
import { MediaClock } from "../src/media/rtp/media-clock.js";
import { PortAllocator } from "../src/media/rtp/port-allocator.js";
import { RtpSession } from "../src/media/rtp/rtp-session.js";
import { REPO_ROOT } from "../test/helpers/sipwright.js";
import { positive, onOff } from "./bench-args.js";

const LOOPBACK = "127.0.0.1";
/** Sessions opened at once while setting a step up. */
const OPEN_BATCH = 100;
/** Traffic before the measured window: sockets warm, first ticks and RTCP starts out of the figures. */
const WARMUP_MS = 1000;
/** G.711 at 20 ms per packet. */
const FRAMES_PER_SECOND = 50;

interface Options {
  pairs: number[];
  seconds: number;
  record: boolean[];
  analyze: boolean;
  deadlineS: number;
  jsonPath: string | undefined;
  /** Folder for one V8 CPU profile per step, of the measured window only. */
  profileDir: string | undefined;
}

interface StepResult {
  pairs: number;
  streams: number;
  recording: boolean;
  analyze: boolean;
  seconds: number;
  sent_pps: number;
  received_pps: number;
  /** sent_pps / (50 × streams): below 1 when ticks are skipped (a skipped tick sends nothing; not a sequence gap). */
  sent_share: number;
  /** Packets missing by sequence gaps, over all receivers, during the window. */
  lost: number;
  /** (sent − received) / sent over the window: gaps plus packets still in flight or dropped at the tail. */
  loss_ratio: number;
  cpu_us_per_stream_s: number;
  core_share: number;
  pacing_p50_ms: number;
  pacing_p99_ms: number;
  pacing_max_ms: number;
  skipped_ticks: number;
  callback_errors: number;
  send_errors: number;
  socket_errors: number;
  rss_mb: number;
  /**
   * Marginal memory: (RSS − RSS of the previous step with the same recording mode) / (sessions − its sessions).
   * The first step of a mode uses the RSS growth since its own start (noisier: heap left over from earlier steps).
   */
  rss_kb_per_session: number;
  setup_s: number;
}

function parseOptions(argv: readonly string[]): Options {
  const opts: Options = {
    pairs: [50, 100, 250, 500, 1000],
    seconds: 5,
    record: [false, true],
    analyze: false,
    deadlineS: 170,
    jsonPath: undefined,
    profileDir: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1] ?? "";
    if (arg === "--analyze") {
      opts.analyze = true;
      continue;
    }
    if (arg === "--streams") opts.pairs = value.split(",").map((n) => positive("--streams", n));
    else if (arg === "--seconds") opts.seconds = positive("--seconds", value);
    else if (arg === "--deadline") opts.deadlineS = positive("--deadline", value);
    else if (arg === "--record") opts.record = value.split(",").map(onOff);
    else if (arg === "--json") opts.jsonPath = value;
    else if (arg === "--profile") opts.profileDir = value;
    else throw new Error(`unknown option ${arg ?? ""} (see the header of bench/rtp.ts)`);
    i++;
  }
  return opts;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Totals {
  sent: number;
  received: number;
  lost: number;
  sendErrors: number;
  socketErrors: number;
}

function totals(sessions: readonly RtpSession[]): Totals {
  const t: Totals = { sent: 0, received: 0, lost: 0, sendErrors: 0, socketErrors: 0 };
  for (const session of sessions) {
    const stats = session.stats();
    const counters = session.counters();
    t.sent += stats.sent.packets;
    t.received += stats.received.packets;
    t.lost += stats.received.lost;
    t.sendErrors += counters.sendErrors;
    t.socketErrors += counters.socketErrors;
  }
  return t;
}

/** Opens 2 × pairs sessions, OPEN_BATCH at a time; every session opened is pushed to `sessions` (closed by the caller). */
async function openPairs(
  pairs: number,
  allocator: PortAllocator,
  media: MediaClock,
  analyze: boolean,
  sessions: RtpSession[],
): Promise<void> {
  const options = { clock: media, wallClock: systemClock, codecs: ["PCMA"] as const, analyze };
  for (let opened = 0; opened < 2 * pairs; opened += OPEN_BATCH) {
    const batch = Math.min(OPEN_BATCH, 2 * pairs - opened);
    const settled = await Promise.allSettled(Array.from({ length: batch }, () => RtpSession.open(allocator, options)));
    for (const outcome of settled) if (outcome.status === "fulfilled") sessions.push(outcome.value);
    const failed = settled.find((outcome) => outcome.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }
  for (let i = 0; i + 1 < sessions.length; i += 2) {
    const a = sessions[i];
    const b = sessions[i + 1];
    if (a === undefined || b === undefined) continue;
    await a.acceptAnswer(await b.createAnswer(await a.createOffer()));
  }
}

async function runStep(
  pairs: number,
  recording: boolean,
  opts: Options,
  allocator: PortAllocator,
  media: MediaClock,
): Promise<StepResult> {
  const rssBefore = process.memoryUsage().rss;
  const sessions: RtpSession[] = [];
  const directory = recording ? await mkdtemp(join(tmpdir(), "sipwright-bench-rtp-")) : undefined;
  const setupStart = performance.now();
  try {
    await openPairs(pairs, allocator, media, opts.analyze, sessions);
    sessions.forEach((session, i) => {
      if (directory !== undefined) session.startRecording({ layout: "stereo", directory, baseName: `s${i}` });
      session.startSource({ kind: "tone", frequencyHz: i % 2 === 0 ? 440 : 1000, levelDbfs: -10 });
    });
    const setupS = (performance.now() - setupStart) / 1000;
    await delay(WARMUP_MS);

    const profiler = opts.profileDir === undefined ? undefined : await startProfiler();
    const before = totals(sessions);
    media.resetPacingStats();
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await delay(opts.seconds * 1000);
    const cpu = process.cpuUsage(cpuBefore);
    const wallS = (performance.now() - wallBefore) / 1000;
    const pacing = media.pacingStats();
    const after = totals(sessions);
    const rss = process.memoryUsage().rss;
    if (profiler !== undefined && opts.profileDir !== undefined) {
      const name = `rtp-${2 * pairs}-${recording ? "rec" : "norec"}.cpuprofile`;
      await profiler(join(opts.profileDir, name));
    }

    const cpuUs = cpu.user + cpu.system;
    const sent = after.sent - before.sent;
    const received = after.received - before.received;
    const streams = 2 * pairs;
    return {
      pairs,
      streams,
      recording,
      analyze: opts.analyze,
      seconds: round(wallS, 2),
      sent_pps: Math.round(sent / wallS),
      received_pps: Math.round(received / wallS),
      sent_share: round(sent / wallS / (FRAMES_PER_SECOND * streams), 3),
      lost: after.lost - before.lost,
      loss_ratio: sent === 0 ? 0 : round(Math.max(0, sent - received) / sent, 5),
      cpu_us_per_stream_s: round(cpuUs / (streams * wallS), 1),
      core_share: round(cpuUs / (wallS * 1e6), 3),
      pacing_p50_ms: pacing.p50Ms,
      pacing_p99_ms: pacing.p99Ms,
      pacing_max_ms: round(pacing.maxMs, 2),
      skipped_ticks: pacing.skippedTicks,
      callback_errors: pacing.callbackErrors,
      send_errors: after.sendErrors,
      socket_errors: after.socketErrors,
      rss_mb: round(rss / 2 ** 20, 1),
      rss_kb_per_session: round(Math.max(0, rss - rssBefore) / 1024 / streams, 1),
      setup_s: round(setupS, 2),
    };
  } finally {
    for (const session of sessions) session.controlSource("stop");
    await Promise.allSettled(sessions.map((session) => session.close()));
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  }
}

/** Starts the V8 sampling profiler in this process; the returned function stops it and writes the profile. */
async function startProfiler(): Promise<(path: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return async (path) => {
    try {
      const { profile } = await session.post("Profiler.stop");
      await mkdir(join(path, ".."), { recursive: true });
      await writeFile(path, JSON.stringify(profile));
      console.log(`profile: ${path}`);
    } finally {
      session.disconnect();
    }
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

const COLUMNS: readonly (readonly [string, (r: StepResult) => string])[] = [
  ["pairs", (r) => String(r.pairs)],
  ["streams", (r) => String(r.streams)],
  ["rec", (r) => (r.recording ? "on" : "off")],
  ["sent pkt/s", (r) => String(r.sent_pps)],
  ["recv pkt/s", (r) => String(r.received_pps)],
  ["of 50/s", (r) => `${(r.sent_share * 100).toFixed(0)}%`],
  ["lost", (r) => String(r.lost)],
  ["loss %", (r) => (r.loss_ratio * 100).toFixed(2)],
  ["CPU µs/stream·s", (r) => r.cpu_us_per_stream_s.toFixed(1)],
  ["core", (r) => `${(r.core_share * 100).toFixed(0)}%`],
  ["pace p50/p99/max ms", (r) => `${r.pacing_p50_ms.toFixed(2)}/${r.pacing_p99_ms.toFixed(2)}/${r.pacing_max_ms}`],
  ["skipped", (r) => String(r.skipped_ticks)],
  ["RSS MB", (r) => r.rss_mb.toFixed(0)],
  ["KB/session", (r) => r.rss_kb_per_session.toFixed(0)],
];

function printRows(results: readonly StepResult[], header = true): void {
  const body = results.map((r) => COLUMNS.map(([, cell]) => cell(r)));
  const rows = [COLUMNS.map(([head]) => head), ...body];
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  // Step rows are printed as they come, so their widths are the headers' (wide enough for the figures).
  for (const row of header ? rows : rows.slice(1)) {
    console.log(row.map((cell, c) => cell.padStart(widths[c] ?? 0)).join("  "));
  }
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const deadline = performance.now() + opts.deadlineS * 1000;
  setLogSink((record) => {
    if (record.level === "warn" || record.level === "error") {
      console.error(`${record.level} ${record.namespace}: ${record.message}`);
    }
  });
  const [load = 0] = loadavg();
  if (load > cpus().length / 2) {
    console.error(
      `warning: load average ${load.toFixed(2)} on ${cpus().length} CPUs: other work will skew the figures`,
    );
  }
  const maxPairs = Math.max(...opts.pairs);
  // Two sessions per pair, two ports per session, plus room so round-robin reuse never meets a port still closing.
  const span = 2 * 2 * maxPairs * 2;
  const minPort = 20000 + 2 * Math.floor(Math.random() * ((65000 - 20000 - span) / 2));
  const allocator = new PortAllocator({ address: LOOPBACK, minPort, maxPort: minPort + span - 1 });
  const media = new MediaClock(systemClock);
  const results: StepResult[] = [];
  console.log(
    `RTP media core: PCMA tones, 2 sessions per pair on ${LOOPBACK}, one MediaClock, ${opts.seconds} s per step ` +
      `(+${WARMUP_MS} ms warm-up), analysis ${opts.analyze ? "on" : "off"}; ${cpus().length} CPUs, node ${process.version}`,
  );
  try {
    const steps = opts.pairs.flatMap((pairs) => opts.record.map((recording) => ({ pairs, recording })));
    for (const { pairs, recording } of steps) {
      // A step takes its seconds plus warm-up plus set-up (about 1 s per 1000 pairs); stop before the deadline.
      const stepMs = opts.seconds * 1000 + WARMUP_MS + pairs * 2 + 2000;
      if (performance.now() + stepMs > deadline) {
        console.log(`deadline: skipping ${pairs} pairs, recording ${recording ? "on" : "off"}, and later steps`);
        break;
      }
      const step = await runStep(pairs, recording, opts, allocator, media);
      const previous = results.findLast((r) => r.recording === recording && r.streams < step.streams);
      const result =
        previous === undefined
          ? step
          : {
              ...step,
              rss_kb_per_session: round(
                (Math.max(0, step.rss_mb - previous.rss_mb) * 1024) / (step.streams - previous.streams),
                1,
              ),
            };
      results.push(result);
      printRows([result], results.length === 1);
    }
  } finally {
    media.close();
  }
  console.log("\nsummary");
  printRows(results);

  const date = new Date().toISOString();
  const jsonPath = opts.jsonPath ?? join(REPO_ROOT, "bench", "results", `rtp-${date.replace(/[:.]/g, "-")}.json`);
  await mkdir(join(jsonPath, ".."), { recursive: true });
  const host = { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? "unknown", node: process.version, load };
  await writeFile(jsonPath, JSON.stringify({ benchmark: "rtp", date, host, results }, null, 2) + "\n");
  console.log(`\nresults: ${jsonPath}`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`bench/rtp: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
