/**
 * One measured WebRTC call pair for bench/webrtc.ts: a sipwright UAS and a sipwright UAC, each a process of the
 * compiled CLI under GNU time and `timeout -s KILL`, SIP on 127.0.0.1 over the pair's `-t` mode (UDP by default; TLS and
 * WSS with the certificates given), every call a WebRTC bridge (trickle ICE over SIP INFO). While the UAC runs, CPU and RSS of both are sampled from /proc every 250 ms; afterwards the
 * call records (`webrtc.timings_ms`), both summary.json files and the UAS's -trace_shortmsg file are read. The
 * caller runs this inside a private network namespace, where loopback is the only address werift can gather.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CallRecord } from "../src/records/call-record.js";
import type { Summary } from "../src/records/summary.js";
import { SIPWRIGHT_BIN } from "../test/helpers/compiled-build.js";
import type { TransportMode } from "../src/engine/run/run-config.js";
import { freeTcpPort, freeUdpPort, LOOPBACK, waitUntilBound } from "../test/helpers/free-port.js";
import { readSummary } from "../test/helpers/sipwright.js";
import * as timed from "../test/helpers/timed-process.js";
import { mediaWorkersArgs } from "./bench-args.js";
import { cpuSeconds, programPid, rssKiB } from "./proc-sampling.js";
import { listenProtocol, transportArgs, type BenchCerts } from "./webrtc-transport.js";

export interface PairSpec {
  readonly dir: string;
  /** -m on both sides. */
  readonly calls: number;
  /** -r on the UAC (calls per second). */
  readonly rate: number;
  /** How long each call stays up after the ACK; undefined runs the built-in webrtc_uac / webrtc_uas unchanged. */
  readonly holdMs: number | undefined;
  readonly record: boolean;
  /** Soft bound (-timeout) of both processes, seconds; the hard bound (SIGKILL) is 30 s later. */
  readonly softS: number;
  /** `--cpu-prof` into this folder (profiles are written when each process exits normally). */
  readonly profileDir?: string | undefined;
  /** -t of both sides (default u1); TLS / WSS modes need `certs`. */
  readonly transport?: TransportMode | undefined;
  readonly certs?: BenchCerts | undefined;
  /** `--media-workers` of both sides; null or undefined: not given (the CLI's default). */
  readonly mediaWorkers?: number | null | undefined;
  /** With `holdMs`: audio checks before the end of each call (see uacXml / uasXml). */
  readonly checks?: boolean | undefined;
}

export interface PairSample {
  /** Date.now() of the sample, comparable with the records' wall-clock times. */
  readonly wallMs: number;
  readonly uacCpu: number;
  readonly uasCpu: number;
  readonly uacRssKiB: number;
  readonly uasRssKiB: number;
}

export interface PairRun {
  readonly uacExit: string;
  readonly uasExit: string;
  readonly uac: readonly CallRecord[];
  readonly uas: readonly CallRecord[];
  readonly uacSummary: Summary | undefined;
  readonly uasSummary: Summary | undefined;
  /** Per call at the UAS: INVITE received -> 200 OK (with [webrtc_answer]) sent, from its -trace_shortmsg. */
  readonly answerMs: readonly number[];
  readonly samples: readonly PairSample[];
  /** The UAS's RSS once bound, before its first call. */
  readonly idleRssKiB: number | undefined;
  /** Peak RSS of each process over its whole run (GNU time). */
  readonly uacPeakRssKiB: number;
  readonly uasPeakRssKiB: number;
  readonly notes: readonly string[];
}

const BUFF_SIZE = "4194304";
const SAMPLE_EVERY_MS = 250;
/** After the UAC has ended, the UAS gets this long to finish its last calls before a soft stop (SIGUSR1). */
const UAS_DRAIN_MS = 15_000;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The UAC's audio checks when the BYE is answered: audio both ways, and the UAS's 880 Hz tone in 70 % of the frames
 * received (the built-in webrtc_uac's checks).
 */
const UAC_CHECKS = `
    <action>
      <check_audio two_way="true"/>
      <check_audio tone="880" tolerance="2%" min_share="70%"/>
    </action>
  `;

/**
 * A UAC like the built-in webrtc_uac without DTMF: a 440 Hz tone for `holdMs`, then BYE; with `checks`, the
 * built-in's audio checks (UAC_CHECKS), else none.
 */
export function uacXml(holdMs: number, checks = false): string {
  const dialog = `From: sipwright <sip:sipwright@[local_ip]:[local_port]>;tag=[pid]SWTag[call_number]
      To: [service] <sip:[service]@[remote_ip]:[remote_port]>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bench webrtc uac" webrtc="true">
  <send retrans="500"><![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      ${dialog}
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:sipwright@[local_ip]:[local_port];transport=[contact_transport]>
      Max-Forwards: 70
      Supported: trickle-ice
      Content-Type: application/sdp
      Content-Length: [len]

      [webrtc_offer]
  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send><![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      ${dialog}[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0
  ]]></send>
  <nop><action><exec rtp_stream="tone,440,-12"/></action></nop>
  <pause milliseconds="${holdMs}"/>
  <send retrans="500"><![CDATA[
      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      ${dialog}[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0
  ]]></send>
  <recv response="200" crlf="true">${checks ? UAC_CHECKS : ""}</recv>
</scenario>
`;
}

/** A UAS like the built-in webrtc_uas with a 1 s timewait; with `checks`, the UAC's 440 Hz tone in 70 % of the frames. */
export function uasXml(checks: boolean): string {
  const check = checks ? `<action><check_audio tone="440" tolerance="2%" min_share="70%"/></action>` : "";
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bench webrtc uas" webrtc="true">
  <recv request="INVITE" crlf="true"/>
  <send retrans="500"><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SWTag[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[contact_transport]>
      Supported: trickle-ice
      Content-Type: application/sdp
      Content-Length: [len]

      [webrtc_answer]
  ]]></send>
  <recv request="ACK" rtd="true" crlf="true">
    <action><exec rtp_stream="tone,880,-12"/></action>
  </recv>
  <recv request="BYE"/>
  <send><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
  ]]>${check}</send>
  <timewait milliseconds="1000"/>
</scenario>
`;
}

/** The UAS without audio checks. */
export const UAS_XML = uasXml(false);

function commonArgs(spec: PairSpec, side: "uac" | "uas"): string[] {
  return [
    ...transportArgs(spec.transport ?? "u1", side, spec.certs),
    "-i",
    LOOPBACK,
    "-m",
    String(spec.calls),
    "--ice-address",
    LOOPBACK,
    "-buff_size",
    BUFF_SIZE,
    ...mediaWorkersArgs(spec.mediaWorkers ?? null),
  ]
    .concat(["-timeout", `${spec.softS}s`, "--status", "none", "--out", join(spec.dir, `${side}-out`)])
    .concat(["--summary-json", join(spec.dir, `${side}.json`)])
    .concat(spec.record ? ["--record-stereo"] : []);
}

async function scenarioArgs(spec: PairSpec, side: "uac" | "uas"): Promise<string[]> {
  if (spec.holdMs === undefined) return ["-sn", `webrtc_${side}`];
  const path = join(spec.dir, `${side}.xml`);
  const checks = spec.checks === true;
  await writeFile(path, side === "uac" ? uacXml(spec.holdMs, checks) : uasXml(checks));
  return ["-sf", path];
}

function start(spec: PairSpec, side: "uac" | "uas", args: readonly string[]): Promise<timed.TimedProcess> {
  const prof = spec.profileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", spec.profileDir];
  return timed.startTimedProcess(process.execPath, [...prof, SIPWRIGHT_BIN, ...args], {
    cwd: spec.dir,
    hardTimeoutSeconds: spec.softS + 30,
    usageFile: join(spec.dir, `${side}.time`),
  });
}

function exitText(exit: timed.TimedExit): string {
  return exit.hardTimeout ? "KILLED" : String(exit.code ?? exit.signal);
}

/** One JSON object per line; a missing file (the process died before writing) is no records. */
async function readRecords(path: string): Promise<CallRecord[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as CallRecord);
}

async function summaryOrNote(path: string, notes: string[]): Promise<Summary | undefined> {
  try {
    return await readSummary(path);
  } catch (error) {
    notes.push(`no summary ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/**
 * SIPp behaviour (-trace_shortmsg): `date \t time \t epoch.usec \t S|R \t Call-ID \t CSeq:... \t first line`.
 * Per Call-ID: the first INVITE received to the first 200 sent for CSeq ... INVITE.
 */
export function answerDelays(shortmsg: string): number[] {
  const invites = new Map<string, number>();
  const out: number[] = [];
  for (const line of shortmsg.split("\n")) {
    const [, , epoch, dir, callId, cseq, first] = line.split("\t");
    if (epoch === undefined || callId === undefined || cseq === undefined || first === undefined) continue;
    const at = Number(epoch) * 1000;
    if (dir === "R" && first.startsWith("INVITE ") && !invites.has(callId)) invites.set(callId, at);
    else if (dir === "S" && first.startsWith("SIP/2.0 200") && cseq.endsWith(" INVITE")) {
      const received = invites.get(callId);
      if (received !== undefined && received >= 0) out.push(at - received);
      invites.set(callId, -1);
    }
  }
  return out;
}

async function readShortMessages(outDir: string): Promise<string> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch (error) {
    // ENOENT: the UAS died before it created its output folder; no trace, no answer times (the step says why).
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
  const file = names.find((n) => n.endsWith("_shortmessages.log"));
  return file === undefined ? "" : readFile(join(outDir, file), "latin1");
}

async function sampleBoth(uacPid: number, uasPid: number): Promise<PairSample | undefined> {
  const [uacCpu, uasCpu, uacRssKiB, uasRssKiB] = await Promise.all([
    cpuSeconds(uacPid),
    cpuSeconds(uasPid),
    rssKiB(uacPid),
    rssKiB(uasPid),
  ]);
  if (uacCpu === undefined || uasCpu === undefined || uacRssKiB === undefined || uasRssKiB === undefined)
    return undefined;
  return { wallMs: Date.now(), uacCpu, uasCpu, uacRssKiB, uasRssKiB };
}

/** Runs one pair to the end (both processes gone, by exit or by pid kill) and collects what it left. */
export async function runPair(spec: PairSpec): Promise<PairRun> {
  const notes: string[] = [];
  const started: timed.TimedProcess[] = [];
  try {
    const protocol = listenProtocol(spec.transport ?? "u1");
    const port = protocol === "udp" ? await freeUdpPort() : await freeTcpPort();
    const uasArgs = [...(await scenarioArgs(spec, "uas")), "-p", String(port), "-trace_shortmsg"];
    const uas = await start(spec, "uas", [...uasArgs, ...commonArgs(spec, "uas")]);
    started.push(uas);
    const uasDone = timed.waitTimedExit(uas);
    await waitUntilBound(port, protocol, 15_000, () => !uas.wrapper.isAlive());
    const uasPid = await programPid(uas);
    const idleRssKiB = uasPid === undefined ? undefined : await rssKiB(uasPid);

    const target = `${LOOPBACK}:${port}`;
    const load = ["-r", String(spec.rate), "-l", String(spec.calls), "-p", "0"];
    const uac = await start(spec, "uac", [
      ...(await scenarioArgs(spec, "uac")),
      target,
      ...load,
      ...commonArgs(spec, "uac"),
    ]);
    started.push(uac);
    const uacDone = timed.waitTimedExit(uac);
    const uacPid = await programPid(uac);
    const samples: PairSample[] = [];
    if (uacPid !== undefined && uasPid !== undefined) {
      for (;;) {
        const s = await sampleBoth(uacPid, uasPid);
        if (s === undefined) break;
        samples.push(s);
        await delay(SAMPLE_EVERY_MS);
      }
    } else notes.push("no pid to sample");
    const uacExit = await uacDone;
    const drained = await Promise.race([uasDone.then(() => true), delay(UAS_DRAIN_MS).then(() => false)]);
    if (!drained) {
      notes.push(`UAS still running ${UAS_DRAIN_MS / 1000} s after the UAC: soft stop (SIGUSR1)`);
      await timed.signalMeasuredProgram(uas, "SIGUSR1");
    }
    const uasExit = await uasDone;
    return {
      uacExit: exitText(uacExit),
      uasExit: exitText(uasExit),
      uac: await readRecords(join(spec.dir, "uac-out", "call_records.jsonl")),
      uas: await readRecords(join(spec.dir, "uas-out", "call_records.jsonl")),
      uacSummary: await summaryOrNote(join(spec.dir, "uac.json"), notes),
      uasSummary: await summaryOrNote(join(spec.dir, "uas.json"), notes),
      answerMs: answerDelays(await readShortMessages(join(spec.dir, "uas-out"))),
      samples,
      idleRssKiB,
      uacPeakRssKiB: uacExit.usage.maxRssKiB,
      uasPeakRssKiB: uasExit.usage.maxRssKiB,
      notes,
    };
  } finally {
    await Promise.all(started.map((p) => timed.killTimedProcess(p)));
  }
}
