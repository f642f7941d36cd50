/**
 * `sipwright demo`: a self-contained run — the built-in `webrtc_uac` and `webrtc_uas` scenarios calling each other
 * in one process, SIP over UDP on 127.0.0.1 (free ports chosen at run time), media over a WebRTC bridge on each side
 * (ICE on loopback host candidates, all in the SDP as a browser sends them; DTLS-SRTP; G.711): a tone each way, DTMF, audio checks on
 * both sides, every call recorded to a stereo WAV. `--rtp` runs the same over plain RTP (`rtp_uac`, `rtp_uas`).
 * Prints what happened and where the outputs are.
 */
import { join, resolve } from "node:path";
import { prepareRun, makeRunId, type RunResult } from "../engine/run/execute-run.js";
import type { RunConfig } from "../engine/run/run-config.js";
import { defaultRunConfig } from "./parse-args.js";

export interface DemoOptions {
  readonly outDir: string | undefined;
  readonly calls: number;
  /** Plain RTP instead of WebRTC. */
  readonly rtp?: boolean;
}

function describe(role: string, result: RunResult): string {
  const s = result.snapshot;
  const rtd = s.rtds[0]?.stats;
  const rtdText = rtd && rtd.count > 0 ? `, response time p50 ${rtd.p50.toFixed(1)} ms` : "";
  return (
    `  ${role}: ${s.created.cumulative} calls, ${s.succeeded.cumulative} succeeded, ${s.failed.cumulative} failed, ` +
    `${s.retransmissions.cumulative} retransmissions${rtdText} (exit code ${result.exitCode})\n` +
    `       summary: ${result.summaryPath}\n` +
    (result.callRecordsPath === undefined ? "" : `       call records: ${result.callRecordsPath}\n`) +
    Object.entries(result.tracePaths)
      .map(([kind, path]) => `       ${kind}: ${path ?? ""}\n`)
      .join("") +
    describeMedia(result)
  );
}

function describeMedia(result: RunResult): string {
  const media = result.media;
  if (media === undefined) return "";
  const m = media.totals;
  return (
    `       media: ${m.packets_sent} RTP packets sent, ${m.packets_received} received, ${m.packets_lost} lost, ` +
    `jitter max ${m.max_jitter_ms} ms; DTMF ${m.dtmf_digits_sent} digits sent, ${m.dtmf_digits_received} received; ` +
    `audio checks ${m.audio_checks_passed} passed, ${m.audio_checks_failed} failed\n` +
    `       recordings: ${media.recordingsDir} (${m.recordings} WAV files)\n`
  );
}

export async function runDemo(opts: DemoOptions): Promise<number> {
  const base = defaultRunConfig({ isTTY: false, cwd: process.cwd(), primaryIp: "127.0.0.1" });
  const kind = opts.rtp === true ? "rtp" : "webrtc";
  const outDir = resolve(opts.outDir ?? join("recordings", `demo-${makeRunId(Date.now(), process.pid)}`));
  const trace = { ...base.trace, msg: true, shortmsg: true, err: true, stat: true, statPeriodMs: 1000 };
  const common: Partial<RunConfig> = {
    localIp: "127.0.0.1",
    localPort: 0,
    maxCalls: opts.calls,
    statusMode: "none",
    trace,
    globalTimeoutMs: 60_000,
    record: "stereo",
  };
  const uas = await prepareRun({
    config: { ...base, ...common, scenarioName: `${kind}_uas`, outDir: join(outDir, "uas") },
  });
  const uasPort = uas.environment.values.localPort;
  const uac = await prepareRun({
    config: {
      ...base,
      ...common,
      scenarioName: `${kind}_uac`,
      remoteHost: "127.0.0.1",
      remotePort: uasPort,
      rate: 10,
      outDir: join(outDir, "uac"),
    },
  });
  process.stdout.write(
    `sipwright demo: ${opts.calls} calls, built-in ${kind}_uac (127.0.0.1:${uac.environment.values.localPort}) -> ` +
      `built-in ${kind}_uas (127.0.0.1:${uasPort}), SIP over UDP, ` +
      `${kind === "webrtc" ? "WebRTC media (ICE with every candidate in the SDP, DTLS-SRTP)" : "plain RTP media"}: ` +
      `a tone each way, DTMF, recorded and checked\n`,
  );
  const [uasResult, uacResult] = await Promise.all([uas.run(), uac.run()]);
  process.stdout.write(describe("uac", uacResult));
  process.stdout.write(describe("uas", uasResult));
  process.stdout.write(`outputs: ${outDir}\n`);
  return Math.max(uacResult.exitCode, uasResult.exitCode);
}
