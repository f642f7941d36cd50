/**
 * /proc sampling for bench/rtp-calls.ts (Linux): CPU, RSS and open descriptors of a process, host-wide UDP counters
 * and socket drops, and the window during which every call of a step is up. A read that fails means the process is
 * gone: undefined, and the caller reports it.
 */
import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import type * as timed from "../test/helpers/timed-process.js";
import type { PortRange } from "../test/helpers/rtp-ports.js";

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "latin1" }).trim());
/** After every call is up: let the last calls' streams start before the window opens. */
const WINDOW_MARGIN_MS = 500;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function procText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "latin1");
  } catch (error) {
    // ENOENT / ESRCH: the process exited; the step reports a missing window instead.
    if (["ENOENT", "ESRCH"].includes((error as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw error;
  }
}

/** utime + stime of the whole process (all threads), in seconds: proc(5) fields 14 and 15 of /proc/<pid>/stat. */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  const stat = await procText(`/proc/${pid}/stat`);
  const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields === undefined) return undefined;
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export async function rssKiB(pid: number): Promise<number | undefined> {
  const status = await procText(`/proc/${pid}/status`);
  const match = status === undefined ? null : /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match === null ? undefined : Number(match[1]);
}

export async function fdCount(pid: number): Promise<number | undefined> {
  try {
    return (await readdir(`/proc/${pid}/fd`)).length;
  } catch (error) {
    // ENOENT: the process exited.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

export interface UdpCounters {
  out: number;
  in: number;
  rcvbufErrors: number;
  sndbufErrors: number;
}

/** Host-wide UDP counters (/proc/net/snmp): on loopback every datagram counts once out and once in. */
export async function udpCounters(): Promise<UdpCounters> {
  const lines = (await readFile("/proc/net/snmp", "latin1")).split("\n").filter((l) => l.startsWith("Udp: "));
  const names = lines[0]?.split(" ") ?? [];
  const values = lines[1]?.split(" ").map(Number) ?? [];
  const get = (name: string): number => values[names.indexOf(name)] ?? 0;
  return {
    out: get("OutDatagrams"),
    in: get("InDatagrams"),
    rcvbufErrors: get("RcvbufErrors"),
    sndbufErrors: get("SndbufErrors"),
  };
}

/**
 * Datagrams the kernel dropped at each side's RTP sockets (the `drops` column of /proc/net/udp, summed over the
 * sockets bound in a port range): tells whose receive buffer overflowed. Read once, at the end of the window.
 */
export async function socketDrops(ranges: Readonly<Record<string, PortRange>>): Promise<Record<string, number>> {
  const out = Object.fromEntries(Object.keys(ranges).map((name) => [name, 0]));
  for (const line of (await readFile("/proc/net/udp", "latin1")).split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const port = parseInt(fields[1]?.split(":")[1] ?? "", 16);
    const drops = Number(fields[fields.length - 1]);
    for (const [name, r] of Object.entries(ranges))
      if (port >= r.min && port <= r.max) out[name] = (out[name] ?? 0) + drops;
  }
  return out;
}

/** The measured program's pid: GNU time -> timeout -> program (/proc/<pid>/task/<pid>/children). */
export async function programPid(proc: timed.TimedProcess): Promise<number | undefined> {
  const child = async (pid: number): Promise<number | undefined> => {
    const text = await procText(`/proc/${pid}/task/${pid}/children`);
    const pids = (text ?? "").trim().split(/\s+/).filter(Boolean).map(Number);
    return pids.length === 1 ? pids[0] : undefined;
  };
  for (let tries = 0; tries < 400 && proc.wrapper.isAlive(); tries++) {
    const timeoutPid = await child(proc.wrapper.pid);
    const pid = timeoutPid === undefined ? undefined : await child(timeoutPid);
    if (pid !== undefined) return pid;
    await delay(5);
  }
  return undefined;
}

export interface Sample {
  at: number;
  uacCpu: number;
  uasCpu: number;
  uacRss: number;
  uasRss: number;
  udp: UdpCounters;
}

export async function sample(uacPid: number, uasPid: number): Promise<Sample | undefined> {
  const [uacCpu, uasCpu, uacRss, uasRss, udp] = await Promise.all([
    cpuSeconds(uacPid),
    cpuSeconds(uasPid),
    rssKiB(uacPid),
    rssKiB(uasPid),
    udpCounters(),
  ]);
  if (uacCpu === undefined || uasCpu === undefined || uacRss === undefined || uasRss === undefined) return undefined;
  return { at: performance.now(), uacCpu, uasCpu, uacRss, uasRss, udp };
}

export interface Window {
  start: Sample;
  end: Sample;
}

/**
 * The all-calls-up window, from the UAC's open file descriptors (each call's RTP session holds an RTP and an RTCP
 * socket, plus a WAV file when recording): it opens WINDOW_MARGIN_MS after the count stops growing at 2N or more,
 * and ends at the last sample (every 250 ms) before the count falls — the first call's BYE closed its session.
 */
export async function measureWindow(
  uacPid: number,
  uasPid: number,
  calls: number,
  untilMs: number,
): Promise<Window | string> {
  let previous = -1;
  let plateau: number | undefined;
  while (plateau === undefined) {
    if (performance.now() > untilMs) return `calls never all up (UAC fds ${previous}, want >= ${2 * calls})`;
    const fds = await fdCount(uacPid);
    if (fds === undefined) return "UAC exited before all calls were up";
    if (fds >= 2 * calls && fds === previous) plateau = fds;
    previous = fds;
    await delay(100);
  }
  await delay(WINDOW_MARGIN_MS);
  const start = await sample(uacPid, uasPid);
  if (start === undefined) return "a process exited at the start of the window";
  let end = start;
  for (;;) {
    await delay(250);
    const fds = await fdCount(uacPid);
    if (fds === undefined || fds < plateau - 1 || performance.now() > untilMs) break;
    const next = await sample(uacPid, uasPid);
    if (next === undefined) break;
    end = next;
  }
  return end === start ? "window shorter than one sample" : { start, end };
}
