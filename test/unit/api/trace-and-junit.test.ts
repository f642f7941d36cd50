import { test } from "node:test";
import assert from "node:assert/strict";
import { XMLParser } from "fast-xml-parser";
import { MessageTraceWriter } from "../../../src/engine/outputs/trace-writers.js";
import { TraceCache, callMessages, parseMessageTrace } from "../../../src/api/message-trace.js";
import { buildJunitXml } from "../../../src/cli/junit.js";
import type { CallRecord } from "../../../src/records/call-record.js";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("the message trace written by MessageTraceWriter reads back message by message", async () => {
  const path = join(await mkdtemp(join(tmpdir(), "sipwright-trace-")), "messages.log");
  const writer = new MessageTraceWriter(path);
  const invite = "INVITE sip:b@h SIP/2.0\r\nCall-ID: one\r\nContent-Length: 0\r\n\r\n";
  // A body that holds the separator line itself: the byte count, not the separator, ends the message.
  const body = "-----------------------------------------------  2026-01-01 00:00:00.000000\nfake\n";
  const ok = `SIP/2.0 200 OK\r\ni: one\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const other = "OPTIONS sip:x SIP/2.0\r\nCall-ID: two\r\n\r\n";
  const wall = new Date(2026, 0, 2, 3, 4, 5, 678).getTime();
  writer.sent("UDP", invite, wall);
  writer.received("UDP", Buffer.from(ok), wall + 1);
  writer.sent("TCP", other, wall + 2);
  await writer.close();
  const data = await readFile(path);
  const all = parseMessageTrace(data);
  assert.deepEqual(
    all.map((m) => [m.direction, m.transport, m.first_line, m.call_id]),
    [
      ["sent", "UDP", "INVITE sip:b@h SIP/2.0", "one"],
      ["received", "UDP", "SIP/2.0 200 OK", "one"],
      ["sent", "TCP", "OPTIONS sip:x SIP/2.0", "two"],
    ],
  );
  assert.equal(all[1]?.text, ok);
  assert.equal(all[0]?.time, new Date(wall).toISOString());
  assert.deepEqual(
    callMessages(data, "two").map((m) => [m.index, m.first_line]),
    [[0, "OPTIONS sip:x SIP/2.0"]],
  );
  // A torn last entry (the writer was killed) is left out.
  assert.equal(parseMessageTrace(data.subarray(0, data.length - 10)).length, 2);

  // The cache answers the same, and reads the file again once it has changed.
  const cache = new TraceCache();
  assert.deepEqual(await cache.callMessages(path, "one"), callMessages(data, "one"));
  const more = new MessageTraceWriter(`${path}.2`);
  more.sent("UDP", "BYE sip:b@h SIP/2.0\r\nCall-ID: one\r\n\r\n", wall + 3);
  await more.close();
  await writeFile(path, Buffer.concat([data, await readFile(`${path}.2`)]));
  const after = await cache.callMessages(path, "one");
  assert.deepEqual(
    after.map((m) => [m.index, m.first_line]),
    [
      [0, "INVITE sip:b@h SIP/2.0"],
      [1, "SIP/2.0 200 OK"],
      [2, "BYE sip:b@h SIP/2.0"],
    ],
  );
  assert.deepEqual(await cache.callMessages(join(path, "missing"), "one"), []);
});

function record(n: number, failure: CallRecord["failure"]): CallRecord {
  return {
    call_number: n,
    call_id: `${n}-x@h`,
    duration_ms: 12.5,
    result: failure === null ? "success" : "failure",
    failure,
  } as CallRecord;
}

test("JUnit: one testcase per call, failure with class/step/reason, aborted as skipped, verdict property", () => {
  const xml = buildJunitXml({
    runId: "r1",
    scenario: "uac & <co>",
    startedAt: "2026-01-01T00:00:00.123Z",
    durationMs: 2500,
    exitCode: 1,
    records: [
      record(1, null),
      record(2, { class: "global_timeout", step: 3, reason: 'no "200" \u0001 in 5 s <x>' }),
      record(3, { class: "aborted", step: 1, reason: "run stopped" }),
    ],
  });
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    isArray: (n) => n === "testcase",
  }).parse(xml) as { testsuites: { testsuite: Record<string, unknown> } };
  const suite = doc.testsuites.testsuite as {
    name: string;
    tests: string;
    failures: string;
    skipped: string;
    errors: string;
    timestamp: string;
    properties: { property: { name: string; value: string }[] };
    testcase: (
      { name: string; failure?: { type: string; message: string; "#text": string }; skipped?: unknown } | undefined
    )[];
  };
  assert.equal(suite.name, "uac & <co>");
  assert.deepEqual([suite.tests, suite.failures, suite.skipped, suite.errors], ["3", "1", "1", "0"]);
  assert.equal(suite.timestamp, "2026-01-01T00:00:00");
  assert.deepEqual(suite.properties.property[0], { name: "verdict", value: "failed" });
  const failure = suite.testcase[1]?.failure;
  assert.ok(failure !== undefined);
  assert.equal(failure.type, "global_timeout");
  assert.equal(failure.message, 'no "200" \ufffd in 5 s <x>');
  assert.match(failure["#text"], /^global_timeout at step 3: /);
  assert.ok(suite.testcase[2]?.skipped !== undefined);
  assert.equal(suite.testcase[0]?.failure, undefined);
});
