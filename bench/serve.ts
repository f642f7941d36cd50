/**
 * Control-plane benchmark: what `sipwright serve` costs while it watches a busy job.
 *
 *   node --import tsx bench/serve.ts [--rate 2000] [--seconds 10] [--skip-build]
 *   node --import tsx bench/serve.ts --webrtc [--calls 200] [--ramp-rate 20] [--window 10] [--skip-build]
 *
 * With --webrtc: N concurrent recorded WebRTC calls instead, inside a private network namespace (bench/serve-webrtc.ts).
 *
 * A sipwright UAS (plain CLI, not measured) answers; the same signalling-only UAC run (`-sn uac`, R calls/s for S
 * seconds) is made twice: (1) as a plain CLI run with the options a job gets (-trace_msg, --junit, --live-stats),
 * and (2) as a job of a `serve` process that one SSE client watches. Reported: the UAC's achieved rate and CPU both
 * ways, the serve process's own CPU during the job (its added cost), and the latency from a call's end
 * (`ended_at` of its record) to the `record` event's arrival at the SSE client. Compiled build (bin/ -> dist/).
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCompiledBuild } from "../test/helpers/compiled-build.js";
import { freeUdpPort, LOOPBACK } from "../test/helpers/free-port.js";
import { waitExit, waitForStderr, type StartedProcess } from "../test/helpers/processes.js";
import type { Summary } from "../src/records/summary.js";
import { positive } from "./bench-args.js";
import { childPid, cli, cpuTracker, createJob, percentile, startServe, watchJob } from "./serve-helpers.js";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const RATE = positive("--rate", opt("--rate", "2000"));
const SECONDS = positive("--seconds", opt("--seconds", "10"));
const CALLS = RATE * SECONDS;
const BUFF = ["-buff_size", "4194304"];

async function startUas(port: number, dir: string): Promise<StartedProcess> {
  const uas = await cli(
    ["-sn", "uas", "-i", LOOPBACK, "-p", String(port), ...BUFF, "--no-records"].concat([
      "--out",
      join(dir, "uas"),
      "--status",
      "lines",
      "-f",
      "0.1",
    ]),
  );
  await waitForStderr(uas, /calls \d+ started/, 30_000);
  return uas;
}

function uacArgs(port: number): string[] {
  return [
    "-sn",
    "uac",
    `${LOOPBACK}:${port}`,
    "-i",
    LOOPBACK,
    "-p",
    "0",
    "-r",
    String(RATE),
    "-m",
    String(CALLS),
    ...BUFF,
  ];
}

async function cliRun(dir: string): Promise<{ summary: Summary; cpu: number }> {
  const port = await freeUdpPort();
  const uas = await startUas(port, dir);
  const out = join(dir, "cli");
  const uac = await cli(
    uacArgs(port)
      .concat(["--out", out, "-trace_msg", "--junit", join(out, "junit.xml")])
      .concat(["--live-stats", join(out, "live.ndjson"), "--status", "none"]),
  );
  const cpu = cpuTracker(() => uac.pid);
  await waitExit(uac, (SECONDS + 120) * 1000);
  const used = (await cpu.stop()).cpu;
  uas.kill("SIGTERM");
  await waitExit(uas, 30_000);
  return { summary: JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as Summary, cpu: used };
}

async function serveRun(dir: string) {
  const port = await freeUdpPort();
  const uas = await startUas(port, dir);
  const { serve, base } = await startServe(join(dir, "data"));
  const serveCpu = cpuTracker(() => serve.pid);
  const jobId = await createJob(base, { args: uacArgs(port).concat(["--status", "none"]) });
  let uacPid: number | undefined;
  const uacCpu = cpuTracker(() => uacPid);
  const findChild = setInterval(() => void childPid(serve.pid).then((p) => (uacPid ??= p)), 20);
  const { latencies, records, counters } = await watchJob(base, jobId);
  clearInterval(findChild);
  const [serveUsed, uacUsed] = [(await serveCpu.stop()).cpu, (await uacCpu.stop()).cpu];
  const summary = JSON.parse(await readFile(join(dir, "data", jobId, "summary.json"), "utf8")) as Summary;
  serve.kill("SIGTERM");
  uas.kill("SIGTERM");
  await Promise.all([waitExit(serve, 30_000), waitExit(uas, 30_000)]);
  return { summary, serveUsed, uacUsed, records, counters, latencies };
}

async function main(): Promise<void> {
  if (!args.includes("--skip-build")) ensureCompiledBuild();
  const dir = await mkdtemp(join(tmpdir(), "sipwright-bench-serve-"));
  console.log(
    `${cpus().length} CPUs, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}; ${RATE} calls/s x ${SECONDS} s`,
  );
  const plain = await cliRun(dir);
  const served = await serveRun(dir);
  const row = (s: Summary, cpu: number) =>
    `${s.calls.successful}/${s.calls.created} ok, ${s.calls_per_second.toFixed(0)} calls/s, ` +
    `UAC CPU ${cpu.toFixed(2)} s (${((cpu * 1e6) / Math.max(1, s.calls.created)).toFixed(0)} us/call)`;
  console.log(`CLI run (job options):  ${row(plain.summary, plain.cpu)}`);
  console.log(`as a serve job:         ${row(served.summary, served.uacUsed)}`);
  const l = served.latencies;
  console.log(
    `serve process CPU during the job: ${served.serveUsed.toFixed(2)} s ` +
      `(${((served.serveUsed / Math.max(0.001, served.summary.duration_ms / 1000)) * 100).toFixed(1)} % of one core); ` +
      `${served.records} record events, ${served.counters} counters events`,
  );
  console.log(
    `call end -> record event: p50 ${percentile(l, 0.5)} ms, p95 ${percentile(l, 0.95)} ms, max ${l.at(-1) ?? NaN} ms`,
  );
}

if (args.includes("--webrtc")) {
  const { webrtcMain } = await import("./serve-webrtc.js");
  process.exitCode = await webrtcMain(args);
} else await main();
