/**
 * docs/call-record.schema.json: a complete record validates, and the schema is strict enough to fail (unknown keys,
 * missing keys, a failure block that contradicts the result). The media block is defined ahead of the pipeline.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { FAILURE_CLASSES } from "../../../src/shared/failure.js";
import type { MediaStats } from "../../../src/media/media-pipeline.js";
import { CALL_RECORD_SCHEMA, type CallRecord } from "../../../src/records/call-record.js";
import { buildMediaRecord } from "../../../src/engine/outputs/call-record-builder.js";
import {
  CALL_RECORD_SCHEMA_PATH,
  callRecordValidator,
  type RecordValidator,
} from "../../helpers/call-record-schema.js";

function sampleRecord(): CallRecord {
  return {
    schema: CALL_RECORD_SCHEMA,
    run_id: "20260101-000000-4242",
    call_number: 1,
    call_id: "1-4242@127.0.0.1",
    scenario: "uac",
    role: "uac",
    transport: "UDP",
    local: { address: "127.0.0.1", port: 5060 },
    remote: { address: "127.0.0.1", port: 5070 },
    started_at: "2026-01-01T00:00:00.000Z",
    ended_at: "2026-01-01T00:00:01.250Z",
    duration_ms: 1250,
    result: "success",
    failure: null,
    messages_sent: 3,
    messages_received: 3,
    retransmissions_sent: 0,
    retransmissions_received: 0,
    unexpected_messages: 0,
    final_status: 200,
    rtd: { "1": 2.5 },
    last_step: 7,
    media: null,
    webrtc: null,
  };
}

const MEDIA: MediaStats = {
  kind: "rtp",
  codec: "PCMA",
  payloadType: 8,
  local: { address: "127.0.0.1", port: 6000 },
  remote: { address: "127.0.0.1", port: 6002 },
  sent: { packets: 250, octets: 40_000, lost: 0, jitterMs: 0, maxGapMs: 20 },
  received: { packets: 248, octets: 39_680, lost: 2, jitterMs: 0.4567, maxGapMs: 60.1234 },
  dtmfSent: "123#",
  dtmfReceived: "",
  recordings: ["/tmp/recordings/1-call.wav"],
  audioChecks: [{ kind: "tone", passed: true, measured: { frequency_hz: 440.2, share: 0.97 }, reason: "" }],
};

/** A copy of `record` with one key removed (the record typed loosely, as a consumer would read it). */
function without(record: CallRecord, key: keyof CallRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => name !== key));
}

describe("the call record schema (docs/call-record.schema.json)", () => {
  let validate: RecordValidator = () => "not compiled";
  before(async () => {
    validate = await callRecordValidator();
  });

  it("accepts a complete record of a successful call without media", () => {
    assert.equal(validate(sampleRecord()), undefined);
  });

  it("accepts a failed call with its failure class, step and reason", () => {
    const record: CallRecord = {
      ...sampleRecord(),
      result: "failure",
      failure: { class: "timeout_on_recv", step: 1, reason: "no message for step 1 within the timeout" },
      final_status: null,
    };
    assert.equal(validate(record), undefined);
  });

  it("accepts a media block built from the pipeline's MediaStats", () => {
    assert.equal(validate({ ...sampleRecord(), media: buildMediaRecord(MEDIA) }), undefined);
  });

  it("accepts a media block with no negotiated codec or endpoints yet", () => {
    const media = buildMediaRecord({ ...MEDIA, codec: undefined, payloadType: undefined, local: undefined });
    assert.equal(media.codec, null);
    assert.equal(media.payload_type, null);
    assert.equal(media.local, null);
    assert.equal(validate({ ...sampleRecord(), media }), undefined);
  });

  it("rejects a record with an unknown top-level key", () => {
    const problem = validate({ ...sampleRecord(), callId: "x" });
    assert.match(problem ?? "", /additional properties/);
  });

  it("rejects unknown keys inside nested blocks (endpoint, media, stream)", () => {
    const base = sampleRecord();
    const media = buildMediaRecord(MEDIA);
    assert.notEqual(validate({ ...base, local: { ...base.local, family: "IPv4" } }), undefined);
    assert.notEqual(validate({ ...base, media: { ...media, ssrc: 1 } }), undefined);
    assert.notEqual(validate({ ...base, media: { ...media, sent: { ...media.sent, bytes: 1 } } }), undefined);
  });

  it("rejects a record missing a required key", () => {
    assert.match(validate(without(sampleRecord(), "final_status")) ?? "", /must have required property 'final_status'/);
    assert.match(validate(without(sampleRecord(), "webrtc")) ?? "", /'webrtc'/);
  });

  it("rejects a failure without a failure block, and a success with one", () => {
    assert.notEqual(validate({ ...sampleRecord(), result: "failure" }), undefined);
    const failure = { class: "aborted", step: 0, reason: "run stopped (signal)" };
    assert.notEqual(validate({ ...sampleRecord(), failure }), undefined);
  });

  it("rejects an unknown failure class, a wrong schema version and a timestamp without milliseconds", () => {
    const failure = { class: "exploded", step: 0, reason: "" };
    assert.notEqual(validate({ ...sampleRecord(), result: "failure", failure }), undefined);
    assert.notEqual(validate({ ...sampleRecord(), schema: "sipwright.call-record/2" }), undefined);
    assert.notEqual(validate({ ...sampleRecord(), started_at: "2026-01-01T00:00:00Z" }), undefined);
  });

  it("lists every failure class the engine knows", async () => {
    const schema = JSON.parse(await readFile(CALL_RECORD_SCHEMA_PATH, "utf8")) as {
      $defs: { failure: { properties: { class: { enum: string[] } } } };
    };
    const listed = new Set(schema.$defs.failure.properties.class.enum);
    assert.deepEqual(
      FAILURE_CLASSES.filter((f) => !listed.has(f)),
      [],
    );
  });
});

describe("buildMediaRecord", () => {
  it("maps MediaStats to snake_case with jitter and gaps rounded to microseconds", () => {
    const media = buildMediaRecord(MEDIA);
    assert.deepEqual(media.received, { packets: 248, octets: 39_680, lost: 2, jitter_ms: 0.457, max_gap_ms: 60.123 });
    assert.equal(media.dtmf_sent, "123#");
    assert.deepEqual(media.recordings, ["/tmp/recordings/1-call.wav"]);
    assert.deepEqual(media.audio_checks, [
      { kind: "tone", passed: true, measured: { frequency_hz: 440.2, share: 0.97 }, reason: "" },
    ]);
    assert.deepEqual(media.recordings_incomplete, []);
  });

  it("marks a recording that could not be finalised as incomplete, with the reason, in a record the schema accepts", async () => {
    const reason = "cannot write /tmp/recordings/1-call.wav: ENOSPC: no space left on device, write";
    const media = buildMediaRecord({
      ...MEDIA,
      incompleteRecordings: [{ path: "/tmp/recordings/1-call.wav", reason }],
    });
    assert.deepEqual(media.recordings_incomplete, [{ path: "/tmp/recordings/1-call.wav", reason }]);
    const validate = await callRecordValidator();
    assert.equal(validate({ ...sampleRecord(), media }), undefined);
  });
});
