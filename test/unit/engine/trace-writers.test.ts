import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ErrorTraceWriter,
  LogTraceWriter,
  MessageTraceWriter,
  ShortMessageTraceWriter,
  shortMessageFields,
} from "../../../src/engine/outputs/trace-writers.js";
import { RttTraceWriter } from "../../../src/engine/outputs/rtt-trace-writer.js";
import { CountsTraceWriter, countColumns } from "../../../src/engine/outputs/counts-trace-writer.js";
import { defaultTraceFileName, resolveTracePaths } from "../../../src/engine/outputs/trace-paths.js";
import { Statistics } from "../../../src/engine/outputs/statistics.js";
import { FakeClock } from "../../../src/shared/clock.js";
import type { Step } from "../../../src/scenario/model.js";
import type { TraceOptions } from "../../../src/engine/run/run-config.js";

process.env.TZ = "UTC";

// A 180 as real sipp 3.6.1 received and logged it (uac side), at 1795238195.824946.
const RINGING =
  "SIP/2.0 180 Ringing\r\n" +
  "Via: SIP/2.0/UDP 127.0.0.1:15071;branch=z9hG4bK-4343-1-0\r\n" +
  "From: sipp <sip:sipp@127.0.0.1:15071>;tag=4343SIPpTag001\r\n" +
  "To: service <sip:service@127.0.0.1:15070>;tag=4340SIPpTag011\r\n" +
  "Call-ID: 1-4343@127.0.0.1\r\n" +
  "CSeq: 1 INVITE\r\n" +
  "Contact: <sip:127.0.0.1:15070;transport=UDP>\r\n" +
  "Content-Length: 0\r\n\r\n";
const AT = 1795238195824.946;

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "traces-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("MessageTraceWriter (-trace_msg)", () => {
  it("writes SIPp's sent and received blocks byte for byte", async () => {
    const path = join(dir, "uac_4343_messages.log");
    const w = new MessageTraceWriter(path);
    w.received("UDP", RINGING, AT);
    w.sent("UDP", Buffer.from("ACK sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n"), AT + 1.333);
    await w.close();
    w.sent("UDP", "late", AT); // after close: ignored
    assert.equal(
      await readFile(path, "utf8"),
      "----------------------------------------------- 2026-11-21 05:16:35.824946\n" +
        "UDP message received [309] bytes :\n\n" +
        RINGING +
        "\n" +
        "----------------------------------------------- 2026-11-21 05:16:35.826279\n" +
        "UDP message sent (40 bytes):\n\n" +
        "ACK sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n\n",
    );
  });
});

describe("ShortMessageTraceWriter (-trace_shortmsg)", () => {
  it("writes SIPp's tab-separated line: date, S|R, Call-ID, CSeq, first line", async () => {
    const path = join(dir, "uac_4343_shortmessages.log");
    const w = new ShortMessageTraceWriter(path);
    w.recordMessage("R", RINGING, AT);
    await w.close();
    assert.equal(
      await readFile(path, "utf8"),
      "2026-11-21\t05:16:35.824946\t1795238195.824946\tR\t1-4343@127.0.0.1\tCSeq:1 INVITE\tSIP/2.0 180 Ringing\n",
    );
  });

  it("reads compact Call-ID headers", () => {
    assert.deepEqual(shortMessageFields("BYE sip:a SIP/2.0\r\ni: abc\r\nCSeq: 2 BYE\r\n\r\n"), {
      callId: "abc",
      cseq: "2 BYE",
      firstLine: "BYE sip:a SIP/2.0",
    });
  });
});

describe("ErrorTraceWriter and LogTraceWriter", () => {
  it("starts the error log with SIPp's banner and dates every entry", async () => {
    const path = join(dir, "errors.log");
    const w = new ErrorTraceWriter(path);
    w.error("warn 1-4747@127.0.0.1", 1795238235325.593);
    w.error("second\n", 1795238235525.908);
    await w.close();
    assert.equal(
      await readFile(path, "utf8"),
      "The following events occurred:\n" +
        "2026-11-21\t05:17:15.325593\t1795238235.325593: warn 1-4747@127.0.0.1\n" +
        "2026-11-21\t05:17:15.525908\t1795238235.525908: second\n",
    );
  });

  it("writes one line per <log> action", async () => {
    const path = join(dir, "logs.log");
    const w = new LogTraceWriter(path);
    w.log("got 200 for 1-4747@127.0.0.1");
    w.log("got 200 for 2-4747@127.0.0.1");
    await w.close();
    assert.equal(await readFile(path, "utf8"), "got 200 for 1-4747@127.0.0.1\ngot 200 for 2-4747@127.0.0.1\n");
  });
});

describe("RttTraceWriter (-trace_rtt)", () => {
  it("writes batches of -rtt_freq samples and the rest on close", async () => {
    const path = join(dir, "rtt.csv");
    const w = new RttTraceWriter({ path, freq: 2 });
    w.record(204.001, 0, "setup");
    w.record(212.001, 4, "bye_rt");
    w.record(1004, 0.25, "setup");
    await w.close();
    assert.equal(
      await readFile(path, "utf8"),
      "Date_ms;response_time_ms;rtd_no\n204.001;0;setup\n212.001;4;bye_rt\n1004;0.25;setup\n",
    );
  });
});

function step(partial: Record<string, unknown>): Step {
  return { hide: false, ...partial } as unknown as Step;
}

// The steps of SIPp's built-in uac scenario.
const UAC_STEPS: Step[] = [
  step({ index: 0, kind: "send", sends: { kind: "request", method: "INVITE" }, retrans: 500 }),
  step({ index: 1, kind: "recv", response: "100", request: undefined }),
  step({ index: 2, kind: "recv", response: "180", request: undefined }),
  step({ index: 3, kind: "recv", response: "183", request: undefined }),
  step({ index: 4, kind: "recv", response: "200", request: undefined }),
  step({ index: 5, kind: "send", sends: { kind: "request", method: "ACK" }, retrans: undefined }),
  step({ index: 6, kind: "pause" }),
  step({ index: 7, kind: "send", sends: { kind: "request", method: "BYE" }, retrans: 500 }),
  step({ index: 8, kind: "recv", response: "200", request: undefined }),
];

describe("CountsTraceWriter (-trace_counts)", () => {
  it("writes SIPp 3.6.1's header for the uac scenario", async () => {
    const path = join(dir, "counts.csv");
    const w = new CountsTraceWriter({ path, steps: UAC_STEPS });
    const clock = new FakeClock(1795238196623.864);
    const stats = new Statistics({
      clock,
      rtdNames: [],
      counterNames: [],
      responseTimeRepartition: { edges: [] },
      callLengthRepartition: { edges: [] },
      stepCount: 9,
    });
    stats.messageSent(0);
    stats.messageReceived(2);
    clock.advance(1004);
    w.writeRow(stats.snapshot());
    await w.close();
    const [header, row] = (await readFile(path, "utf8")).split("\n");
    assert.equal(
      header,
      "CurrentTime;ElapsedTime;0_INVITE_Sent;0_INVITE_Retrans;0_INVITE_Timeout;1_100_Recv;1_100_Retrans;" +
        "1_100_Timeout;1_100_Unexp;2_180_Recv;2_180_Retrans;2_180_Timeout;2_180_Unexp;3_183_Recv;3_183_Retrans;" +
        "3_183_Timeout;3_183_Unexp;4_200_Recv;4_200_Retrans;4_200_Timeout;4_200_Unexp;5_ACK_Sent;5_ACK_Retrans;" +
        "6_Pause_Sessions;6_Pause_Unexp;7_BYE_Sent;7_BYE_Retrans;7_BYE_Timeout;8_200_Recv;8_200_Retrans;" +
        "8_200_Timeout;8_200_Unexp;",
    );
    assert.equal(
      row,
      "2026-11-21\t05:16:37.627864\t1795238197.627864;00:00:01:004000;1;0;0;0;0;0;0;1;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;",
    );
  });

  it("leaves out nop and hidden steps", () => {
    const cols = countColumns([step({ index: 0, kind: "nop" }), step({ index: 1, kind: "pause", hide: true })]);
    assert.deepEqual(cols, []);
  });
});

describe("trace file names", () => {
  it("follows SIPp's <scenario>_<pid>_<kind> names", () => {
    assert.equal(defaultTraceFileName("stat", "/x/uacx.xml", 42), "uacx_42_.csv");
    assert.equal(defaultTraceFileName("messages", "uac", 42), "uac_42_messages.log");
    assert.equal(defaultTraceFileName("shortmessages", "uac", 42), "uac_42_shortmessages.log");
    assert.equal(defaultTraceFileName("errors", "uac", 42), "uac_42_errors.log");
    assert.equal(defaultTraceFileName("rtt", "uac", 42), "uac_42_rtt.csv");
    assert.equal(defaultTraceFileName("counts", "uac", 42), "uac_42_counts.csv");
    assert.equal(defaultTraceFileName("logs", "uac", 42), "uac_42_logs.log");
  });

  it("puts enabled traces in the output folder unless a path is given", () => {
    const trace: TraceOptions = {
      msg: true,
      messageFile: undefined,
      shortmsg: false,
      shortmsgFile: "/ignored/when/disabled.log",
      err: true,
      errorFile: "/abs/errors.log",
      stat: true,
      statFile: "rel.csv",
      statPeriodMs: 60_000,
      statDelimiter: ";",
      rtt: false,
      rttFile: undefined,
      rttFreq: 200,
      counts: false,
      countsFile: undefined,
      logs: false,
      logFile: undefined,
    };
    assert.deepEqual(resolveTracePaths(trace, { outDir: "/out", scenario: "uac", pid: 7, cwd: "/cwd" }), {
      messages: "/out/uac_7_messages.log",
      errors: "/abs/errors.log",
      stat: "/cwd/rel.csv",
    });
  });
});
