/**
 * Control-plane benchmark: what `sipwright serve` costs while it watches a busy job.
 *
 *   node --import tsx bench/serve.ts [--rate 2000] [--seconds 10] [--skip-build]
 *
 * A sipwright UAS (plain CLI, not measured) answers; the same signalling-only UAC run (`-sn uac`, R calls/s for S
 * seconds) is made twice: (1) as a plain CLI run with the options a job gets (-trace_msg, --junit, --live-stats),
 * and (2) as a job of a `serve` process that one SSE client watches. Reported: the UAC's achieved rate and CPU both
 * ways, the serve process's own CPU during the job (its added cost), and the latency from a call's end
 * (`ended_at` of its record) to the `record` event's arrival at the SSE client. Compiled build (bin/ -> dist/).
 */
import { request } from "node:http";
import { mkdtemp, readFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCompiledBuild, SIPWRIGHT_BIN } from "../test/helpers/compiled-build.js";
import { freeUdpPort, LOOPBACK } from "../test/helpers/free-port.js";
import { startProcess, waitExit, waitForStderr, type StartedProcess } from "../test/helpers/processes.js";
import type { Summary } from "../src/records/summary.js";
import { positive } from "./bench-args.js";
import { cpuSeconds, procText } from "./proc-sampling.js";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const RATE = positive("--rate", opt("--rate", "2000"));
const SECONDS = positive("--seconds", opt("--seconds", "10"));
const CALLS = RATE * SECONDS;
const BUFF = ["-buff_size", "4194304"];

function cli(a: readonly string[]): Promise<StartedProcess> {
  return startProcess(process.execPath, [SIPWRIGHT_BIN, ...a], { outputLimitBytes: 64 * 1024 });
}

/** Samples a pid's CPU every 200 ms; the last value read before it exits. */
function cpuTracker(pid: () => number | undefined): { stop(): Promise<number> } {
  let last = 0;
  let first: number | undefined;
  const state = { stopped: false };
  const loop = (async () => {
    while (!state.stopped) {
      const p = pid();
      const cpu = p === undefined ? undefined : await cpuSeconds(p);
      if (cpu !== undefined) {
        first ??= cpu;
        last = cpu;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    async stop() {
      state.stopped = true;
      await loop;
      return last - (first ?? last);
    },
  };
}

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
  const used = await cpu.stop();
  uas.kill("SIGTERM");
  await waitExit(uas, 30_000);
  return { summary: JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as Summary, cpu: used };
}

async function childPid(parent: number): Promise<number | undefined> {
  const text = await procText(`/proc/${parent}/task/${parent}/children`);
  const first = text?.trim().split(/\s+/)[0];
  return first === undefined || first === "" ? undefined : Number(first);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

async function serveRun(dir: string) {
  const port = await freeUdpPort();
  const uas = await startUas(port, dir);
  const serve = await cli(["serve", "--listen", `${LOOPBACK}:0`, "--data", join(dir, "data")]);
  const deadline = Date.now() + 30_000;
  while (!/listening on (http:\/\/\S+)\//.test(serve.stdout()) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const base = /listening on (http:\/\/\S+)\//.exec(serve.stdout())?.[1];
  if (base === undefined) throw new Error(`serve did not start:\n${serve.stderr()}`);
  const serveCpu = cpuTracker(() => serve.pid);
  const res = await fetch(`${base}/api/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ args: uacArgs(port).concat(["--status", "none"]) }),
  });
  const job = (await res.json()) as { id: string };
  let uacPid: number | undefined;
  const uacCpu = cpuTracker(() => uacPid);
  const findChild = setInterval(() => void childPid(serve.pid).then((p) => (uacPid ??= p)), 20);
  const latencies: number[] = [];
  let records = 0;
  let counters = 0;
  await new Promise<void>((resolve, reject) => {
    const req = request(`${base}/api/jobs/${job.id}/events`, (r) => {
      let buffer = "";
      r.setEncoding("utf8");
      r.on("data", (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (\w+)/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type === "record" && data !== undefined) {
            const rec = (JSON.parse(data) as { record: { ended_at: string } }).record;
            latencies.push(Date.now() - Date.parse(rec.ended_at));
            records++;
          } else if (type === "counters") counters++;
          else if (type === "end") {
            req.destroy();
            resolve();
          }
        }
      });
    });
    req.on("error", reject);
    req.end();
  });
  clearInterval(findChild);
  const [serveUsed, uacUsed] = [await serveCpu.stop(), await uacCpu.stop()];
  const summary = JSON.parse(await readFile(join(dir, "data", job.id, "summary.json"), "utf8")) as Summary;
  serve.kill("SIGTERM");
  uas.kill("SIGTERM");
  await Promise.all([waitExit(serve, 30_000), waitExit(uas, 30_000)]);
  latencies.sort((a, b) => a - b);
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

await main();
