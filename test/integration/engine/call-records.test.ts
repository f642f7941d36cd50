/**
 * call_records.jsonl from real runs over UDP on 127.0.0.1: sipwright uac -> sipwright uas (both in this process),
 * and a uac against a small peer that answers only some requests. Every line is checked against
 * docs/call-record.schema.json, and the records add up to the run's statistics.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { access, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CallRecord } from "../../../src/records/call-record.js";
import type { RunResult } from "../../../src/engine/run/execute-run.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import { describeRun, prepareSide, withTempDir } from "./run-pair.js";

const CALLS = 20;

function sum(records: readonly CallRecord[], field: (r: CallRecord) => number): number {
  return records.reduce((total, r) => total + field(r), 0);
}

/** The run's statistics, summed over its steps. */
function stepTotals(result: RunResult): { sent: number; received: number; retransRecv: number; unexpected: number } {
  const steps = result.snapshot.steps;
  return {
    sent: steps.reduce((t, s) => t + s.sent, 0),
    received: steps.reduce((t, s) => t + s.received, 0),
    retransRecv: steps.reduce((t, s) => t + s.retransReceived, 0),
    unexpected: steps.reduce((t, s) => t + s.unexpected, 0),
  };
}

/** Checks that the records add up to the run's own counters. */
function assertMatchesStatistics(records: readonly CallRecord[], result: RunResult): void {
  const s = result.snapshot;
  const totals = stepTotals(result);
  const context = describeRun(result);
  assert.equal(records.length, s.created.cumulative, `one record per call: ${context}`);
  assert.equal(records.filter((r) => r.result === "success").length, s.succeeded.cumulative, context);
  const failed = records.filter((r) => r.failure !== null && r.failure.class !== "aborted");
  assert.equal(failed.length, s.failed.cumulative, context);
  assert.equal(
    sum(records, (r) => r.messages_sent),
    totals.sent,
    "messages_sent adds up to the steps' Sent",
  );
  assert.equal(
    sum(records, (r) => r.messages_received),
    totals.received,
    "messages_received adds up to Recv",
  );
  assert.equal(
    sum(records, (r) => r.retransmissions_sent),
    s.retransmissions.cumulative,
    "retransmissions sent",
  );
  assert.equal(
    sum(records, (r) => r.retransmissions_received),
    totals.retransRecv,
    "retransmissions received",
  );
  assert.equal(
    sum(records, (r) => r.unexpected_messages),
    totals.unexpected,
    "unexpected messages",
  );
  assert.deepEqual(
    records.map((r) => r.call_number).sort((a, b) => a - b),
    Array.from({ length: records.length }, (_, i) => i + 1),
    "every call number once",
  );
  assert.ok(records.every((r) => r.run_id === result.runId));
}

/**
 * A UDP peer on 127.0.0.1 that answers an OPTIONS with 200 OK only when the call number (the start of SIPp's
 * default Call-ID, `%u-%p@%s`) is even, and never answers the others.
 */
async function evenCallsPeer(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket("udp4");
  socket.on("message", (datagram, from) => {
    const text = datagram.toString("latin1");
    const callId = /^Call-ID:\s*(\d+)-/im.exec(text)?.[1];
    if (callId === undefined || Number(callId) % 2 !== 0) return;
    const headers = text
      .split("\r\n")
      .filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line))
      .map((line) => (/^To:/i.test(line) ? `${line};tag=peer` : line));
    const reply = ["SIP/2.0 200 OK", ...headers, "Content-Length: 0", "", ""].join("\r\n");
    socket.send(reply, from.port, from.address);
  });
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  return { socket, port: socket.address().port };
}

const OPTIONS_UAC = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="options with timeout">
  <send>
    <![CDATA[
      OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:records@[local_ip]:[local_port]>;tag=[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 OPTIONS
      Content-Length: 0
    ]]>
  </send>
  <recv response="200" timeout="300"/>
</scenario>
`;

describe("call_records.jsonl from real runs", { concurrency: true }, () => {
  it("holds one valid record per call on both sides of 20 uac -> uas calls, adding up to the statistics", async () => {
    await withTempDir(async (dir) => {
      const uasSide = await prepareSide(dir, "uas", { scenarioName: "uas", maxCalls: CALLS });
      const uacSide = await prepareSide(dir, "uac", {
        scenarioName: "uac",
        maxCalls: CALLS,
        rate: 200,
        remoteHost: "127.0.0.1",
        remotePort: uasSide.environment.values.localPort,
      });
      const [uas, uac] = await Promise.all([uasSide.run(), uacSide.run()]);
      assert.equal(uac.exitCode, 0, describeRun(uac));
      assert.equal(uas.exitCode, 0, describeRun(uas));
      assert.equal(uac.callRecordsPath, join(dir, "uac", "call_records.jsonl"));

      const uacRecords = await readCallRecords(join(dir, "uac", "call_records.jsonl"));
      const uasRecords = await readCallRecords(uas.callRecordsPath ?? "");
      assertMatchesStatistics(uacRecords, uac);
      assertMatchesStatistics(uasRecords, uas);
      assert.equal(uacRecords.length, CALLS);
      assert.equal(uasRecords.length, CALLS);

      for (const r of uacRecords) {
        assert.equal(r.role, "uac");
        assert.equal(r.result, "success");
        assert.equal(r.final_status, 200);
        assert.equal(r.transport, "UDP");
        assert.equal(r.remote.port, uasSide.environment.values.localPort);
        assert.equal(r.last_step, 8, "the uac ends on its last recv (200 to BYE)");
        assert.ok((r.rtd["1"] ?? -1) >= 0, "response time 1 is measured on every call");
        assert.ok(r.duration_ms >= (r.rtd["1"] ?? 0));
        const wallSpan = Date.parse(r.ended_at) - Date.parse(r.started_at);
        assert.ok(Math.abs(wallSpan - r.duration_ms) <= 1, `${r.call_id}: ${wallSpan} ms vs ${r.duration_ms} ms`);
      }
      const uasByCallId = new Map(uasRecords.map((r) => [r.call_id, r]));
      for (const r of uacRecords) {
        const peer = uasByCallId.get(r.call_id);
        assert.ok(peer !== undefined, `the uas recorded call ${r.call_id}`);
        assert.equal(peer.role, "uas");
        assert.equal(peer.final_status, 200, "the uas records the 200 it sent to the INVITE");
        assert.equal(peer.messages_received, r.messages_sent, "no loss on loopback: what one sends the other gets");
      }
    });
  });

  it("gives failed calls their failure class and failing step, and the others success", async () => {
    const peer = await evenCallsPeer();
    try {
      await withTempDir(async (dir) => {
        const scenarioFile = join(dir, "options-timeout.xml");
        await writeFile(scenarioFile, OPTIONS_UAC, "latin1");
        const side = await prepareSide(dir, "uac", {
          scenarioFile,
          scenarioName: undefined,
          maxCalls: 6,
          rate: 100,
          remoteHost: "127.0.0.1",
          remotePort: peer.port,
        });
        const result = await side.run();
        assert.equal(result.exitCode, 1, describeRun(result));
        const records = await readCallRecords(result.callRecordsPath ?? "");
        assertMatchesStatistics(records, result);
        for (const r of records) {
          if (r.call_number % 2 === 0) {
            assert.equal(r.result, "success", `call ${r.call_number}`);
            assert.equal(r.last_step, 1);
          } else {
            assert.deepEqual(r.failure, {
              class: "timeout_on_recv",
              step: 1,
              reason: "no message for step 1 within the timeout",
            });
            assert.equal(r.last_step, 1);
            // Node timers may fire up to 1 ms before performance.now() says the delay is over.
            assert.ok(r.duration_ms >= 299, `call ${r.call_number} waited for its timeout (${r.duration_ms} ms)`);
          }
          assert.equal(r.final_status, null, "an OPTIONS has no INVITE final status");
        }
      });
    } finally {
      peer.socket.close();
    }
  });

  it("writes a record for each call aborted when the run is stopped, with the failure class aborted", async () => {
    const peer = await evenCallsPeer();
    try {
      await withTempDir(async (dir) => {
        const scenarioFile = join(dir, "options-timeout.xml");
        await writeFile(scenarioFile, OPTIONS_UAC.replace(' timeout="300"', ""), "latin1");
        const side = await prepareSide(dir, "uac", {
          scenarioFile,
          scenarioName: undefined,
          maxCalls: 4,
          rate: 100,
          remoteHost: "127.0.0.1",
          remotePort: peer.port,
        });
        // The even calls get their 200 at once; the odd ones wait (no timeout) until the run is stopped.
        const stopped = new Promise<void>((resolve) => {
          let ended = 0;
          side.controller.on("callEnded", () => {
            if (++ended === 2) resolve();
          });
        });
        const running = side.run();
        await stopped;
        side.controller.stop("now", "signal");
        const result = await running;
        const records = await readCallRecords(result.callRecordsPath ?? "");
        assertMatchesStatistics(records, result);
        const aborted = records.filter((r) => r.failure?.class === "aborted");
        assert.deepEqual(aborted.map((r) => r.call_number).sort(), [1, 3], "the odd calls were still waiting");
        for (const r of aborted) assert.equal(r.failure?.reason, "run stopped (signal)");
      });
    } finally {
      peer.socket.close();
    }
  });

  it("writes no file with callRecords off, and the file named by callRecordsFile otherwise", async () => {
    await withTempDir(async (dir) => {
      const uasSide = await prepareSide(dir, "uas", { scenarioName: "uas", maxCalls: 2, callRecords: false });
      const path = join(dir, "elsewhere", "records.jsonl");
      const uacSide = await prepareSide(dir, "uac", {
        scenarioName: "uac",
        maxCalls: 2,
        rate: 100,
        remoteHost: "127.0.0.1",
        remotePort: uasSide.environment.values.localPort,
        callRecordsFile: path,
      });
      const [uas, uac] = await Promise.all([uasSide.run(), uacSide.run()]);
      assert.equal(uas.callRecordsPath, undefined);
      await assert.rejects(access(join(dir, "uas", "call_records.jsonl")), { code: "ENOENT" });
      assert.equal(uac.callRecordsPath, path);
      assert.equal((await readCallRecords(path)).length, 2);
    });
  });
});
