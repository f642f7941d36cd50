/**
 * bench/serve.ts --webrtc: what `sipwright serve` costs while it watches N concurrent recorded WebRTC calls.
 *
 *   node --import tsx bench/serve.ts --webrtc [--calls 200] [--ramp-rate 20] [--window 10] [--skip-build]
 *
 * Inside a private network namespace (`unshare -n`, only `lo` up; the bench re-executes itself there, like
 * bench/webrtc.ts), a sipwright UAS (plain CLI, not measured; bench/webrtc-pair.ts's WebRTC UAS) answers and a UAC
 * brings N WebRTC calls (trickle ICE over SIP INFO, DTLS-SRTP, a tone, `--record-stereo`) up at `--ramp-rate`, each
 * held until all are up plus `--window` seconds (bench/webrtc-pair.ts's UAC scenario). The UAC runs twice: (1) a
 * plain CLI run with the options a job gets (-trace_msg, --junit, --live-stats), (2) a job of a `serve` process
 * watched by one SSE client. Reported: calls ok, UAC CPU both ways, serve CPU and peak RSS during the job, call
 * end -> `record` event latency, and whether the last `counters` event equals summary.json and the JSONL lines.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Summary } from "../src/records/summary.js";
import { ensureCompiledBuild } from "../test/helpers/compiled-build.js";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../test/helpers/free-port.js";
import { privateNetworkUnavailable } from "../test/helpers/netns.js";
import { waitExit, type StartedProcess } from "../test/helpers/processes.js";
import { REPO_ROOT } from "../test/helpers/sipwright.js";
import { positive } from "./bench-args.js";
import { childPid, cli, cpuTracker, createJob, percentile, startServe, watchJob } from "./serve-helpers.js";
import { uacXml, UAS_XML } from "./webrtc-pair.js";

const INSIDE = "SIPWRIGHT_BENCH_NETNS";

interface Options {
  readonly calls: number;
  readonly rampRate: number;
  readonly windowS: number;
  readonly skipBuild: boolean;
}

function parse(argv: readonly string[]): Options {
  const opt = (name: string, fallback: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  return {
    calls: positive("--calls", opt("--calls", "200")),
    rampRate: positive("--ramp-rate", opt("--ramp-rate", "20")),
    windowS: positive("--window", opt("--window", "10")),
    skipBuild: argv.includes("--skip-build"),
  };
}

/** Each call's hold: the ramp plus the window, so that all N are up together for `windowS` seconds. */
const holdMs = (o: Options): number => Math.ceil((o.calls / o.rampRate + o.windowS) * 1000);
/** -timeout of every process: the ramp, the hold and a margin. */
const softS = (o: Options): number => Math.ceil(o.calls / o.rampRate + holdMs(o) / 1000 + 60);

async function startUas(o: Options, dir: string, label: string): Promise<{ uas: StartedProcess; port: number }> {
  const port = await freeUdpPort();
  const xml = join(dir, "uas.xml");
  await writeFile(xml, UAS_XML);
  const uas = await cli(
    ["-sf", xml, "-i", LOOPBACK, "-p", String(port), "-m", String(o.calls), "--ice-address", LOOPBACK]
      .concat(["-buff_size", "4194304", "-timeout", `${softS(o)}s`, "--no-records", "--status", "none"])
      .concat(["--out", join(dir, `uas-${label}`)]),
  );
  await waitUntilBound(port, "udp", 15_000, () => !uas.isAlive());
  return { uas, port };
}

function uacArgs(o: Options, port: number): string[] {
  return [`${LOOPBACK}:${port}`, "-i", LOOPBACK, "-p", "0", "-r", String(o.rampRate)]
    .concat(["-l", String(o.calls), "-m", String(o.calls), "--ice-address", LOOPBACK, "-buff_size", "4194304"])
    .concat(["--record-stereo", "-timeout", `${softS(o)}s`, "--status", "none"]);
}

async function jsonlLines(path: string): Promise<number> {
  return (await readFile(path, "utf8")).split("\n").filter((l) => l.trim() !== "").length;
}

async function stopUas(uas: StartedProcess): Promise<void> {
  if (uas.isAlive()) uas.kill("SIGUSR1");
  await waitExit(uas, 60_000);
}

async function cliRun(o: Options, dir: string) {
  const { uas, port } = await startUas(o, dir, "cli");
  const out = join(dir, "cli");
  const xml = join(dir, "uac.xml");
  await writeFile(xml, uacXml(holdMs(o)));
  const uac = await cli(
    ["-sf", xml, ...uacArgs(o, port)]
      .concat(["--out", out, "-trace_msg", "--junit", join(out, "junit.xml")])
      .concat(["--live-stats", join(out, "live.ndjson")]),
  );
  const cpu = cpuTracker(() => uac.pid);
  await waitExit(uac, (softS(o) + 30) * 1000);
  const used = await cpu.stop();
  await stopUas(uas);
  const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as Summary;
  return { summary, cpu: used.cpu, rss: used.maxRssKiB, lines: await jsonlLines(join(out, "call_records.jsonl")) };
}

interface FinalCounters {
  readonly final?: boolean;
  readonly calls?: { created: number; succeeded: number; failed: number; aborted: number };
  readonly webrtc?: { ended_states: Record<string, number>; pairs: Record<string, number> } | null;
}

async function serveRun(o: Options, dir: string) {
  const { uas, port } = await startUas(o, dir, "serve");
  const { serve, base } = await startServe(join(dir, "data"));
  const serveCpu = cpuTracker(() => serve.pid);
  const jobId = await createJob(base, { args: uacArgs(o, port), scenario_xml: uacXml(holdMs(o)) });
  let uacPid: number | undefined;
  const uacCpu = cpuTracker(() => uacPid);
  const findChild = setInterval(() => void childPid(serve.pid).then((p) => (uacPid ??= p)), 20);
  const watched = await watchJob(base, jobId);
  clearInterval(findChild);
  const [served, uac] = [await serveCpu.stop(), await uacCpu.stop()];
  const folder = join(dir, "data", jobId);
  const summary = JSON.parse(await readFile(join(folder, "summary.json"), "utf8")) as Summary;
  const lines = await jsonlLines(join(folder, "call_records.jsonl"));
  serve.kill("SIGTERM");
  await Promise.all([waitExit(serve, 30_000), stopUas(uas)]);
  return { summary, served, uac, watched, lines, last: watched.lastCounters as FinalCounters | undefined };
}

async function inside(o: Options): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "sipwright-bench-serve-webrtc-"));
  try {
    console.log(
      `${cpus().length} CPUs, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}; ${o.calls} WebRTC calls up at ${o.rampRate}/s, all up for ${o.windowS} s, --record-stereo`,
    );
    const plain = await cliRun(o, dir);
    const s = await serveRun(o, dir);
    const row = (sum: Summary, cpu: number) =>
      `${sum.calls.successful}/${sum.calls.created} ok, UAC CPU ${cpu.toFixed(2)} s ` +
      `(${((cpu * 1e3) / Math.max(1, sum.calls.created)).toFixed(1)} ms/call)`;
    console.log(
      `CLI run (job options):  ${row(plain.summary, plain.cpu)}, UAC peak RSS ${(plain.rss / 1024).toFixed(0)} MiB`,
    );
    console.log(
      `as a serve job:         ${row(s.summary, s.uac.cpu)}, UAC peak RSS ${(s.uac.maxRssKiB / 1024).toFixed(0)} MiB`,
    );
    const secs = s.summary.duration_ms / 1000;
    console.log(
      `serve process during the job: CPU ${s.served.cpu.toFixed(2)} s over ${secs.toFixed(1)} s ` +
        `(${((s.served.cpu / Math.max(0.001, secs)) * 100).toFixed(1)} % of one core), peak RSS ` +
        `${(s.served.maxRssKiB / 1024).toFixed(0)} MiB; ${s.watched.records} record events, ${s.watched.counters} counters events`,
    );
    const classes = (sum: Summary) =>
      Object.entries(sum.failures)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ") || "none";
    console.log(`failures: CLI run ${classes(plain.summary)}; serve job ${classes(s.summary)}`);
    const l = s.watched.latencies;
    console.log(
      `call end -> record event: p50 ${percentile(l, 0.5)} ms, p95 ${percentile(l, 0.95)} ms, max ${l.at(-1) ?? NaN} ms`,
    );
    const c = s.last?.calls;
    const equal =
      s.last?.final === true &&
      c?.created === s.summary.calls.created &&
      c.created === s.summary.calls.created &&
      c.succeeded === s.summary.calls.successful &&
      c.failed === s.summary.calls.failed &&
      c.created === s.lines &&
      s.watched.records === s.lines;
    console.log(
      `final counters ${JSON.stringify(c)}, webrtc ${JSON.stringify({ ended: s.last?.webrtc?.ended_states, pairs: s.last?.webrtc?.pairs })}; ` +
        `summary.json created ${s.summary.calls.created} successful ${s.summary.calls.successful} failed ${s.summary.calls.failed}; ` +
        `JSONL lines ${s.lines} (CLI run ${plain.lines}): ${equal ? "equal" : "NOT EQUAL"}`,
    );
    return equal && s.summary.calls.successful === o.calls && plain.summary.calls.successful === o.calls ? 0 : 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function reexec(argv: readonly string[], o: Options): Promise<number> {
  const why = privateNetworkUnavailable();
  if (why !== undefined) throw new Error(`${why} (WebRTC needs a private network namespace)`);
  if (!o.skipBuild) ensureCompiledBuild();
  const file = fileURLToPath(new URL("./serve.ts", import.meta.url));
  const sh = ["-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', process.execPath, "--import", "tsx", file];
  const child = spawn("unshare", [...sh, ...argv, "--skip-build"], {
    cwd: REPO_ROOT,
    env: { ...process.env, [INSIDE]: "1" },
    stdio: "inherit",
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), (2 * softS(o) + 300) * 1000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

export async function webrtcMain(argv: readonly string[]): Promise<number> {
  const o = parse(argv);
  return process.env[INSIDE] === "1"
    ? inside(o)
    : reexec(
        argv.filter((a) => a !== "--skip-build"),
        o,
      );
}
