import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeClock } from "../../../src/shared/clock.js";
import { Statistics } from "../../../src/engine/outputs/statistics.js";
import { StatCsvWriter, statCsvHeader, statCsvRow } from "../../../src/engine/outputs/stat-csv-writer.js";

process.env.TZ = "UTC";

// Header row written by real sipp 3.6.1 (`sipp -sn uac 127.0.0.1:15070 -m 5 -trace_stat -fd 1`), uac has RTD "1".
const SIPP_361_UAC_HEADER =
  "StartTime;LastResetTime;CurrentTime;ElapsedTime(P);ElapsedTime(C);TargetRate;CallRate(P);CallRate(C);IncomingC" +
  "all(P);IncomingCall(C);OutgoingCall(P);OutgoingCall(C);TotalCallCreated;CurrentCall;SuccessfulCall(P);Successf" +
  "ulCall(C);FailedCall(P);FailedCall(C);FailedCannotSendMessage(P);FailedCannotSendMessage(C);FailedMaxUDPRetran" +
  "s(P);FailedMaxUDPRetrans(C);FailedTcpConnect(P);FailedTcpConnect(C);FailedTcpClosed(P);FailedTcpClosed(C);Fail" +
  "edUnexpectedMessage(P);FailedUnexpectedMessage(C);FailedCallRejected(P);FailedCallRejected(C);FailedCmdNotSent" +
  "(P);FailedCmdNotSent(C);FailedRegexpDoesntMatch(P);FailedRegexpDoesntMatch(C);FailedRegexpShouldntMatch(P);Fai" +
  "ledRegexpShouldntMatch(C);FailedRegexpHdrNotFound(P);FailedRegexpHdrNotFound(C);FailedOutboundCongestion(P);Fa" +
  "iledOutboundCongestion(C);FailedTimeoutOnRecv(P);FailedTimeoutOnRecv(C);FailedTimeoutOnSend(P);FailedTimeoutOn" +
  "Send(C);FailedTestDoesntMatch(P);FailedTestDoesntMatch(C);FailedTestShouldntMatch(P);FailedTestShouldntMatch(C" +
  ");FailedStrcmpDoesntMatch(P);FailedStrcmpDoesntMatch(C);FailedStrcmpShouldntMatch(P);FailedStrcmpShouldntMatch" +
  "(C);OutOfCallMsgs(P);OutOfCallMsgs(C);DeadCallMsgs(P);DeadCallMsgs(C);Retransmissions(P);Retransmissions(C);Au" +
  "toAnswered(P);AutoAnswered(C);Warnings(P);Warnings(C);FatalErrors(P);FatalErrors(C);WatchdogMajor(P);WatchdogM" +
  "ajor(C);WatchdogMinor(P);WatchdogMinor(C);ResponseTime1(P);ResponseTime1(C);ResponseTime1StDev(P);ResponseTime" +
  "1StDev(C);CallLength(P);CallLength(C);CallLengthStDev(P);CallLengthStDev(C);ResponseTimeRepartition1;ResponseT" +
  "imeRepartition1_<10;ResponseTimeRepartition1_<20;ResponseTimeRepartition1_<30;ResponseTimeRepartition1_<40;Res" +
  "ponseTimeRepartition1_<50;ResponseTimeRepartition1_<100;ResponseTimeRepartition1_<150;ResponseTimeRepartition1" +
  "_<200;ResponseTimeRepartition1_>=200;CallLengthRepartition;CallLengthRepartition_<10;CallLengthRepartition_<50" +
  ";CallLengthRepartition_<100;CallLengthRepartition_<500;CallLengthRepartition_<1000;CallLengthRepartition_<5000" +
  ";CallLengthRepartition_<10000;CallLengthRepartition_>=10000;";

// Tail of the header of a scenario with RTDs "setup" and "bye_rt" and counters "answered", "paused" (sipp 3.6.1):
// user counters come after CallLengthStDev and before the repartitions.
const SIPP_361_TAIL =
  "ResponseTimesetup(P);ResponseTimesetup(C);ResponseTimesetupStDev(P);ResponseTimesetupStDev(C);ResponseTimebye_" +
  "rt(P);ResponseTimebye_rt(C);ResponseTimebye_rtStDev(P);ResponseTimebye_rtStDev(C);CallLength(P);CallLength(C);" +
  "CallLengthStDev(P);CallLengthStDev(C);answered(P);answered(C);paused(P);paused(C);ResponseTimeRepartitionsetup" +
  ";ResponseTimeRepartitionsetup_<10;ResponseTimeRepartitionsetup_<20;ResponseTimeRepartitionsetup_<30;ResponseTi" +
  "meRepartitionsetup_<40;ResponseTimeRepartitionsetup_<50;ResponseTimeRepartitionsetup_<100;ResponseTimeRepartit" +
  "ionsetup_<150;ResponseTimeRepartitionsetup_<200;ResponseTimeRepartitionsetup_>=200;ResponseTimeRepartitionbye_" +
  "rt;ResponseTimeRepartitionbye_rt_<10;ResponseTimeRepartitionbye_rt_<20;ResponseTimeRepartitionbye_rt_<30;Respo" +
  "nseTimeRepartitionbye_rt_<40;ResponseTimeRepartitionbye_rt_<50;ResponseTimeRepartitionbye_rt_<100;ResponseTime" +
  "Repartitionbye_rt_<150;ResponseTimeRepartitionbye_rt_<200;ResponseTimeRepartitionbye_rt_>=200;CallLengthRepart" +
  "ition;CallLengthRepartition_<10;CallLengthRepartition_<50;CallLengthRepartition_<100;CallLengthRepartition_<50" +
  "0;CallLengthRepartition_<1000;CallLengthRepartition_<5000;CallLengthRepartition_<10000;CallLengthRepartition_>" +
  "=10000;";
const EDGES_RT = [10, 20, 30, 40, 50, 100, 150, 200];
const EDGES_CL = [10, 50, 100, 500, 1000, 5000, 10000];
// 2026-11-21 05:16:35.619603 UTC, the start time of the reference run.
const START = 1795238195619.603;

function stats(rtdNames: string[], counterNames: string[] = []): { stats: Statistics; clock: FakeClock } {
  const clock = new FakeClock(START);
  const s = new Statistics({
    clock,
    rtdNames,
    counterNames,
    responseTimeRepartition: { edges: EDGES_RT },
    callLengthRepartition: { edges: EDGES_CL },
    stepCount: 0,
  });
  return { stats: s, clock };
}

describe("StatCsvWriter: header", () => {
  it("equals SIPp 3.6.1's header for the uac scenario", () => {
    const { stats: s } = stats(["1"]);
    assert.equal(
      statCsvHeader(s.snapshot())
        .map((c) => c + ";")
        .join(""),
      SIPP_361_UAC_HEADER,
    );
  });

  it("places RTDs, user counters and repartitions like SIPp 3.6.1", () => {
    const { stats: s } = stats(["setup", "bye_rt"], ["answered", "paused"]);
    const header = statCsvHeader(s.snapshot())
      .map((c) => c + ";")
      .join("");
    assert.ok(header.endsWith(SIPP_361_TAIL), header.slice(-600));
    assert.equal(header.split(";").length - 1, 113);
  });

  it("keeps OutgoingCall(C) in column 12 and FailedCall(C) in column 18 (SIPp regress #0152)", () => {
    const { stats: s } = stats(["1"]);
    s.callCreated("outgoing");
    s.callCreated("outgoing");
    s.callCreated("outgoing");
    s.callFailed("unexpected_message", 1);
    const snap = s.snapshot();
    const header = statCsvHeader(snap);
    const row = statCsvRow(snap);
    assert.equal(header[11], "OutgoingCall(C)");
    assert.equal(header[17], "FailedCall(C)");
    assert.equal(row[11], "3");
    assert.equal(row[17], "1");
    assert.equal(row.length, header.length);
  });
});

describe("StatCsvWriter: rows", () => {
  it("formats dates, elapsed times, rates and durations like SIPp", () => {
    const { stats: s, clock } = stats(["1"]);
    s.setTarget(5);
    clock.advance(1004.221);
    s.resetPeriodic();
    for (let i = 0; i < 4; i++) s.callCreated("outgoing");
    for (let i = 0; i < 4; i++) s.rtd("1", 1.5);
    for (let i = 0; i < 4; i++) s.callSucceeded(7);
    clock.advance(1003.644);
    const row = statCsvRow(s.snapshot());
    assert.equal(row[0], "2026-11-21\t05:16:35.619603\t1795238195.619603");
    assert.equal(row[1], "2026-11-21\t05:16:36.623824\t1795238196.623824");
    assert.equal(row[2], "2026-11-21\t05:16:37.627468\t1795238197.627468");
    assert.equal(row[3], "00:00:01");
    assert.equal(row[4], "00:00:02");
    assert.equal(row[5], "5");
    assert.equal(row[6], "3.98548");
    assert.equal(row[7], "1.99217");
    // ResponseTime1(P), (C), StDev(P), (C), CallLength(P), (C), StDev(P), (C)
    assert.deepEqual(row.slice(68, 76), [
      "00:00:00:001500",
      "00:00:00:001500",
      "00:00:00:000000",
      "00:00:00:000000",
      "00:00:00:007000",
      "00:00:00:007000",
      "00:00:00:000000",
      "00:00:00:000000",
    ]);
    // Repartition: an empty name column, then the buckets.
    assert.deepEqual(row.slice(76, 86), ["", "4", "0", "0", "0", "0", "0", "0", "0", "0"]);
    assert.deepEqual(row.slice(86), ["", "4", "0", "0", "0", "0", "0", "0", "0"]);
  });

  it("writes the header once, then one delimited row per call, to the file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stat-csv-"));
    try {
      const { stats: s, clock } = stats(["1"]);
      const path = join(dir, "sub", "uac_1_.csv");
      const writer = new StatCsvWriter({ path, delimiter: "," });
      writer.writeRow(s.snapshot());
      clock.advance(1000);
      writer.writeRow(s.snapshot());
      await writer.close();
      writer.writeRow(s.snapshot()); // after close: ignored, never throws
      await writer.close();
      const [header = "", first = "", second = "", rest = "x", ...more] = (await readFile(path, "utf8")).split("\n");
      assert.equal(rest, "");
      assert.equal(more.length, 0);
      assert.ok(header.startsWith("StartTime,LastResetTime,CurrentTime,"));
      assert.ok(header.endsWith("CallLengthRepartition_>=10000,"));
      assert.ok(second.endsWith(",0,0,0,0,0,0,0,0,"));
      assert.equal(first.split(",").length, header.split(",").length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
