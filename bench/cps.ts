/**
 * Call-rate benchmark: sipp UAC vs sipwright UAC against the same sipp UAS, on loopback UDP, in one invocation.
 *
 *   node --import tsx bench/cps.ts [--rates 500,1000,2000,5000,10000] [--seconds 10] [--engines sipp,sipwright]
 *                                  [--stream t1,tn,l1,ln] [--skip-build] [--json FILE]
 *
 * `--stream MODES` adds, per rate, sipwright ↔ sipwright runs over TCP / TLS (bench/cps-stream.ts; sipp has no
 * TLS); `--engines none` leaves out the UDP runs.
 *
 * Per rate R: N = R x seconds calls of SIPp's built-in uac/uas scenarios (INVITE/180/200/ACK/BYE/200), both
 * sides with -buff_size 4194304 (see docs/performance.md). Each process runs under GNU time and a hard
 * `timeout -s KILL`. sipwright runs from the compiled build (bin/sipwright.js -> dist/), rebuilt when stale.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../test/helpers/free-port.js";
import { ensureCompiledBuild, SIPWRIGHT_BIN } from "../test/helpers/compiled-build.js";
import { describeProcess } from "../test/helpers/processes.js";
import { readSippStatCsv, SIPP, sippVersion, statCount } from "../test/helpers/sipp.js";
import { readSummary, REPO_ROOT } from "../test/helpers/sipwright.js";
import {
  requireGnuTime,
  signalMeasuredProgram,
  startTimedProcess,
  waitTimedExit,
  killTimedProcess,
  type TimedExit,
  type TimedProcess,
} from "../test/helpers/timed-process.js";
import { positive } from "./bench-args.js";
import { measureStreamPair, printStreamTable, STREAM_MODES, type StreamMode, type StreamResult } from "./cps-stream.js";

type Engine = "sipp" | "sipwright";

interface Options {
  rates: number[];
  seconds: number;
  engines: Engine[];
  stream: StreamMode[];
  skipBuild: boolean;
  jsonPath: string | undefined;
}

interface ProcessResult {
  exit_code: number | null;
  signal: string | null;
  hard_timeout: boolean;
  /** Why the counts are zero when the run left no readable statistics; null when they were read. */
  stats_error: string | null;
  wall_s: number;
  user_s: number;
  sys_s: number;
  cpu_us_per_call: number;
  peak_rss_mb: number;
  successful: number;
  failed: number;
  retransmissions: number;
}

interface PairResult {
  uac: ProcessResult;
  uas: ProcessResult;
}

interface RateResult {
  rate: number;
  calls: number;
  sipp?: PairResult;
  sipwright?: PairResult;
  /** sipwright UAC CPU per call / sipp UAC CPU per call. */
  cpu_per_call_ratio?: number;
  /** --stream: sipwright ↔ sipwright over TCP / TLS. */
  stream?: StreamResult[];
}

const BUFF_SIZE = "4194304";
/** SIPp behaviour: the uas scenario ends with a 4 s timewait; the UAS exits that long after its last call. */
const UAS_DRAIN_MS = 10_000;

function parseOptions(argv: readonly string[]): Options {
  const opts: Options = {
    rates: [500, 1000, 2000, 5000, 10000],
    seconds: 10,
    engines: ["sipp", "sipwright"],
    stream: [],
    skipBuild: false,
    jsonPath: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1] ?? "";
    if (arg === "--skip-build") opts.skipBuild = true;
    else if (arg === "--rates") opts.rates = value.split(",").map((r) => positive("--rates", r));
    else if (arg === "--seconds") opts.seconds = positive("--seconds", value);
    else if (arg === "--json") opts.jsonPath = value;
    else if (arg === "--engines") opts.engines = value === "none" ? [] : value.split(",").map(engine);
    else if (arg === "--stream") opts.stream = value.split(",").map(streamMode);
    else throw new Error(`unknown option ${arg ?? ""} (see the header of bench/cps.ts)`);
    if (arg !== "--skip-build") i++;
  }
  return opts;
}

function streamMode(text: string): StreamMode {
  const mode = STREAM_MODES.find((m) => m === text);
  if (mode === undefined) throw new Error(`--stream: "${text}" is not one of ${STREAM_MODES.join(", ")}`);
  return mode;
}

function engine(text: string): Engine {
  if (text === "sipp" || text === "sipwright") return text;
  throw new Error(`--engines: "${text}" is not sipp or sipwright`);
}

interface Counts {
  successful: number;
  failed: number;
  retransmissions: number;
}

/** The run's counts, or why there are none (a crash or a hard timeout leaves no readable statistics). */
async function statsOrError(what: string, read: () => Promise<Counts>): Promise<Counts | string> {
  try {
    return await read();
  } catch (error) {
    return `${what}: no statistics (${error instanceof Error ? error.message : String(error)})`;
  }
}

async function sippCounts(csv: string): Promise<Counts> {
  const row = await readSippStatCsv(csv);
  return {
    successful: statCount(row, "SuccessfulCall(C)"),
    failed: statCount(row, "FailedCall(C)"),
    retransmissions: statCount(row, "Retransmissions(C)"),
  };
}

function processResult(exit: TimedExit, stats: Counts | string, planned: number): ProcessResult {
  const counts = typeof stats === "string" ? { successful: 0, failed: 0, retransmissions: 0 } : stats;
  const cpu = exit.usage.userSeconds + exit.usage.systemSeconds;
  const calls = counts.successful + counts.failed || planned;
  return {
    exit_code: exit.code,
    signal: exit.signal,
    hard_timeout: exit.hardTimeout,
    stats_error: typeof stats === "string" ? stats : null,
    wall_s: exit.usage.wallSeconds,
    user_s: exit.usage.userSeconds,
    sys_s: exit.usage.systemSeconds,
    cpu_us_per_call: Math.round((cpu * 1e6 * 10) / calls) / 10,
    peak_rss_mb: Math.round(exit.usage.maxRssKiB / 102.4) / 10,
    ...counts,
  };
}

async function uacCounts(uacEngine: Engine, dir: string): Promise<Counts> {
  if (uacEngine === "sipp") return sippCounts(join(dir, "uac.csv"));
  const s = await readSummary(join(dir, "summary.json"));
  return { successful: s.calls.successful, failed: s.calls.failed, retransmissions: s.retransmissions };
}

async function measurePair(uacEngine: Engine, rate: number, calls: number, seconds: number): Promise<PairResult> {
  const dir = await mkdtemp(join(tmpdir(), `sipwright-bench-${uacEngine}-${rate}-`));
  const started: TimedProcess[] = [];
  try {
    const softTimeout = `${seconds + 20}s`;
    const uasPort = await freeUdpPort();
    const uasArgs = `-sn uas -i ${LOOPBACK} -p ${uasPort} -buff_size ${BUFF_SIZE} -m ${calls} -nostdin`.split(" ");
    const uas = await startTimedProcess(
      SIPP,
      [...uasArgs, "-timeout", softTimeout, "-trace_stat", "-stf", join(dir, "uas.csv"), "-fd", "1"],
      { cwd: dir, hardTimeoutSeconds: seconds + 45, usageFile: join(dir, "uas.time") },
    );
    started.push(uas);
    await waitUntilBound(uasPort, "udp", 5_000, () => !uas.wrapper.isAlive());

    const common = `-sn uac ${LOOPBACK}:${uasPort} -i ${LOOPBACK} -r ${rate} -m ${calls} -buff_size ${BUFF_SIZE}`
      .split(" ")
      .concat(["-recv_timeout", "10000", "-timeout", softTimeout, "-trace_stat", "-stf", join(dir, "uac.csv")])
      .concat(["-fd", "1"]);
    const uacTiming = { cwd: dir, hardTimeoutSeconds: seconds + 30, usageFile: join(dir, "uac.time") };
    const sipwrightOutputs = ["--out", join(dir, "out"), "--summary-json", join(dir, "summary.json")];
    const uac =
      uacEngine === "sipp"
        ? await startTimedProcess(SIPP, [...common, "-p", String(await freeUdpPort()), "-nostdin"], uacTiming)
        : await startTimedProcess(
            process.execPath,
            [SIPWRIGHT_BIN, ...common, "-p", "0", "--status", "none", ...sipwrightOutputs],
            uacTiming,
          );
    started.push(uac);
    const uacExit = await waitTimedExit(uac);
    if (uacExit.code !== 0) {
      const how = String(uacExit.code ?? uacExit.signal);
      console.error(`note: ${uacEngine} UAC exit ${how}\n${describeProcess(uac.wrapper, 8)}`);
    }

    // The UAS ends by itself after N calls and its timewait; if calls were lost it would wait for -timeout.
    let drainTimer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      uas.wrapper.exited.then(() => true),
      new Promise<false>((resolve) => (drainTimer = setTimeout(resolve, UAS_DRAIN_MS, false))),
    ]);
    clearTimeout(drainTimer);
    if (!drained) await signalMeasuredProgram(uas, "SIGUSR1"); // SIPp behaviour: USR1 = soft quit.
    const uasExit = await waitTimedExit(uas);

    return {
      uac: processResult(uacExit, await statsOrError(`${uacEngine} UAC`, () => uacCounts(uacEngine, dir)), calls),
      uas: processResult(uasExit, await statsOrError("sipp UAS", () => sippCounts(join(dir, "uas.csv"))), calls),
    };
  } finally {
    await Promise.all(started.map((p) => killTimedProcess(p)));
    await rm(dir, { recursive: true, force: true });
  }
}

function printTable(result: RateResult, seconds: number): void {
  console.log(`\n== ${result.rate} cps, ${result.calls} calls (${seconds} s), UDP loopback, -buff_size ${BUFF_SIZE}`);
  const head = "UAC engine|side|exit|success|failed|retrans|wall s|CPU s|CPU µs/call|RSS MB".split("|");
  const notes: string[] = [];
  const rows: string[][] = [head];
  for (const name of ["sipp", "sipwright"] as const) {
    const pair = result[name];
    if (!pair) continue;
    for (const [side, p] of [
      ["UAC", pair.uac],
      ["UAS (sipp)", pair.uas],
    ] as const) {
      const exit = p.hard_timeout ? "KILLED" : String(p.exit_code ?? p.signal);
      const counts = p.stats_error === null ? [p.successful, p.failed, p.retransmissions].map(String) : ["?", "?", "?"];
      if (p.stats_error !== null) notes.push(p.stats_error);
      const cpu = [p.wall_s.toFixed(2), (p.user_s + p.sys_s).toFixed(2), p.cpu_us_per_call.toFixed(1)];
      rows.push([name, side, exit, ...counts, ...cpu, p.peak_rss_mb.toFixed(1)]);
    }
  }
  const widths = head.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padStart(widths[c] ?? 0)).join("  "));
  for (const note of notes) console.log(`note: ${note}`);
  if (result.cpu_per_call_ratio !== undefined) {
    console.log(`UAC CPU per call, sipwright / sipp: ${result.cpu_per_call_ratio.toFixed(2)}x`);
  }
}

/** A numeric /proc/sys value, or null where there is none (not Linux): the field is informational. */
async function sysctl(name: string): Promise<number | null> {
  const path = `/proc/sys/${name}`;
  return existsSync(path) ? Number((await readFile(path, "latin1")).trim()) : null;
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  await requireGnuTime();
  const sipp = await sippVersion();
  if (sipp === undefined) throw new Error(`${SIPP} not found: install Debian package sip-tester`);
  if ((opts.engines.includes("sipwright") || opts.stream.length > 0) && !opts.skipBuild) ensureCompiledBuild();
  const [load = 0] = loadavg();
  if (load > cpus().length / 2) {
    console.error(
      `warning: load average ${load.toFixed(2)} on ${cpus().length} CPUs: other work will skew the figures`,
    );
  }

  const results: RateResult[] = [];
  for (const rate of opts.rates) {
    const calls = rate * opts.seconds;
    const result: RateResult = { rate, calls };
    for (const e of opts.engines) result[e] = await measurePair(e, rate, calls, opts.seconds);
    if (result.sipp && result.sipwright && result.sipp.uac.cpu_us_per_call > 0) {
      result.cpu_per_call_ratio =
        Math.round((result.sipwright.uac.cpu_us_per_call / result.sipp.uac.cpu_us_per_call) * 100) / 100;
    }
    if (opts.engines.length > 0) printTable(result, opts.seconds);
    if (opts.stream.length > 0) {
      result.stream = [];
      for (const mode of opts.stream) result.stream.push(await measureStreamPair(mode, rate, calls, opts.seconds));
      printStreamTable(result.stream, opts.seconds);
    }
    results.push(result);
  }

  const date = new Date().toISOString();
  const jsonPath = opts.jsonPath ?? join(REPO_ROOT, "bench", "results", `cps-${date.replace(/[:.]/g, "-")}.json`);
  await mkdir(join(jsonPath, ".."), { recursive: true });
  const host = {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? "unknown",
    node: process.version,
    sipp,
    load_avg_1m_at_start: load,
    // Linux caps -buff_size at these; below 4194304 the run does not have the buffers it asks for.
    rmem_max: await sysctl("net/core/rmem_max"),
    wmem_max: await sysctl("net/core/wmem_max"),
  };
  await writeFile(
    jsonPath,
    JSON.stringify({ benchmark: "cps", date, seconds: opts.seconds, host, results }, null, 2) + "\n",
  );
  console.log(`\nresults: ${jsonPath}`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`bench/cps: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
