/**
 * Logs under attack (issue 12 item 8): malformed messages are reported at most 10 lines per second per kind, the
 * rest summed up in one "suppressed" line when the second ends or at the end of the run, each error-log entry with
 * at most 256 bytes of the message, escaped; and a TCP message cut by the end of its stream is reported.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FakeClock } from "../../../src/shared/clock.js";
import { createLogger, setLogLevel, setLogSink, type LogRecord } from "../../../src/shared/logger.js";
import { StreamFramer } from "../../../src/sip/stream-framer.js";
import {
  ParseErrorLog,
  PARSE_ERROR_EXCERPT_BYTES,
  PARSE_ERROR_LINES_PER_SECOND,
  escapeExcerpt,
} from "../../../src/engine/outputs/parse-error-log.js";

const FROM = { host: "127.0.0.1", port: 5070 };

function setup(): { clock: FakeClock; lines: string[]; trace: string[]; log: ParseErrorLog } {
  const clock = new FakeClock();
  const lines: string[] = [];
  const trace: string[] = [];
  setLogLevel("warn");
  setLogSink((r: LogRecord) => lines.push(r.message));
  const log = new ParseErrorLog({ clock, log: createLogger("test"), traceError: (t) => trace.push(t) });
  return { clock, lines, trace, log };
}

describe("ParseErrorLog", () => {
  it("writes at most 10 lines a second per kind, then one line with the number suppressed", () => {
    const { clock, lines, trace, log } = setup();
    for (let i = 0; i < 1000; i++) log.report(`bad Content-Length: "${i}"`, Buffer.from("x"), FROM);
    assert.equal(lines.length, PARSE_ERROR_LINES_PER_SECOND);
    clock.advance(1000);
    assert.equal(lines.length, PARSE_ERROR_LINES_PER_SECOND + 1);
    assert.match(lines.at(-1) ?? "", /^suppressed 990 similar messages \(malformed message: bad Content-Length\)/);
    assert.equal(trace.length, PARSE_ERROR_LINES_PER_SECOND + 1);
    // Another kind has its own budget.
    log.report("empty message", Buffer.alloc(0), FROM);
    assert.equal(lines.length, PARSE_ERROR_LINES_PER_SECOND + 2);
  });

  it("flush() writes the pending suppressed count (end of run)", () => {
    const { lines, log } = setup();
    for (let i = 0; i < 15; i++) log.discarded(`discarded message ${i}`);
    log.flush();
    assert.match(lines.at(-1) ?? "", /^suppressed 5 similar messages \(message that belongs to no call\)/);
  });

  it("copies at most 256 bytes of the message into the error log, escaped", () => {
    const { trace, log } = setup();
    const raw = Buffer.alloc(2048, 0xff);
    log.report("no start line", raw, FROM);
    const entry = trace[0] ?? "";
    assert.ok(entry.includes(`\\xff`.repeat(PARSE_ERROR_EXCERPT_BYTES)));
    assert.ok(!entry.includes(`\\xff`.repeat(PARSE_ERROR_EXCERPT_BYTES + 1)));
    assert.ok(entry.includes("[1792 more bytes not shown]"));
    assert.ok(entry.length < 1500, `entry of ${entry.length} characters`);
    assert.equal(escapeExcerpt(Buffer.from("A\\\r\n\x00")), "A\\x5c\r\n\\x00");
  });
});

describe("StreamFramer.unfinished", () => {
  const invite = readFileSync(new URL("../../fixtures/sip/invite-sdp.sip", import.meta.url));
  it("returns the bytes of a message cut by the end of the stream", () => {
    const framer = new StreamFramer();
    framer.push(invite.subarray(0, 100));
    assert.equal(framer.unfinished()?.length, 100);
    const body = new StreamFramer();
    body.push(invite.subarray(0, invite.length - 5));
    assert.equal(body.unfinished()?.length, invite.length - 5);
  });
  it("returns nothing between messages or after line ends", () => {
    const framer = new StreamFramer();
    framer.push(Buffer.concat([invite, Buffer.from("\r\n")]));
    assert.equal(framer.unfinished(), undefined);
  });
});
