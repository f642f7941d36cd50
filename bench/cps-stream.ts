/**
 * bench/cps over a stream transport, sipwright UAC against a sipwright UAS (Debian's sipp 3.6.1 has no TLS and no
 * WebSocket, `sipp -v` shows no "-TLS"), so the figure is our own cost of the transport: `t1` (TCP, the baseline)
 * against `l1` (TLS on one shared connection) and `ln` (a TLS connection, handshake included, per call), and
 * WebSocket (RFC 7118): `ws1` / `wsn`, `wss1` / `wssn` (WebSocket over TLS; opening handshake per call for `n`).
 * TLS certificates are made at run time (test/helpers/test-certs.ts). Used by bench/cps.ts `--stream t1,l1,ln`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeTcpPort, LOOPBACK, waitUntilBound } from "../test/helpers/free-port.js";
import { SIPWRIGHT_BIN } from "../test/helpers/compiled-build.js";
import { readSummary } from "../test/helpers/sipwright.js";
import { makeTestCerts } from "../test/helpers/test-certs.js";
import {
  killTimedProcess,
  signalMeasuredProgram,
  startTimedProcess,
  waitTimedExit,
  type TimedExit,
  type TimedProcess,
} from "../test/helpers/timed-process.js";

export type StreamMode = "t1" | "tn" | "l1" | "ln" | "ws1" | "wsn" | "wss1" | "wssn";
export const STREAM_MODES: readonly StreamMode[] = ["t1", "tn", "l1", "ln", "ws1", "wsn", "wss1", "wssn"];

export interface StreamSide {
  exit_code: number | null;
  hard_timeout: boolean;
  successful: number;
  failed: number;
  cpu_s: number;
  cpu_us_per_call: number;
  peak_rss_mb: number;
}

export interface StreamResult {
  mode: StreamMode;
  rate: number;
  calls: number;
  uac: StreamSide;
  uas: StreamSide;
}

/** The built-in uas ends with a 4 s timewait: it exits that long after its last call. */
const UAS_DRAIN_MS = 10_000;

function side(exit: TimedExit, counts: { successful: number; failed: number } | undefined, calls: number): StreamSide {
  const cpu = exit.usage.userSeconds + exit.usage.systemSeconds;
  const c = counts ?? { successful: 0, failed: 0 };
  return {
    exit_code: exit.code,
    hard_timeout: exit.hardTimeout,
    ...c,
    cpu_s: Math.round(cpu * 100) / 100,
    cpu_us_per_call: Math.round((cpu * 1e7) / (c.successful + c.failed || calls)) / 10,
    peak_rss_mb: Math.round(exit.usage.maxRssKiB / 102.4) / 10,
  };
}

async function counts(path: string): Promise<{ successful: number; failed: number } | undefined> {
  try {
    const s = await readSummary(path);
    return { successful: s.calls.successful, failed: s.calls.failed };
  } catch {
    // A killed run leaves no summary: the row then shows 0 / 0 and the exit says why.
    return undefined;
  }
}

/** One sipwright ↔ sipwright pair over `mode` at `rate` cps for `calls` calls. */
export async function measureStreamPair(
  mode: StreamMode,
  rate: number,
  calls: number,
  seconds: number,
): Promise<StreamResult> {
  const dir = await mkdtemp(join(tmpdir(), `sipwright-bench-${mode}-${rate}-`));
  const certs = makeTestCerts();
  const started: TimedProcess[] = [];
  try {
    const soft = `${seconds + 20}s`;
    const port = await freeTcpPort();
    const tls = mode.startsWith("l") || mode.startsWith("wss");
    const sw = (name: string, args: string[]): Promise<TimedProcess> =>
      startTimedProcess(
        process.execPath,
        [SIPWRIGHT_BIN, ...args, "-t", mode, "--status", "none", "-timeout", soft, "--no-records"].concat([
          "--out",
          join(dir, name),
          "--summary-json",
          join(dir, `${name}.json`),
        ]),
        { cwd: dir, hardTimeoutSeconds: seconds + 45, usageFile: join(dir, `${name}.time`) },
      );
    const uas = await sw("uas", [
      ...["-sn", "uas", "-i", LOOPBACK, "-p", String(port), "-m", String(calls)],
      ...(tls ? ["-tls_cert", certs.server.cert, "-tls_key", certs.server.key] : []),
    ]);
    started.push(uas);
    await waitUntilBound(port, "tcp", 10_000, () => !uas.wrapper.isAlive());
    const uac = await sw("uac", [
      ...["-sn", "uac", `${LOOPBACK}:${port}`, "-i", LOOPBACK, "-p", "0", "-r", String(rate), "-m", String(calls)],
      ...["-recv_timeout", "10000"],
      ...(tls ? ["-tls_ca", certs.ca.cert] : []),
    ]);
    started.push(uac);
    const uacExit = await waitTimedExit(uac);
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      uas.wrapper.exited.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(resolve, UAS_DRAIN_MS, false))),
    ]);
    clearTimeout(timer);
    if (!drained) await signalMeasuredProgram(uas, "SIGUSR1");
    const uasExit = await waitTimedExit(uas);
    return {
      mode,
      rate,
      calls,
      uac: side(uacExit, await counts(join(dir, "uac.json")), calls),
      uas: side(uasExit, await counts(join(dir, "uas.json")), calls),
    };
  } finally {
    await Promise.all(started.map((p) => killTimedProcess(p)));
    certs.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

export function printStreamTable(results: readonly StreamResult[], seconds: number): void {
  if (results.length === 0) return;
  console.log(`\n== sipwright UAC ↔ sipwright UAS over stream transports (${seconds} s per run, loopback)`);
  const head = "-t|rate|calls|side|exit|success|failed|CPU s|CPU µs/call|RSS MB".split("|");
  const rows: string[][] = [head];
  for (const r of results) {
    for (const [name, s] of [
      ["UAC", r.uac],
      ["UAS", r.uas],
    ] as const) {
      const exit = s.hard_timeout ? "KILLED" : String(s.exit_code);
      rows.push([r.mode, String(r.rate), String(r.calls), name, exit, String(s.successful), String(s.failed)]);
      rows[rows.length - 1]?.push(s.cpu_s.toFixed(2), s.cpu_us_per_call.toFixed(1), s.peak_rss_mb.toFixed(1));
    }
  }
  const widths = head.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c] ?? 0)).join("  "));
}
