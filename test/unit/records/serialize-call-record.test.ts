/**
 * The call record's hot-path serialisation: serializeCallRecord writes exactly what JSON.stringify writes, and
 * isoTimestamp exactly what Date#toISOString writes, so call_records.jsonl stays byte-for-byte what it was.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CALL_RECORD_SCHEMA, serializeCallRecord, type CallRecord } from "../../../src/records/call-record.js";
import { buildMediaRecord, isoTimestamp } from "../../../src/engine/outputs/call-record-builder.js";

/** A record line as a run writes it (a successful UAC call over UDP, IPv6 peer, no media). */
const LINE =
  '{"schema":"sipwright.call-record/1","run_id":"20260101-000000-4242","call_number":17,' +
  '"call_id":"17-4242@127.0.0.1","scenario":"uac","role":"uac","transport":"UDP",' +
  '"local":{"address":"127.0.0.1","port":5060},"remote":{"address":"::1","port":5070},' +
  '"started_at":"2026-01-01T00:00:00.000Z","ended_at":"2026-01-01T00:00:01.250Z","duration_ms":1250.125,' +
  '"result":"success","failure":null,"messages_sent":3,"messages_received":4,"retransmissions_sent":0,' +
  '"retransmissions_received":1,"unexpected_messages":0,"final_status":200,"rtd":{},"last_step":7,' +
  '"media":null,"webrtc":null}';

function record(overrides: Partial<CallRecord> = {}): CallRecord {
  return { ...(JSON.parse(LINE) as CallRecord), ...overrides };
}

describe("serializeCallRecord", () => {
  it("writes a successful call's record as JSON.stringify does", () => {
    const r = record();
    assert.equal(r.schema, CALL_RECORD_SCHEMA);
    assert.equal(serializeCallRecord(r), LINE);
    assert.equal(serializeCallRecord(r), JSON.stringify(r));
  });

  it("writes failures, RTDs, a null final status and strings that need escaping as JSON.stringify does", () => {
    const r = record({
      call_id: 'quote " backslash \\ tab \t newline \n é \u2028 \u0001',
      scenario: "scénario <ü>",
      result: "failure",
      failure: { class: "timeout_on_recv", step: 3, reason: 'no "200" within 10000 ms\r\n' },
      final_status: null,
      rtd: { setup: 12.345, "1": 0.001, 'weird "name"': 7 },
      duration_ms: 0.1 + 0.2,
    });
    assert.equal(serializeCallRecord(r), JSON.stringify(r));
  });

  it("writes a record with a media block as JSON.stringify does", () => {
    const media = buildMediaRecord({
      kind: "rtp",
      codec: "PCMA",
      payloadType: 8,
      local: { address: "127.0.0.1", port: 6000 },
      remote: undefined,
      sent: { packets: 250, octets: 40_000, lost: 0, jitterMs: 0, maxGapMs: 20 },
      received: { packets: 248, octets: 39_680, lost: 2, jitterMs: 0.4567, maxGapMs: 60.1234 },
      dtmfSent: "123#",
      dtmfReceived: "",
      recordings: ["/tmp/recordings/1-call.wav"],
      audioChecks: [{ kind: "tone", passed: true, measured: { frequency_hz: 440.2 }, reason: "" }],
    });
    const r = record({ media });
    assert.equal(serializeCallRecord(r), JSON.stringify(r));
  });

  it("writes a number that is not finite as null, as JSON.stringify does", () => {
    const r = record({ duration_ms: Number.NaN, messages_sent: Number.POSITIVE_INFINITY, call_number: -0 });
    assert.equal(serializeCallRecord(r), JSON.stringify(r));
  });
});

describe("isoTimestamp", () => {
  it("gives Date#toISOString's text for times in the same second, across seconds, and fractional milliseconds", () => {
    const base = Date.UTC(2026, 11, 3, 7, 59, 59, 990);
    for (let i = 0; i < 5000; i++) {
      const t = base + i * 0.37;
      assert.equal(isoTimestamp(t), new Date(t).toISOString());
    }
  });

  it("gives Date#toISOString's text at the edges of its fast range", () => {
    for (const t of [0, 0.5, -0.5, 999.9, 1000, -1, -86_400_001, 253_402_300_799_999, 253_402_300_800_000]) {
      assert.equal(isoTimestamp(t), new Date(t).toISOString(), `t = ${t}`);
    }
  });
});
