/**
 * buildCallRecord on calls run by the real engine under a FakeClock (the in-memory transport of the step executor
 * tests): the per-call counters, final status, RTDs, timing and failure fields, each record checked against the
 * published schema.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CallRecord } from "../../../src/records/call-record.js";
import { buildCallRecord } from "../../../src/engine/outputs/call-record-builder.js";
import { responseTo, startFakeRun, type FakeRun, type SentMessage } from "../engine/fake-run-environment.js";
import { INVITE_FROM_PEER, request, response } from "../engine/scenario-snippets.js";
import { callRecordValidator, type RecordValidator } from "../../helpers/call-record-schema.js";

function scenario(...body: string[]): string {
  return `<scenario name="records">\n${body.join("\n")}\n</scenario>`;
}

const ACK_FROM_PEER = INVITE_FROM_PEER.replace("INVITE sip", "ACK sip")
  .replace("CSeq: 1 INVITE", "CSeq: 1 ACK")
  .replace("branch=z9hG4bK-peer-1", "branch=z9hG4bK-peer-2");

/** Starts a fake run that keeps the record of every call that ends. */
function recordedRun(
  xml: string,
  config: Parameters<typeof startFakeRun>[1] = {},
): FakeRun & { records: CallRecord[] } {
  const run = startFakeRun(xml, config);
  const records: CallRecord[] = [];
  run.controller.on("callEnded", (call) => records.push(buildCallRecord(call, { runId: "run-1" })));
  return Object.assign(run, { records });
}

function sentAt(run: FakeRun, index: number): SentMessage {
  const sent = run.env.sent[index];
  assert.ok(sent !== undefined, `message ${index} was not sent`);
  return sent;
}

function onlyRecord(records: readonly CallRecord[]): CallRecord {
  assert.equal(records.length, 1, "one call, one record");
  const record = records[0];
  assert.ok(record !== undefined);
  return record;
}

describe("buildCallRecord", () => {
  let validate: RecordValidator = () => "not compiled";
  before(async () => {
    validate = await callRecordValidator();
  });

  it("counts a UAC call's sends, retransmissions and receptions, with its final status, RTD and timing", () => {
    const run = recordedRun(
      scenario(
        request("INVITE", 'retrans="500" start_rtd="setup"'),
        '<recv response="100" optional="true"/>',
        '<recv response="200" rtd="setup"/>',
        request("ACK"),
        '<pause milliseconds="1000"/>',
        request("BYE"),
        '<recv response="200"/>',
      ),
    );
    run.clock.advance(600); // one INVITE retransmission at 500 ms
    const invite = sentAt(run, 0);
    run.env.inject(responseTo(invite, "100 Trying"));
    run.clock.advance(150);
    run.env.inject(responseTo(invite, "200 OK"));
    run.clock.advance(1000);
    run.env.inject(responseTo(sentAt(run, 3), "200 OK"));

    const record = onlyRecord(run.records);
    assert.equal(validate(record), undefined);
    assert.equal(record.result, "success");
    assert.equal(record.failure, null);
    assert.equal(record.role, "uac");
    assert.equal(record.transport, "UDP");
    assert.deepEqual(record.local, { address: "127.0.0.1", port: 5060 });
    assert.deepEqual(record.remote, { address: "127.0.0.1", port: 5070 });
    assert.equal(record.scenario, "records");
    assert.equal(record.run_id, "run-1");
    assert.equal(record.call_number, 1);
    assert.equal(record.messages_sent, 3, "INVITE, ACK, BYE");
    assert.equal(record.retransmissions_sent, 1);
    assert.equal(record.messages_received, 3, "100, 200, 200");
    assert.equal(record.unexpected_messages, 0);
    assert.equal(record.final_status, 200);
    assert.deepEqual(record.rtd, { setup: 750 });
    assert.equal(record.last_step, 6);
    assert.equal(record.duration_ms, 1750);
    assert.equal(record.started_at, "2026-01-01T00:00:00.000Z");
    assert.equal(record.ended_at, "2026-01-01T00:00:01.750Z");
    assert.equal(record.media, null);
    assert.equal(record.webrtc, null);
  });

  it("records the final response a UAS sent to the peer's INVITE, not the one to a later request", () => {
    const run = recordedRun(
      scenario('<recv request="INVITE"/>', response("180 Ringing"), response("486 Busy Here"), '<recv request="ACK"/>'),
      { config: { maxCalls: 1 } },
    );
    run.env.inject(INVITE_FROM_PEER);
    // SIPp behaviour: a retransmitted INVITE gets our first reply again (counted as a retransmission we sent).
    run.env.inject(INVITE_FROM_PEER);
    run.env.inject(ACK_FROM_PEER);

    const record = onlyRecord(run.records);
    assert.equal(validate(record), undefined);
    assert.equal(record.role, "uas");
    assert.equal(record.call_id, "peer-call-1");
    assert.equal(record.final_status, 486);
    assert.equal(record.messages_received, 2);
    assert.equal(record.messages_sent, 2);
    assert.equal(record.retransmissions_received, 1);
    assert.equal(record.retransmissions_sent, 1);
    assert.equal(record.last_step, 3);
  });

  it("gives a call that timed out its failure class, failing step and reason", () => {
    const run = recordedRun(scenario(request("OPTIONS"), '<recv response="200" timeout="2000"/>'));
    run.clock.advance(2000);

    const record = onlyRecord(run.records);
    assert.equal(validate(record), undefined);
    assert.equal(record.result, "failure");
    assert.deepEqual(record.failure, {
      class: "timeout_on_recv",
      step: 1,
      reason: "no message for step 1 within the timeout",
    });
    assert.equal(record.last_step, 1);
    assert.equal(record.final_status, null);
    assert.deepEqual(record.rtd, {});
    assert.equal(record.duration_ms, 2000);
  });

  it("counts an unexpected final response and keeps its status", () => {
    const run = recordedRun(scenario(request("INVITE"), '<recv response="200"/>', request("ACK")));
    run.env.inject(responseTo(sentAt(run, 0), "603 Decline"));

    const record = onlyRecord(run.records);
    assert.equal(validate(record), undefined);
    assert.equal(record.failure?.class, "unexpected_message");
    assert.equal(record.failure.step, 1);
    assert.equal(record.unexpected_messages, 1);
    assert.equal(record.messages_received, 0);
    assert.equal(record.final_status, 603);
  });

  it("gives a call aborted by stopping the run the failure class aborted", () => {
    const run = recordedRun(scenario(request("OPTIONS"), '<recv response="200"/>'));
    run.controller.stop("now", "signal");

    const record = onlyRecord(run.records);
    assert.equal(validate(record), undefined);
    assert.deepEqual(record.failure, { class: "aborted", step: 1, reason: "run stopped (signal)" });
  });
});
