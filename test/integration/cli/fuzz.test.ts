/**
 * Fuzz (issue 12, "Must show"): a sipwright UAS answers real calls from a sipwright UAC while a bounded loop sends
 * it mutated SIP messages (seeded: bit flips, truncations, duplicated headers, inserted garbage), over UDP and as
 * TCP streams. Over UDP every datagram is accounted for: the parse errors the UAS counts are exactly the datagrams
 * the SIP parser rejects, and the ones it accepts are each a message for no call or a call that fails at once;
 * every real call succeeds; the error log stays bounded (rate-limited lines, capped excerpts).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { connect } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSipMessage } from "../../../src/sip/parse-sip-message.js";
import { isOnlyLineEnds } from "../../../src/sip/transport.js";
import { errorKind, PARSE_ERROR_LINES_PER_SECOND } from "../../../src/engine/outputs/parse-error-log.js";
import { freeTcpPort, freeUdpPort, LOOPBACK, waitUntilBound } from "../../helpers/free-port.js";
import { stopStartedProcesses, waitExit, type StartedProcess } from "../../helpers/processes.js";
import { readSummary, runSipwright, startSipwright } from "../../helpers/sipwright.js";
import { prng, udpSocketState, waitUntilDrained } from "../../helpers/udp-fuzz.js";

after(stopStartedProcesses);

const UDP_CALLS = 200;
const TCP_CALLS = 50;
const DATAGRAMS = 3000;
const TCP_STREAMS = 40;
const MESSAGES_PER_STREAM = 6;
const BATCH = 25;
const RUN_BOUND_MS = 120_000;

/** Real SIP messages for no call (never an INVITE: a mutated INVITE that parses would wait 23.5 s for its ACK). */
function baseMessage(i: number, random: () => number): string {
  const callId = `fuzz-${i}@127.0.0.1`;
  const common = [
    "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-fuzz-" + String(i),
    "From: <sip:fuzz@127.0.0.1:5999>;tag=f" + String(i),
    "To: <sip:service@127.0.0.1:5060>;tag=t" + String(i),
    `Call-ID: ${callId}`,
  ];
  const body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n";
  const kinds = [
    ["OPTIONS sip:service@127.0.0.1 SIP/2.0", ...common, "CSeq: 1 OPTIONS", "Max-Forwards: 70"],
    ["BYE sip:service@127.0.0.1 SIP/2.0", ...common, "CSeq: 2 BYE", "Max-Forwards: 70"],
    ["ACK sip:service@127.0.0.1 SIP/2.0", ...common, "CSeq: 1 ACK", "Max-Forwards: 70"],
    ["SIP/2.0 200 OK", ...common, "CSeq: 1 INVITE", "Contact: <sip:fuzz@127.0.0.1:5999>"],
    ["SIP/2.0 180 Ringing", ...common, "CSeq: 1 INVITE"],
  ];
  const lines = kinds[Math.floor(random() * kinds.length)] ?? [];
  const withBody = random() < 0.5;
  const contentLength = withBody ? body.length : 0;
  const head = [...lines, ...(withBody ? ["Content-Type: application/sdp"] : []), `Content-Length: ${contentLength}`];
  return `${head.join("\r\n")}\r\n\r\n${withBody ? body : ""}`;
}

/** One seeded mutation of a real message. */
function mutate(message: string, random: () => number): Buffer {
  const bytes = Buffer.from(message, "latin1");
  const at = (): number => Math.floor(random() * bytes.length);
  switch (Math.floor(random() * 5)) {
    case 0: {
      for (let n = 1 + Math.floor(random() * 8); n > 0; n--) {
        const i = at();
        bytes[i] = (bytes[i] ?? 0) ^ (1 << Math.floor(random() * 8));
      }
      return bytes;
    }
    case 1:
      return bytes.subarray(0, at());
    case 2: {
      const lines = message.split("\r\n");
      const which = 1 + Math.floor(random() * 4);
      const copies = Array.from({ length: 1 + Math.floor(random() * 40) }, () => lines[which] ?? "");
      lines.splice(which, 0, ...copies);
      return Buffer.from(lines.join("\r\n"), "latin1");
    }
    case 3: {
      const garbage = Buffer.alloc(1 + Math.floor(random() * 200));
      for (let b = 0; b < garbage.length; b++) garbage[b] = Math.floor(random() * 256);
      const i = at();
      return Buffer.concat([bytes.subarray(0, i), garbage, bytes.subarray(i)]);
    }
    default: {
      // A header name or value cut in two by a stray line end.
      const i = 20 + Math.floor(random() * (bytes.length - 20));
      return Buffer.concat([bytes.subarray(0, i), Buffer.from("\r\n"), bytes.subarray(i)]);
    }
  }
}

function send(socket: Socket, data: Buffer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.send(data, port, LOOPBACK, (error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}

function sendStream(port: number, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port }, () => {
      socket.end(data);
    });
    // Read (and drop) what the UAS answers: a socket whose data is not read never sees the end of the stream.
    socket.resume();
    socket.on("error", () => undefined);
    socket.on("close", () => resolve());
  });
}

function startUas(port: number, transport: "u1" | "t1", out: string, dir: string): Promise<StartedProcess> {
  const args = ["-sn", "uas", "-t", transport, "-i", LOOPBACK, "-p", String(port), "-timeout", "100s"];
  return startSipwright(
    args.concat(["-trace_err", "-error_file", join(out, "errors.log"), "--out", out, "--status", "none"]),
    { cwd: dir },
  );
}

function runUac(port: number, transport: "u1" | "t1", calls: number, out: string, dir: string) {
  const args = ["-sn", "uac", `${LOOPBACK}:${port}`, "-t", transport, "-i", LOOPBACK, "-p", "0", "-r", "50"];
  return runSipwright(
    args.concat(["-m", String(calls), "-recv_timeout", "10000", "-timeout", "90s", "--out", out, "--status", "none"]),
    { cwd: dir, timeoutMs: RUN_BOUND_MS },
  );
}

/** Error-log entries about malformed messages, and its size. */
async function errorLog(out: string): Promise<{ entries: number; suppressed: number; bytes: number }> {
  const text = await readFile(join(out, "errors.log"), "latin1");
  return {
    entries: text.split("malformed message from").length - 1,
    suppressed: text.split("suppressed ").length - 1,
    bytes: Buffer.byteLength(text, "latin1"),
  };
}

describe("fuzz: mutated SIP at a sipwright UAS during real calls", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-fuzz-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it(`UDP: ${DATAGRAMS} mutated datagrams are all counted, ${UDP_CALLS} real calls succeed, the log stays bounded`, async (t) => {
    const random = prng(0xf022);
    const datagrams = Array.from({ length: DATAGRAMS }, (_, i) => mutate(baseMessage(i, random), random));
    const counted = datagrams.filter((d) => !isOnlyLineEnds(d));
    const rejected = counted.flatMap((d) => {
      const result = parseSipMessage(d);
      return result.ok ? [] : [result.error];
    });
    const accepted = counted.length - rejected.length;
    const kinds = new Set(rejected.map((e) => `malformed message: ${errorKind(e)}`)).size;
    assert.ok(rejected.length > DATAGRAMS / 3, `only ${rejected.length} mutations are malformed`);

    const port = await freeUdpPort();
    const uasOut = join(dir, "udp-uas");
    const uas = await startUas(port, "u1", uasOut, dir);
    await waitUntilBound(port, "udp", 15_000, () => !uas.isAlive());
    const dropsBefore = (await udpSocketState(port))?.drops ?? 0;
    const started = Date.now();
    const uac = runUac(port, "u1", UDP_CALLS, join(dir, "udp-uac"), dir);
    const socket = createSocket("udp4");
    try {
      for (let i = 0; i < datagrams.length; i++) {
        await send(socket, datagrams[i] ?? Buffer.alloc(0), port);
        if ((i + 1) % BATCH === 0) await waitUntilDrained(port, 10_000);
      }
      const state = await waitUntilDrained(port, 10_000);
      assert.equal(state.drops, dropsBefore, "the kernel dropped datagrams on the UAS socket");
    } finally {
      socket.close();
    }
    const uacResult = await uac;
    assert.equal(uacResult.code, 0, `sipwright uac exit code; stderr:\n${uacResult.stderr.slice(-3000)}`);
    uas.kill("SIGUSR1"); // graceful: the calls in their final timewait end normally
    await waitExit(uas, RUN_BOUND_MS);
    const seconds = Math.ceil((Date.now() - started) / 1000) + 1;

    const summary = await readSummary(join(uasOut, "summary.json"));
    assert.equal(summary.parse_errors, rejected.length, "parse_errors = the datagrams the parser rejects");
    // Each accepted mutation is a message for no call, or a new request that starts a call failing at once.
    const fuzzCalls = summary.calls.incoming - UDP_CALLS;
    assert.equal(summary.out_of_call + summary.dead_call + fuzzCalls, accepted, "accepted datagrams accounted for");
    assert.equal(summary.calls.successful, UDP_CALLS, "every real call succeeds at the UAS");
    const uacSummary = await readSummary(join(dir, "udp-uac", "summary.json"));
    assert.equal(uacSummary.calls.successful, UDP_CALLS);
    assert.equal(uacSummary.calls.failed, 0);

    const log = await errorLog(uasOut);
    const bound = PARSE_ERROR_LINES_PER_SECOND * kinds * seconds;
    t.diagnostic(
      `${rejected.length} malformed, ${accepted} accepted; error log: ${log.entries} entries, ` +
        `${log.suppressed} suppressed lines, ${log.bytes} bytes over ${seconds} s (${kinds} kinds)`,
    );
    assert.ok(log.entries <= bound, `${log.entries} error-log entries for malformed messages (bound ${bound})`);
    assert.ok(log.entries < rejected.length / 2, `${log.entries} entries for ${rejected.length} malformed datagrams`);
    assert.ok(log.suppressed > 0, "no 'suppressed' line");
    assert.ok(log.bytes < log.entries * 1200 + 200_000, `error log of ${log.bytes} bytes`);
    const stderrLines = uas.stderr().split("malformed message from").length - 1;
    assert.ok(stderrLines <= bound, `${stderrLines} stderr lines about malformed messages`);
  });

  it(`TCP: ${TCP_STREAMS} mutated streams, each cut short, while ${TCP_CALLS} real calls succeed`, async () => {
    const random = prng(0x7c9);
    const port = await freeTcpPort();
    const uasOut = join(dir, "tcp-uas");
    const uas = await startUas(port, "t1", uasOut, dir);
    await waitUntilBound(port, "tcp", 15_000, () => !uas.isAlive());
    const uac = runUac(port, "t1", TCP_CALLS, join(dir, "tcp-uac"), dir);
    for (let s = 0; s < TCP_STREAMS; s++) {
      const parts = Array.from({ length: MESSAGES_PER_STREAM }, (_, m) =>
        mutate(baseMessage(10_000 + s * MESSAGES_PER_STREAM + m, random), random),
      );
      // Every stream ends inside a message (the first 60 bytes of a real one): one truncated message per stream.
      const cut = Buffer.from(baseMessage(20_000 + s, random), "latin1").subarray(0, 60);
      await sendStream(port, Buffer.concat([...parts, Buffer.from("\r\n"), cut]));
    }
    const uacResult = await uac;
    assert.equal(uacResult.code, 0, `sipwright uac exit code; stderr:\n${uacResult.stderr.slice(-3000)}`);
    assert.ok(uas.isAlive(), "the UAS stopped");
    uas.kill("SIGUSR1"); // graceful: the calls in their final timewait end normally
    await waitExit(uas, RUN_BOUND_MS);
    const summary = await readSummary(join(uasOut, "summary.json"));
    assert.equal(summary.calls.successful, TCP_CALLS);
    assert.ok(summary.parse_errors >= TCP_STREAMS, `${summary.parse_errors} parse errors for ${TCP_STREAMS} streams`);
    const uacSummary = await readSummary(join(dir, "tcp-uac", "summary.json"));
    assert.equal(uacSummary.calls.successful, TCP_CALLS);
    assert.equal(uacSummary.calls.failed, 0);
    const log = await errorLog(uasOut);
    assert.ok(log.bytes < 1_000_000, `error log of ${log.bytes} bytes`);
  });
});
