/**
 * Issue 12 item 6: a UAS over TCP whose 200 OK never gets its ACK ends the call as over UDP (Timer H / the
 * retransmission limit), instead of holding it open forever. A raw TCP peer sends 20 INVITEs on one connection,
 * reads the answers and never ACKs; `sipwright -sn uas -t t1 -m 20` must fail all 20 with max_udp_retrans and
 * exit by itself (23.5 s after each 200 OK with the default T1/T2).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeTcpPort, LOOPBACK, waitUntilBound } from "../../helpers/free-port.js";
import { stopStartedProcesses, waitExit } from "../../helpers/processes.js";
import { readSummary, startSipwright } from "../../helpers/sipwright.js";

after(stopStartedProcesses);

const CALLS = 20;

function invite(i: number, port: number): string {
  return [
    `INVITE sip:service@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-noack-${i}`,
    `From: <sip:peer@127.0.0.1:5999>;tag=p${i}`,
    `To: <sip:service@127.0.0.1:${port}>`,
    `Call-ID: noack-${i}@127.0.0.1`,
    "CSeq: 1 INVITE",
    "Contact: <sip:peer@127.0.0.1:5999;transport=tcp>",
    "Max-Forwards: 70",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

describe("TCP: a UAS whose 200 OK is never ACKed", () => {
  it(`fails the ${CALLS} calls with max_udp_retrans and exits by itself`, async () => {
    const dir = await mkdtemp(join(tmpdir(), "sipwright-noack-"));
    try {
      const port = await freeTcpPort();
      const out = join(dir, "out");
      const uas = await startSipwright(
        ["-sn", "uas", "-t", "t1", "-i", LOOPBACK, "-p", String(port), "-m", String(CALLS)].concat([
          "-timeout",
          "90s",
          "--out",
          out,
          "--status",
          "none",
        ]),
        { cwd: dir },
      );
      await waitUntilBound(port, "tcp", 15_000, () => !uas.isAlive());
      let answers = "";
      const peer = connect({ host: LOOPBACK, port }, () => {
        for (let i = 0; i < CALLS; i++) peer.write(invite(i, port));
      });
      peer.on("data", (chunk: Buffer) => (answers += chunk.toString("latin1")));
      peer.on("error", () => undefined);
      try {
        // The 90 s global timeout would end the run with exit 97 and "aborted" calls: the calls must end first.
        const exit = await waitExit(uas, 85_000);
        assert.notEqual(exit.code, 97, "the run only ended at its global timeout");
      } finally {
        peer.destroy();
      }
      assert.equal(answers.split("SIP/2.0 200 OK").length - 1, CALLS, "a 200 OK per INVITE");
      const summary = await readSummary(join(out, "summary.json"));
      assert.equal(summary.failures.max_udp_retrans, CALLS);
      assert.equal(summary.calls.active, 0);
      assert.equal(summary.retransmissions, 0, "nothing is retransmitted over TCP");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
