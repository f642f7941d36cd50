/**
 * RTP calls with SIP: N concurrent calls from a sipwright UAC, each streaming a PCMA/PCMU tone for S seconds to an
 * echoing UAS — a sipwright UAS (`-rtp_echo`) or `sipp -sn uas -rtp_echo` — on 127.0.0.1.
 *
 *   node --import tsx bench/rtp-calls.ts [--calls 100,250,500,1000,2000] [--record off,on] [--peers sipwright,sipp]
 *                                        [--seconds 10] [--ramp 2] [--media-workers 0,1,2] [--rounds 1]
 *                                        [--deadline 600] [--skip-build] [--json FILE]
 *
 * Per step (N calls, recording mode, peer): the UAS starts first; the UAC brings N calls up at N / ramp calls per
 * second (`-l N -m N`), each holds S seconds then sends BYE. `--record on` adds `--record-stereo` to the sipwright
 * side(s). CPU and RSS are sampled from /proc/<pid> over the window where all N calls are up (ramp-up and teardown
 * left out); packet counts, loss and pacing come from each sipwright's summary.json. `--media-workers 0,1,2` runs
 * each step once per worker count (both sipwright sides get it), `--rounds R` repeats that R times, alternating
 * (0,1,2,0,1,2: a host whose other load changes shifts every configuration alike); a comparison table per
 * configuration follows (clean rounds, CPU per stream-second, peak RSS per call against an idle sipwright). Every process runs under GNU
 * time and `timeout -s KILL`; temp folders (recordings) are deleted after each step. Figures: docs/performance.md.
 * Goal (issue 3): 2,000 concurrent G.711 streams with recording on one core, p99 pacing deviation under 2 ms.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Summary } from "../src/records/summary.js";
import { ensureCompiledBuild, SIPWRIGHT_BIN } from "../test/helpers/compiled-build.js";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../test/helpers/free-port.js";
import { uacScenario, uasScenario, writeScenario } from "../test/helpers/media-scenarios.js";
import { readSippStatCsv, SIPP, sippVersion, statCount } from "../test/helpers/sipp.js";
import { readSummary, REPO_ROOT } from "../test/helpers/sipwright.js";
import * as timed from "../test/helpers/timed-process.js";
import { mediaWorkersArgs, onOff, positive, workerCounts, workersLabel } from "./bench-args.js";
import type { Options, Peer, SideResult, StepResult } from "./rtp-calls-types.js";
import { goal, pct, printPeerTable, printWorkersTable, ratios } from "./rtp-calls-report.js";
import {
  measureWindow,
  programPid,
  rssKiB,
  socketDrops,
  udpCounters,
  type Sample,
  type Window,
} from "./proc-sampling.js";

const BUFF_SIZE = "4194304";
/** G.711 at 20 ms per packet. */
const PACKETS_PER_SECOND = 50;
/** SIPp behaviour: the built-in uas ends with a 4 s timewait; our uas.xml with 1 s. Then SIGUSR1 (soft quit). */
const UAS_DRAIN_MS = 10_000;
/**
 * A call's last echoes can be in flight (or queued for the echo's next 20 ms tick) when the BYE ends both sessions:
 * a round-trip shortfall up to this many packets per call is that tail, not loss.
 */
const TAIL_PACKETS_PER_CALL = 2;

function parseOptions(argv: readonly string[]): Options {
  const opts: Options = {
    calls: [100, 250, 500, 1000, 2000],
    record: [false, true],
    peers: ["sipwright", "sipp"],
    mediaWorkers: [null],
    rounds: 1,
    seconds: 10,
    rampS: 2,
    deadlineS: 600,
    skipBuild: false,
    jsonPath: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1] ?? "";
    if (arg === "--skip-build") {
      opts.skipBuild = true;
      continue;
    }
    if (arg === "--calls") opts.calls = value.split(",").map((n) => positive(arg, n));
    else if (arg === "--record") opts.record = value.split(",").map(onOff);
    else if (arg === "--peers") opts.peers = value.split(",").map(peer);
    else if (arg === "--media-workers") opts.mediaWorkers = workerCounts(arg, value);
    else if (arg === "--rounds") opts.rounds = positive(arg, value);
    else if (arg === "--seconds") opts.seconds = positive(arg, value);
    else if (arg === "--ramp") opts.rampS = positive(arg, value);
    else if (arg === "--deadline") opts.deadlineS = positive(arg, value);
    else if (arg === "--json") opts.jsonPath = value;
    else throw new Error(`unknown option ${arg ?? ""} (see the header of bench/rtp-calls.ts)`);
    i++;
  }
  if (opts.rampS >= opts.seconds) throw new Error("--ramp must be shorter than --seconds (no window otherwise)");
  return opts;
}

function peer(text: string): Peer {
  if (text === "sipwright" || text === "sipp") return text;
  throw new Error(`--peers: "${text}" is not sipwright or sipp`);
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

// ---- one step

function exitText(exit: timed.TimedExit): string {
  return exit.hardTimeout ? "KILLED" : String(exit.code ?? exit.signal);
}

/** What a side's own records say: summary.json (sipwright) or the -trace_stat CSV (sipp, no media figures). */
interface SideStats {
  successful: number;
  failed: number;
  failures: Record<string, number>;
  media: Summary["media"];
}

function summaryStats(s: Summary): SideStats {
  const failures = Object.fromEntries(Object.entries(s.failures).filter(([, n]) => n > 0));
  return { successful: s.calls.successful, failed: s.calls.failed, failures, media: s.media };
}

async function sippStats(csv: string): Promise<SideStats> {
  const row = await readSippStatCsv(csv);
  const counts = { successful: statCount(row, "SuccessfulCall(C)"), failed: statCount(row, "FailedCall(C)") };
  return { ...counts, failures: {}, media: null };
}

/** The side's statistics, or why there are none (a crash or a hard timeout leaves none). */
async function statsOrError(what: string, read: () => Promise<SideStats>): Promise<SideStats | string> {
  try {
    return await read();
  } catch (error) {
    return `${what}: no statistics (${error instanceof Error ? error.message : String(error)})`;
  }
}

interface SideInput {
  engine: Peer;
  exit: timed.TimedExit;
  stats: SideStats | string;
  /** CPU seconds and RSS KiB of this side in a sample. */
  pick: (s: Sample) => readonly [number, number];
}

function sideResult(
  side: SideInput,
  window: Window | undefined,
  calls: number,
  idleRssKiB: number,
  holdS: number,
): SideResult {
  const ours = side.engine === "sipwright";
  const stats = typeof side.stats === "string" ? undefined : side.stats;
  const media = stats?.media ?? null;
  const measured =
    window === undefined
      ? undefined
      : {
          seconds: (window.end.at - window.start.at) / 1000,
          cpu: side.pick(window.end)[0] - side.pick(window.start)[0],
          rss: side.pick(window.end)[1],
        };
  return {
    engine: side.engine,
    exit: exitText(side.exit),
    successful: stats?.successful ?? null,
    failed: stats?.failed ?? null,
    failures: stats?.failures ?? {},
    total_cpu_s: round(side.exit.usage.userSeconds + side.exit.usage.systemSeconds, 2),
    peak_rss_mb: round(side.exit.usage.maxRssKiB / 1024, 1),
    window_cpu_s: measured ? round(measured.cpu, 2) : null,
    cpu_us_per_stream_s: measured ? round((measured.cpu * 1e6) / (calls * measured.seconds), 1) : null,
    core_share: measured ? round(measured.cpu / measured.seconds, 3) : null,
    rss_mb: measured ? round(measured.rss / 1024, 1) : null,
    rss_kb_per_call: measured && ours ? round((measured.rss - idleRssKiB) / calls, 1) : null,
    peak_rss_kb_per_call: ours ? round((side.exit.usage.maxRssKiB - idleRssKiB) / calls, 1) : null,
    media,
    sent_pps: media ? Math.round(media.packets_sent / holdS) : null,
    received_pps: media ? Math.round(media.packets_received / holdS) : null,
  };
}

interface PortRange {
  min: number;
  max: number;
}

/** Disjoint RTP ranges below the ephemeral ports: the UAC's, the sipwright UAS's, then sipp's -mp (and -mp + 2). */
function portLayout(calls: number): { uac: PortRange; uas: PortRange; sippMp: number } {
  const size = 2 * calls + 200; // N RTP/RTCP pairs, and room for ports some other process holds
  const base = 10000 + 2 * Math.floor(Math.random() * ((32000 - 10000 - 2 * size - 8) / 2));
  return {
    uac: { min: base, max: base + size - 1 },
    uas: { min: base + size, max: base + 2 * size - 1 },
    sippMp: base + 2 * size,
  };
}

const rangeArgs = (r: PortRange): string[] => ["-mp", String(r.min), "-max_rtp_port", String(r.max)];

function sipwrightArgs(dir: string, side: string, softS: number, recording: boolean, workers: number | null): string[] {
  return [
    ...mediaWorkersArgs(workers),
    "-buff_size",
    BUFF_SIZE,
    "-timeout",
    `${softS}s`,
    "--status",
    "none",
    "--out",
    join(dir, `${side}-out`),
  ]
    .concat(["--summary-json", join(dir, `${side}.json`)])
    .concat(recording ? ["--record-stereo"] : []);
}

interface StepSpec {
  peer: Peer;
  calls: number;
  recording: boolean;
  workers: number | null;
  round: number;
}

async function startUas(step: StepSpec, dir: string, sipPort: number, softS: number) {
  const { peer, calls, recording } = step;
  const ports = portLayout(calls);
  const timing = { cwd: dir, hardTimeoutSeconds: softS + 40, usageFile: join(dir, "uas.time") };
  if (peer === "sipp") {
    const args = `-sn uas -i ${LOOPBACK} -p ${sipPort} -rtp_echo -mp ${ports.sippMp} -rtp_buffsize ${BUFF_SIZE} -m ${calls} -buff_size ${BUFF_SIZE}`;
    const stat = ["-nostdin", "-timeout", `${softS}s`, "-trace_stat", "-stf", join(dir, "uas.csv"), "-fd", "1"];
    return { ports, proc: await timed.startTimedProcess(SIPP, [...args.split(" "), ...stat], timing) };
  }
  const xml = writeScenario(dir, "uas.xml", uasScenario());
  const args = ["-sf", xml, "-i", LOOPBACK, "-p", String(sipPort), "-rtp_echo", "-m", String(calls)];
  const own = sipwrightArgs(dir, "uas", softS, recording, step.workers);
  const all = [SIPWRIGHT_BIN, ...args, ...rangeArgs(ports.uas), ...own];
  return { ports, proc: await timed.startTimedProcess(process.execPath, all, timing) };
}

async function sipwrightStats(path: string): Promise<SideStats> {
  return summaryStats(await readSummary(path));
}

async function measureStep(step: StepSpec, opts: Options, idleRssKiB: number): Promise<StepResult> {
  const { peer, calls, recording } = step;
  const [load = 0] = loadavg();
  const dir = await mkdtemp(join(tmpdir(), `sipwright-bench-rtp-calls-${peer}-${calls}-`));
  const started: timed.TimedProcess[] = [];
  const rate = Math.ceil(calls / opts.rampS);
  const softS = opts.rampS + opts.seconds + 30;
  try {
    const udpBefore = await udpCounters();
    const sipPort = await freeUdpPort();
    const { ports, proc: uas } = await startUas(step, dir, sipPort, softS);
    started.push(uas);
    await waitUntilBound(sipPort, "udp", 10_000, () => !uas.wrapper.isAlive());
    const uasPid = await programPid(uas);

    // SIPp behaviour: -l caps concurrent calls; -l N -m N at N / ramp cps brings all N up within the ramp.
    const talk = { start: ['<exec rtp_stream="tone,440"/>'], talkMs: opts.seconds * 1000 };
    const uacXml = writeScenario(dir, "uac.xml", uacScenario(talk));
    const uacArgs = ["-sf", uacXml, `${LOOPBACK}:${sipPort}`, "-i", LOOPBACK, "-p", "0", "-r", String(rate)]
      .concat(["-l", String(calls), "-m", String(calls), ...rangeArgs(ports.uac)])
      .concat(sipwrightArgs(dir, "uac", softS, recording, step.workers));
    const uacTiming = { cwd: dir, hardTimeoutSeconds: softS + 20, usageFile: join(dir, "uac.time") };
    const uac = await timed.startTimedProcess(process.execPath, [SIPWRIGHT_BIN, ...uacArgs], uacTiming);
    started.push(uac);
    const uacPid = await programPid(uac);
    const window =
      uacPid === undefined || uasPid === undefined
        ? "no pid for the UAC or the UAS"
        : await measureWindow(uacPid, uasPid, calls, performance.now() + softS * 1000);
    const uasRtp = peer === "sipp" ? { min: ports.sippMp, max: ports.sippMp + 3 } : ports.uas;
    const drops = typeof window === "string" ? null : await socketDrops({ uac: ports.uac, uas: uasRtp });
    const uacExit = await timed.waitTimedExit(uac);

    let drainTimer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      uas.wrapper.exited.then(() => true),
      new Promise<false>((resolve) => (drainTimer = setTimeout(resolve, UAS_DRAIN_MS, false))),
    ]);
    clearTimeout(drainTimer);
    if (!drained) await timed.signalMeasuredProgram(uas, "SIGUSR1"); // SIPp behaviour: USR1 = soft quit.
    const uasExit = await timed.waitTimedExit(uas);
    const udpAfter = await udpCounters();

    const measured = typeof window === "string" ? undefined : window;
    const holdS = opts.seconds;
    const uacStats = await statsOrError("sipwright UAC", () => sipwrightStats(join(dir, "uac.json")));
    const uacSide = sideResult(
      {
        engine: "sipwright",
        exit: uacExit,
        stats: uacStats,
        pick: (s) => [s.uacCpu, s.uacRss],
      },
      measured,
      calls,
      idleRssKiB,
      holdS,
    );
    const uasStats = await statsOrError(`${peer} UAS`, () =>
      peer === "sipp" ? sippStats(join(dir, "uas.csv")) : sipwrightStats(join(dir, "uas.json")),
    );
    const uasSide = sideResult(
      { engine: peer, exit: uasExit, stats: uasStats, pick: (s) => [s.uasCpu, s.uasRss] },
      measured,
      calls,
      idleRssKiB,
      holdS,
    );
    const windowS = measured === undefined ? null : (measured.end.at - measured.start.at) / 1000;
    const udpOutPps =
      measured === undefined || windowS === null ? null : (measured.end.udp.out - measured.start.udp.out) / windowS;
    const sent = uacSide.media?.packets_sent ?? 0;
    const result: StepResult = {
      calls,
      recording,
      peer,
      media_workers: step.workers,
      round: step.round,
      load_1m: round(load, 2),
      rate,
      window_s: windowS === null ? null : round(windowS, 2),
      udp_out_pps: udpOutPps === null ? null : Math.round(udpOutPps),
      udp_expected_share: udpOutPps === null ? null : round(udpOutPps / (2 * PACKETS_PER_SECOND * calls), 3),
      rcvbuf_errors: udpAfter.rcvbufErrors - udpBefore.rcvbufErrors,
      socket_drops: drops,
      round_trip_loss: sent === 0 ? null : round((sent - (uacSide.media?.packets_received ?? 0)) / sent, 5),
      round_trip_missing: uacSide.media === null ? null : sent - uacSide.media.packets_received,
      uac: uacSide,
      uas: uasSide,
      problems: [],
    };
    result.problems = problems(
      result,
      [uacSide, uasSide],
      [window, uacStats, uasStats].filter((note) => typeof note === "string"),
    );
    return result;
  } finally {
    await Promise.all(started.map((p) => timed.killTimedProcess(p)));
    await rm(dir, { recursive: true, force: true });
  }
}

/** Sanity: everything that makes a step's figures not a clean measurement, in words. */
function problems(step: StepResult, sides: readonly SideResult[], notes: readonly string[]): string[] {
  const out = [...notes];
  for (const [name, side] of [
    ["UAC", sides[0]],
    ["UAS", sides[1]],
  ] as const) {
    if (side === undefined) continue;
    if (side.exit !== "0") out.push(`${name} exit ${side.exit}`);
    if (side.successful !== null && side.successful !== step.calls) {
      out.push(`${name}: ${side.successful}/${step.calls} calls successful, failures ${JSON.stringify(side.failures)}`);
    }
    if ((side.media?.packets_lost ?? 0) > 0)
      out.push(`${name}: ${side.media?.packets_lost} packets lost (sequence gaps)`);
    if ((side.media?.pacing.skipped_ticks ?? 0) > 0)
      out.push(`${name}: media clock skipped ${side.media?.pacing.skipped_ticks} ticks`);
  }
  if ((step.round_trip_missing ?? 0) > TAIL_PACKETS_PER_CALL * step.calls) {
    const share = ((step.round_trip_loss ?? 0) * 100).toFixed(2);
    out.push(
      `round trip: ${step.round_trip_missing} packets (${share}%) did not come back, beyond the tail at the BYE`,
    );
  }
  if (step.rcvbuf_errors > 0) {
    const where = step.socket_drops === null ? "" : ` (RTP sockets: ${JSON.stringify(step.socket_drops)})`;
    out.push(`${step.rcvbuf_errors} UDP receive-buffer drops (host-wide)${where}`);
  }
  if (step.udp_expected_share !== null && step.udp_expected_share < 0.98) {
    out.push(
      `window: ${(step.udp_expected_share * 100).toFixed(0)}% of the expected ${2 * PACKETS_PER_SECOND * step.calls} UDP pkt/s`,
    );
  }
  return out;
}

// ---- report

/** RSS of a sipwright UAS bound and waiting, no call yet (media workers start with a run's first calls). */
async function idleSipwrightRss(workers: number | null): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "sipwright-bench-rtp-calls-idle-"));
  const port = await freeUdpPort();
  const xml = writeScenario(dir, "uas.xml", uasScenario());
  const args = [
    SIPWRIGHT_BIN,
    "-sf",
    xml,
    "-i",
    LOOPBACK,
    "-p",
    String(port),
    "-rtp_echo",
    ...sipwrightArgs(dir, "idle", 20, false, workers),
  ];
  const proc = await timed.startTimedProcess(process.execPath, args, {
    cwd: dir,
    hardTimeoutSeconds: 30,
    usageFile: join(dir, "time"),
  });
  try {
    await waitUntilBound(port, "udp", 10_000, () => !proc.wrapper.isAlive());
    await delay(500);
    const pid = await programPid(proc);
    const rss = pid === undefined ? undefined : await rssKiB(pid);
    if (rss === undefined) throw new Error("idle sipwright: no RSS");
    return rss;
  } finally {
    await timed.killTimedProcess(proc);
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const deadline = performance.now() + opts.deadlineS * 1000;
  await timed.requireGnuTime();
  const sipp = opts.peers.includes("sipp") ? await sippVersion() : "not used";
  if (sipp === undefined) throw new Error(`${SIPP} not found: install Debian package sip-tester`);
  if (!opts.skipBuild) ensureCompiledBuild();
  const [load = 0] = loadavg();
  if (load > cpus().length / 2)
    console.error(
      `warning: load average ${load.toFixed(2)} on ${cpus().length} CPUs: other work will skew the figures`,
    );
  const idle = new Map<number | null, number>();
  for (const workers of opts.mediaWorkers) idle.set(workers, await idleSipwrightRss(workers));
  const idleText = [...idle].map(([w, kib]) => `${workersLabel(w)}: ${(kib / 1024).toFixed(0)} MB`).join(", ");
  console.log(
    `RTP calls with SIP on ${LOOPBACK}: ${opts.seconds} s per call, ramp ${opts.rampS} s; ${cpus().length} CPUs, node ${process.version}, idle sipwright RSS by --media-workers ${idleText}`,
  );

  const results: StepResult[] = [];
  const steps: StepSpec[] = [];
  for (const calls of opts.calls)
    for (const recording of opts.record)
      for (const peer of opts.peers)
        for (let round = 1; round <= opts.rounds; round++)
          for (const workers of opts.mediaWorkers) steps.push({ peer, calls, recording, workers, round });
  for (const spec of steps) {
    const what = `${spec.calls} calls, rec ${spec.recording ? "on" : "off"}, peer ${spec.peer}, workers ${workersLabel(spec.workers)}, round ${spec.round}`;
    const stepMs = (opts.rampS + opts.seconds + 15) * 1000 + spec.calls * 5;
    if (performance.now() + stepMs > deadline) {
      console.log(`deadline: skipping ${what} and later steps`);
      break;
    }
    const step = await measureStep(spec, opts, idle.get(spec.workers) ?? 0);
    results.push(step);
    const uac = step.uac;
    console.log(
      `${what} (load ${step.load_1m}): UAC ${pct(uac.core_share)} core, UAS ${pct(step.uas.core_share)}, p99 ${uac.media?.pacing.p99_deviation_ms ?? "-"} ms, ${step.problems.length === 0 ? "clean" : `${step.problems.length} problem(s)`}`,
    );
  }
  return finish(opts, results, load, sipp, idle);
}

async function finish(
  opts: Options,
  results: StepResult[],
  load: number,
  sipp: string,
  idle: ReadonlyMap<number | null, number>,
): Promise<number> {
  for (const peer of opts.peers) printPeerTable(peer, results, opts);
  if (opts.mediaWorkers.length > 1 || opts.rounds > 1) printWorkersTable(results);
  const cpuRatios = ratios(results);
  if (cpuRatios.length > 0) console.log("\nUAS CPU over the window, sipwright / sipp:");
  for (const r of cpuRatios)
    console.log(`  ${r.calls} calls, rec ${r.recording ? "on" : "off"}: ${r.ratio.toFixed(2)}x`);
  console.log("\nGoal (2,000 G.711 streams with recording on one core, p99 pacing < 2 ms):");
  for (const line of goal(results)) console.log(`  ${line}`);

  const date = new Date().toISOString();
  const jsonPath = opts.jsonPath ?? join(REPO_ROOT, "bench", "results", `rtp-calls-${date.replace(/[:.]/g, "-")}.json`);
  await mkdir(join(jsonPath, ".."), { recursive: true });
  const host = {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? "unknown",
    node: process.version,
    sipp,
    load_avg_1m_at_start: load,
    idle_rss_mb: Object.fromEntries([...idle].map(([w, kib]) => [workersLabel(w), round(kib / 1024, 1)])),
    load_avg_1m_at_end: round(loadavg()[0] ?? 0, 2),
  };
  const options = { seconds: opts.seconds, ramp_s: opts.rampS, media_workers: opts.mediaWorkers, rounds: opts.rounds };
  await writeFile(
    jsonPath,
    JSON.stringify({ benchmark: "rtp-calls", date, host, options, results, uas_cpu_ratios: cpuRatios }, null, 2) + "\n",
  );
  console.log(`\nresults: ${jsonPath}`);
  return results.some((r) => r.problems.length > 0) ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`bench/rtp-calls: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
