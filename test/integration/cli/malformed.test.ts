/**
 * Bad network input is counted and never stops a run: a sipwright UAS receives 500 malformed datagrams
 * (garbage, truncated INVITEs, bad Content-Length, binary), then answers 20 calls from a sipwright UAC; every call
 * succeeds, the UAS exits 0, and its summary.json counts exactly the malformed datagrams in `parse_errors`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSipMessage } from "../../../src/sip/parse-sip-message.js";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../../helpers/free-port.js";
import { stopStartedProcesses, waitExit } from "../../helpers/processes.js";
import { readSummary, runSipwright, startSipwright } from "../../helpers/sipwright.js";
import { prng, udpSocketState, waitUntilDrained } from "../../helpers/udp-fuzz.js";

after(stopStartedProcesses);

const CALLS = 20;
const MALFORMED = 500;
/** Datagrams sent before waiting for the UAS to drain its socket, far below the default receive buffer. */
const BATCH = 25;
const RUN_BOUND_MS = 60_000;

const INVITE = Buffer.from(
  [
    "INVITE sip:service@127.0.0.1:5060 SIP/2.0",
    "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-malformed",
    "From: sipp <sip:sipp@127.0.0.1:5061>;tag=1",
    "To: service <sip:service@127.0.0.1:5060>",
    "Call-ID: malformed-%d@127.0.0.1",
    "CSeq: 1 INVITE",
    "Contact: sip:sipp@127.0.0.1:5061",
    "Max-Forwards: 70",
    "Content-Type: application/sdp",
    "Content-Length: 129",
    "",
    "v=0",
    "o=user1 53655765 2353687637 IN IP4 127.0.0.1",
    "s=-",
    "c=IN IP4 127.0.0.1",
    "t=0 0",
    "m=audio 6000 RTP/AVP 0",
    "a=rtpmap:0 PCMU/8000",
    "",
  ].join("\r\n"),
  "latin1",
);

/** The i-th malformed datagram: one of four kinds, varied by a seeded PRNG. */
function malformedDatagram(i: number, random: () => number): Buffer {
  const invite = Buffer.from(INVITE.toString("latin1").replace("%d", String(i)), "latin1");
  switch (i % 4) {
    case 0: {
      // Printable garbage with line ends but no valid start line.
      const words = ["HELLO", "\r\n", "garbage", "::", " ", "SIP/3.0", "\r\n\r\n", "x=y"];
      const parts = Array.from(
        { length: 5 + Math.floor(random() * 20) },
        () => words[Math.floor(random() * words.length)] ?? "",
      );
      return Buffer.from(`NOT SIP ${i}${parts.join("")}`, "latin1");
    }
    case 1: {
      // An INVITE cut before the end of its headers (no blank line) or in its body (shorter than Content-Length).
      const headerEnd = invite.indexOf("\r\n\r\n");
      const cut = 40 + Math.floor(random() * (invite.length - 41));
      return invite.subarray(0, cut === headerEnd + 2 || cut === headerEnd + 3 ? headerEnd : cut);
    }
    case 2: {
      // A complete INVITE whose Content-Length is not a number, or larger than the datagram.
      const bad = ["abc", "-5", "12x", "999999", "1e3"][i % 5] ?? "abc";
      return Buffer.from(invite.toString("latin1").replace("Content-Length: 129", `Content-Length: ${bad}`), "latin1");
    }
    default: {
      // Binary noise that does not start with a line end (a datagram of bare CRLFs is a keep-alive).
      const bytes = Buffer.alloc(16 + Math.floor(random() * 400));
      for (let b = 0; b < bytes.length; b++) bytes[b] = Math.floor(random() * 256);
      bytes[0] = 0x00;
      return bytes;
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

describe("a sipwright UAS fed malformed datagrams", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-malformed-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("every crafted datagram is one the SIP parser rejects", () => {
    const random = prng(0x5eed);
    for (let i = 0; i < MALFORMED; i++) {
      const datagram = malformedDatagram(i, random);
      const result = parseSipMessage(datagram);
      assert.equal(result.ok, false, `datagram ${i} parsed: ${datagram.toString("latin1", 0, 80)}`);
    }
  });

  it("counts 500 malformed datagrams in parse_errors and still completes 20 calls with exit code 0", async () => {
    const uasPort = await freeUdpPort();
    const uasOut = join(dir, "uas");
    const uas = await startSipwright(
      ["-sn", "uas", "-i", LOOPBACK, "-p", String(uasPort), "-m", String(CALLS), "-timeout", "50s"].concat([
        "--out",
        uasOut,
        "--status",
        "none",
      ]),
      { cwd: dir },
    );
    await waitUntilBound(uasPort, "udp", 15_000, () => !uas.isAlive());
    const dropsBefore = (await udpSocketState(uasPort))?.drops ?? 0;

    const socket = createSocket("udp4");
    try {
      const random = prng(0x5eed);
      for (let i = 0; i < MALFORMED; i++) {
        await send(socket, malformedDatagram(i, random), uasPort);
        if ((i + 1) % BATCH === 0) await waitUntilDrained(uasPort, 10_000);
      }
      const state = await waitUntilDrained(uasPort, 10_000);
      // Proof that all 500 reached the process: the kernel dropped none of them.
      assert.equal(state.drops, dropsBefore, "the kernel dropped datagrams on the UAS socket");
    } finally {
      socket.close();
    }
    assert.ok(uas.isAlive(), `the UAS stopped after malformed input:\n${uas.stderr()}`);

    const uacOut = join(dir, "uac");
    const uac = await runSipwright(
      ["-sn", "uac", `${LOOPBACK}:${uasPort}`, "-i", LOOPBACK, "-p", "0", "-r", "50", "-m", String(CALLS)].concat([
        "-recv_timeout",
        "5000",
        "-timeout",
        "50s",
        "--out",
        uacOut,
        "--status",
        "none",
      ]),
      { cwd: dir, timeoutMs: RUN_BOUND_MS },
    );
    assert.equal(uac.code, 0, `sipwright uac exit code; stderr:\n${uac.stderr}`);
    const uasExit = await waitExit(uas, RUN_BOUND_MS);
    assert.equal(uasExit.code, 0, `sipwright uas exit code; stderr tail:\n${uas.stderr().slice(-4000)}`);

    const uasSummary = await readSummary(join(uasOut, "summary.json"));
    assert.equal(uasSummary.parse_errors, MALFORMED);
    assert.equal(uasSummary.calls.incoming, CALLS);
    assert.equal(uasSummary.calls.successful, CALLS);
    assert.equal(uasSummary.calls.failed, 0);
    const uacSummary = await readSummary(join(uacOut, "summary.json"));
    assert.equal(uacSummary.calls.successful, CALLS);
    assert.equal(uacSummary.calls.failed, 0);
  });
});
