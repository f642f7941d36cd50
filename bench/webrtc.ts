/**
 * WebRTC calls between two sipwright processes (UAC and UAS), SIP on 127.0.0.1 (UDP by default; `--sip-transport
 * u1,wss1` runs the latency and rate phases once per -t mode, side by side), trickle ICE over SIP INFO,
 * ICE + DTLS-SRTP + G.711 through werift, inside a private network namespace (`unshare -n`, only `lo` up: werift
 * gathers every interface address, and there loopback is the only one). The bench re-executes itself in there.
 *
 *   node --import tsx bench/webrtc.ts [--phases latency,rate,concurrency] [--latency-rates 5,20] [--latency-seconds 10]
 *                                     [--rates 10,20,40,60,80,120,160] [--rate-seconds 5]
 *                                     [--calls 50,100,200,300,500] [--ramp-rate 20] [--window 15]
 *                                     [--sip-transport u1,wss1] [--media-workers 0,1,2] [--rounds 1]
 *                                     [--deadline 1500] [--profile DIR] [--skip-build] [--json FILE]
 *
 * 1. latency: the built-in webrtc_uac -> webrtc_uas (tone both ways, DTMF, audio checks) at each rate for
 *    `--latency-seconds`: INVITE received -> 200 OK with [webrtc_answer] sent at the UAS (its -trace_shortmsg),
 *    and ICE connected / DTLS connected / first RTP from each side's call records (`webrtc.timings_ms`).
 *    Goals (issue 4): answer ready < 20 ms p95, media flowing within 300 ms.
 * 2. rate: calls with a 2 s hold at rising rates; a rate is clean when every call succeeds on both sides, every
 *    call got RTP, the answer p95 stays under 200 ms and first RTP p95 under 1 s. Stops at the first unclean rate
 *    (per SIP transport: with `--sip-transport u1,wss1` each rate runs over UDP, then over WSS, the same calls; a
 *    transport drops out after its first unclean rate). TLS / WSS: certificates are made with openssl into a
 *    temporary folder (test/helpers/test-certs.ts), the UAC verifies the UAS's against the test CA (-tls_ca).
 * 3. concurrency: N calls brought up at `--ramp-rate`, held until all are up plus `--window` seconds, both sides
 *    `--record-stereo`. CPU (% of a core) and RSS per call over the all-calls-up window (from the records: the
 *    last call's first RTP to the first call's end), peak RSS per call (GNU time, less the UAS's RSS before its
 *    first call), loss and pacing from summary.json; each call ends with the built-in scenarios' audio checks
 *    (a failed check fails the call). Goal: 300 on one core. `--media-workers 0,1,2` runs each size once per
 *    worker count (both sides), `--rounds R` repeats that R times alternating (0,1,2,0,1,2), and a table compares
 *    the configurations. The latency and rate phases run with the first worker count given.
 * Everything is bounded: `timeout -s KILL` per process, -timeout, --deadline; temp folders are deleted.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureCompiledBuild } from "../test/helpers/compiled-build.js";
import { privateNetworkUnavailable } from "../test/helpers/netns.js";
import { REPO_ROOT } from "../test/helpers/sipwright.js";
import { makeTestCerts } from "../test/helpers/test-certs.js";
import type { TransportMode } from "../src/engine/run/run-config.js";
import * as timed from "../test/helpers/timed-process.js";
import { positive, workerCounts, workersLabel } from "./bench-args.js";
import { runPair, type PairRun } from "./webrtc-pair.js";
import { concurrencyResult, setupResult, type ConcurrencyResult, type SetupResult } from "./webrtc-results.js";
import { printConcurrency, printSetup, printWorkersComparison, verdict } from "./webrtc-report.js";
import { needsCerts, sipTransports, type BenchCerts } from "./webrtc-transport.js";

type Phase = "latency" | "rate" | "concurrency";

interface Options {
  phases: Phase[];
  latencyRates: number[];
  latencySeconds: number;
  rates: number[];
  rateSeconds: number;
  calls: number[];
  rampRate: number;
  windowS: number;
  /** -t modes of the latency and rate phases (the concurrency phase runs over the first). */
  sipTransports: TransportMode[];
  /** `--media-workers` of both sides per concurrency step (null: not given); the other phases use the first. */
  mediaWorkers: (number | null)[];
  rounds: number;
  deadlineS: number;
  profileDir: string | undefined;
  skipBuild: boolean;
  jsonPath: string | undefined;
}

const INSIDE = "SIPWRIGHT_BENCH_NETNS";
/** Rate phase: each call holds this long after the ACK. */
const RATE_HOLD_MS = 2000;

function parseOptions(argv: readonly string[]): Options {
  const opts: Options = {
    phases: ["latency", "rate", "concurrency"],
    latencyRates: [5, 20],
    latencySeconds: 10,
    rates: [10, 20, 40, 60, 80, 120, 160],
    rateSeconds: 5,
    calls: [50, 100, 200, 300, 500],
    rampRate: 20,
    windowS: 15,
    sipTransports: ["u1"],
    mediaWorkers: [null],
    rounds: 1,
    deadlineS: 1500,
    profileDir: undefined,
    skipBuild: false,
    jsonPath: undefined,
  };
  const list = (name: string, text: string): number[] => text.split(",").map((n) => positive(name, n));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const value = argv[i + 1] ?? "";
    if (arg === "--skip-build") {
      opts.skipBuild = true;
      continue;
    }
    if (arg === "--phases") opts.phases = value.split(",").map(phase);
    else if (arg === "--latency-rates") opts.latencyRates = list(arg, value);
    else if (arg === "--latency-seconds") opts.latencySeconds = positive(arg, value);
    else if (arg === "--rates") opts.rates = list(arg, value);
    else if (arg === "--rate-seconds") opts.rateSeconds = positive(arg, value);
    else if (arg === "--calls") opts.calls = list(arg, value);
    else if (arg === "--ramp-rate") opts.rampRate = positive(arg, value);
    else if (arg === "--window") opts.windowS = positive(arg, value);
    else if (arg === "--sip-transport") opts.sipTransports = sipTransports(value);
    else if (arg === "--media-workers") opts.mediaWorkers = workerCounts(arg, value);
    else if (arg === "--rounds") opts.rounds = positive(arg, value);
    else if (arg === "--deadline") opts.deadlineS = positive(arg, value);
    else if (arg === "--profile") opts.profileDir = value;
    else if (arg === "--json") opts.jsonPath = value;
    else throw new Error(`unknown option ${arg} (see the header of bench/webrtc.ts)`);
    i++;
  }
  return opts;
}

function phase(text: string): Phase {
  if (text === "latency" || text === "rate" || text === "concurrency") return text;
  throw new Error(`--phases: "${text}" is not latency, rate or concurrency`);
}

/** A temp folder for one pair, deleted afterwards whatever happens. */
async function inTempDir<T>(label: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `sipwright-bench-webrtc-${label}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Budget {
  /** False (and a line saying so) when a step of `seconds` would end after the deadline. */
  allows(what: string, seconds: number): boolean;
}

async function latencyPhase(opts: Options, budget: Budget, certs: BenchCerts | undefined): Promise<SetupResult[]> {
  const out: SetupResult[] = [];
  for (const rate of opts.latencyRates) {
    for (const transport of opts.sipTransports) {
      const calls = rate * opts.latencySeconds;
      if (!budget.allows(`latency at ${rate} calls/s over ${transport}`, opts.latencySeconds + 25)) return out;
      const softS = opts.latencySeconds + 40;
      const run = await inTempDir(`latency-${transport}-${rate}`, (dir) =>
        runPair({
          dir,
          calls,
          rate,
          holdMs: undefined,
          record: false,
          softS,
          transport,
          certs,
          mediaWorkers: opts.mediaWorkers[0],
        }),
      );
      const result = setupResult("latency", transport, rate, calls, run);
      out.push(result);
      console.log(`latency ${rate}/s ${transport}: ${result.clean ? "clean" : result.problems.join("; ")}`);
    }
  }
  return out;
}

/** Each rate over every transport still clean, one after the other; a transport drops out at its first unclean rate. */
async function ratePhase(opts: Options, budget: Budget, certs: BenchCerts | undefined): Promise<SetupResult[]> {
  const out: SetupResult[] = [];
  let active = [...opts.sipTransports];
  for (const rate of opts.rates) {
    if (active.length === 0) break;
    for (const transport of active) {
      const calls = rate * opts.rateSeconds;
      if (!budget.allows(`rate ${rate} calls/s over ${transport}`, opts.rateSeconds + 20)) return out;
      const softS = opts.rateSeconds + 40;
      const run = await inTempDir(`rate-${transport}-${rate}`, (dir) =>
        runPair({
          dir,
          calls,
          rate,
          holdMs: RATE_HOLD_MS,
          record: false,
          softS,
          transport,
          certs,
          mediaWorkers: opts.mediaWorkers[0],
        }),
      );
      const result = setupResult("rate", transport, rate, calls, run);
      out.push(result);
      console.log(`rate ${rate}/s ${transport}: ${result.clean ? "clean" : result.problems.join("; ")}`);
      if (!result.clean) active = active.filter((t) => t !== transport);
    }
  }
  return out;
}

async function concurrencyPhase(
  opts: Options,
  budget: Budget,
  certs: BenchCerts | undefined,
): Promise<ConcurrencyResult[]> {
  const transport = opts.sipTransports[0] ?? "u1";
  const out: ConcurrencyResult[] = [];
  for (const calls of opts.calls) {
    for (let round = 1; round <= opts.rounds; round++) {
      for (const mediaWorkers of opts.mediaWorkers) {
        const rampS = Math.ceil(calls / opts.rampRate);
        const holdMs = (rampS + opts.windowS + 3) * 1000;
        const what = `${calls} concurrent calls, workers ${workersLabel(mediaWorkers)}, round ${round}`;
        if (!budget.allows(what, rampS + holdMs / 1000 + 20)) return out;
        const label = `calls-${calls}-w${workersLabel(mediaWorkers)}-r${round}`;
        const profileDir = opts.profileDir === undefined ? undefined : join(opts.profileDir, label);
        if (profileDir !== undefined) await mkdir(profileDir, { recursive: true });
        const softS = rampS + holdMs / 1000 + 60;
        const [load = 0] = loadavg();
        const spec = { calls, rate: opts.rampRate, holdMs, record: true, softS, profileDir, transport, certs };
        const run: PairRun = await inTempDir(label, (dir) => runPair({ ...spec, dir, mediaWorkers, checks: true }));
        const meta = { media_workers: mediaWorkers, round, load_1m: Math.round(load * 100) / 100 };
        const result = concurrencyResult(calls, opts.rampRate, run, meta);
        out.push(result);
        console.log(
          `${what} (load ${meta.load_1m}): ${result.problems.length === 0 ? "clean" : result.problems.join("; ")}`,
        );
      }
    }
  }
  return out;
}

async function inside(opts: Options): Promise<number> {
  const deadline = performance.now() + opts.deadlineS * 1000;
  const budget: Budget = {
    allows(what, seconds) {
      if (performance.now() + seconds * 1000 <= deadline) return true;
      console.log(`deadline: skipping ${what} and later steps of its phase`);
      return false;
    },
  };
  await timed.requireGnuTime();
  const [load = 0] = loadavg();
  if (load > cpus().length / 2)
    console.error(`warning: load average ${load.toFixed(2)} on ${cpus().length} CPUs: other work skews the figures`);
  console.log(`WebRTC calls on 127.0.0.1 (private network namespace); ${cpus().length} CPUs, node ${process.version}`);
  console.log(`SIP over ${opts.sipTransports.join(", ")}`);
  // TLS / WSS: a test CA and a server certificate for 127.0.0.1, made now, deleted at the end.
  const made = opts.sipTransports.some(needsCerts) ? makeTestCerts() : undefined;
  const certs = made === undefined ? undefined : { ca: made.ca.cert, cert: made.server.cert, key: made.server.key };
  let latency: SetupResult[] = [];
  let rate: SetupResult[] = [];
  let concurrency: ConcurrencyResult[] = [];
  try {
    if (opts.phases.includes("latency")) latency = await latencyPhase(opts, budget, certs);
    if (opts.phases.includes("rate")) rate = await ratePhase(opts, budget, certs);
    if (opts.phases.includes("concurrency")) concurrency = await concurrencyPhase(opts, budget, certs);
  } finally {
    made?.cleanup();
  }

  printSetup("Set-up latency: built-in webrtc_uac -> webrtc_uas", latency);
  printSetup(`Calls set up per second (${RATE_HOLD_MS / 1000} s hold)`, rate);
  printConcurrency(concurrency, opts.windowS);
  if (opts.mediaWorkers.length > 1 || opts.rounds > 1) printWorkersComparison(concurrency);
  const lines = verdict(latency, rate, concurrency);
  console.log("\nWhere we stand:");
  for (const line of lines) console.log(`  ${line}`);

  const date = new Date().toISOString();
  const jsonPath = opts.jsonPath ?? join(REPO_ROOT, "bench", "results", `webrtc-${date.replace(/[:.]/g, "-")}.json`);
  await mkdir(join(jsonPath, ".."), { recursive: true });
  const loadAtEnd = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const host = {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? "unknown",
    node: process.version,
    load,
    loadAtEnd,
  };
  const body = { benchmark: "webrtc", date, host, options: opts, latency, rate, concurrency, verdict: lines };
  await writeFile(jsonPath, JSON.stringify(body, null, 2) + "\n");
  console.log(`\nresults: ${jsonPath}`);
  const failed = [...latency, ...concurrency].some((r) => r.problems.length > 0);
  return failed ? 1 : 0;
}

/** Re-executes this file inside `unshare -n` (lo up), bounded by the deadline plus a margin; returns its exit code. */
function reexecInPrivateNetwork(argv: readonly string[], opts: Options): Promise<number> {
  const why = privateNetworkUnavailable();
  if (why !== undefined) throw new Error(`${why} (the benchmark needs a private network namespace)`);
  if (!opts.skipBuild) ensureCompiledBuild();
  const file = fileURLToPath(import.meta.url);
  const args = ["-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', process.execPath, "--import", "tsx", file];
  const child = spawn("unshare", [...args, ...argv, "--skip-build"], {
    cwd: REPO_ROOT,
    env: { ...process.env, [INSIDE]: "1" },
    stdio: "inherit",
  });
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => {
        console.error("bench/webrtc: the run in the namespace outlived its deadline: SIGKILL");
        child.kill("SIGKILL");
      },
      (opts.deadlineS + 300) * 1000,
    );
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

try {
  const argv = process.argv.slice(2);
  const opts = parseOptions(argv);
  process.exitCode = process.env[INSIDE] === "1" ? await inside(opts) : await reexecInPrivateNetwork(argv, opts);
} catch (error) {
  console.error(`bench/webrtc: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
