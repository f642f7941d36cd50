/**
 * Step execution under a FakeClock: a RunController on an in-memory transport (fake-run-environment.ts), messages
 * from the peer injected through the real parser, every send recorded with its clock time.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { responseTo, startFakeRun, type FakeRun, type SentMessage } from "./fake-run-environment.js";
import { INVITE_FROM_PEER, request, response } from "./scenario-snippets.js";

/** Runs pending promise callbacks (the run's `done`), without letting any clock time pass. */
async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

function scenario(...body: string[]): string {
  return `<scenario name="t">\n${body.join("\n")}\n</scenario>`;
}

const times = (sent: readonly SentMessage[]): number[] => sent.map((m) => m.at);

function onlySent(run: FakeRun): SentMessage {
  const first = run.env.sent[0];
  assert.ok(first !== undefined, "nothing was sent");
  return first;
}

function failureCount(run: FakeRun, failure: "max_udp_retrans" | "unexpected_message" | "timeout_on_recv"): number {
  return run.stats.snapshot().failures[failure].cumulative;
}

describe("step executor: retransmission of a <send retrans>", () => {
  it("retransmits an INVITE over UDP at T1, 2*T1, 4*T1, ... after the first send (never capped at T2)", () => {
    const run = startFakeRun(scenario(request("INVITE", 'retrans="500"'), '<recv response="200"/>'));
    run.clock.advance(16_000);
    assert.deepEqual(times(run.env.sent), [0, 500, 1500, 3500, 7500, 15500]);
    assert.ok(
      run.env.sent.every((m) => m.data.equals(onlySent(run).data)),
      "each retransmission is the same bytes",
    );
    assert.equal(run.stats.snapshot().steps[0]?.retransmitted, 5);
  });

  it("caps a non-INVITE's retransmission interval at T2", () => {
    const run = startFakeRun(scenario(request("OPTIONS", 'retrans="500"'), '<recv response="200"/>'), {
      config: { t2Ms: 2000 },
    });
    run.clock.advance(14_000);
    // Intervals 500, 1000, 2000 (4000 capped to T2), 2000, 2000, 2000, 2000: 7 retransmissions.
    assert.deepEqual(times(run.env.sent), [0, 500, 1500, 3500, 5500, 7500, 9500, 11500]);
  });

  it("does not retransmit over TCP (a reliable transport), but still times out (Timer B)", () => {
    const run = startFakeRun(scenario(request("INVITE", 'retrans="500"'), '<recv response="200"/>'), {
      transport: "TCP",
    });
    run.clock.advance(40_000);
    assert.equal(run.env.sent.length, 1);
    assert.equal(run.stats.snapshot().steps[0]?.retransmitted, 0);
    assert.equal(failureCount(run, "max_udp_retrans"), 1);
  });

  it("stops retransmitting when a response matches, even an optional provisional one", () => {
    const run = startFakeRun(
      scenario(request("INVITE", 'retrans="500"'), '<recv response="100" optional="true"/>', '<recv response="200"/>'),
    );
    run.clock.advance(600);
    assert.equal(run.env.sent.length, 2, "one retransmission before the 100");
    run.env.inject(responseTo(onlySent(run), "100 Trying"));
    run.clock.advance(20_000);
    assert.equal(run.env.sent.length, 2, "no retransmission after the 100");
  });

  it("keeps retransmitting a non-INVITE every T2 after a provisional response, until the final one", () => {
    const run = startFakeRun(
      scenario(request("OPTIONS", 'retrans="500"'), '<recv response="100" optional="true"/>', '<recv response="200"/>'),
    );
    run.clock.advance(600);
    run.env.inject(responseTo(onlySent(run), "100 Trying"));
    run.clock.advance(8_000);
    // SIPp behaviour: next_retrans = now + T2 (4000 ms) after a provisional response to a non-INVITE.
    assert.deepEqual(times(run.env.sent), [0, 500, 4600, 8600]);
    run.env.inject(responseTo(onlySent(run), "200 OK"));
    run.clock.advance(10_000);
    assert.equal(run.env.sent.length, 4);
  });

  it("fails the call with max_udp_retrans one interval after the last allowed retransmission", async () => {
    const run = startFakeRun(scenario(request("INVITE", 'retrans="500"'), '<recv response="200"/>'));
    run.clock.advance(31_499);
    await settle();
    assert.equal(failureCount(run, "max_udp_retrans"), 0);
    assert.equal(run.outcome(), undefined);
    run.clock.advance(1);
    await settle();
    assert.equal(failureCount(run, "max_udp_retrans"), 1);
    assert.equal(run.outcome()?.exitCode, 1);
  });

  it("goes to the ontimeout label of the send when its retransmissions run out", async () => {
    const run = startFakeRun(
      scenario(
        request("INVITE", 'retrans="500"').replace("<send ", '<send ontimeout="gaveup" '),
        '<recv response="200"/>',
        '<label id="gaveup"/>',
        '<nop counter="gave_up"/>',
      ),
    );
    run.clock.advance(31_500);
    await settle();
    assert.equal(failureCount(run, "max_udp_retrans"), 0);
    assert.equal(run.stats.snapshot().counters.find((c) => c.name === "gave_up")?.value.cumulative, 1);
    assert.equal(run.outcome()?.exitCode, 0);
  });

  it("fails with max_udp_retrans even when the waiting recv has an ontimeout (SIPp uses the send's)", async () => {
    const run = startFakeRun(
      scenario(
        request("INVITE", 'retrans="500"'),
        '<recv response="200" ontimeout="gaveup"/>',
        '<label id="gaveup"/>',
        '<nop counter="gave_up"/>',
      ),
    );
    run.clock.advance(31_500);
    await settle();
    assert.equal(failureCount(run, "max_udp_retrans"), 1);
  });
});

describe("step executor: waiting in a recv", () => {
  it("jumps to the ontimeout label when the recv timeout expires", async () => {
    const run = startFakeRun(
      scenario(
        request("OPTIONS"),
        '<recv response="200" timeout="1000" ontimeout="fallback"/>',
        '<nop counter="answered" next="end"/>',
        '<label id="fallback"/>',
        '<nop counter="timed_out"/>',
        '<label id="end"/>',
      ),
    );
    const counter = (name: string): number | undefined =>
      run.stats.snapshot().counters.find((c) => c.name === name)?.value.cumulative;
    run.clock.advance(999);
    await settle();
    assert.equal(counter("timed_out"), 0);
    assert.equal(run.outcome(), undefined);
    run.clock.advance(1);
    await settle();
    assert.equal(counter("timed_out"), 1);
    assert.equal(counter("answered"), 0);
    assert.equal(run.stats.snapshot().steps[1]?.timeouts, 1);
    assert.equal(run.outcome()?.exitCode, 0, "the call succeeds: it ran off the end");
  });

  it("fails the call with timeout_on_recv when the recv times out without ontimeout", async () => {
    const run = startFakeRun(scenario(request("OPTIONS"), '<recv response="200" timeout="1000"/>'));
    run.clock.advance(1000);
    await settle();
    assert.equal(failureCount(run, "timeout_on_recv"), 1);
  });

  it("fails with timeout_on_send when a TCP message is still queued after the send timeout", async () => {
    const xml = scenario(
      `<send timeout="2000"><![CDATA[
      OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Call-ID: [call_id]
      Content-Length: 0
    ]]></send>`,
      '<recv response="200"/>',
    );
    const stuck = startFakeRun(xml, { transport: "TCP", pendingBytes: 4096 });
    stuck.clock.advance(1999);
    await settle();
    assert.equal(stuck.outcome(), undefined, "not before the timeout");
    stuck.clock.advance(1);
    await settle();
    assert.equal(stuck.stats.snapshot().failures.timeout_on_send.cumulative, 1);

    const flowing = startFakeRun(xml, { transport: "TCP", pendingBytes: 4096 });
    flowing.env.mainConnection.pendingBytes = 0; // the socket drained before the timeout
    flowing.clock.advance(2000);
    await settle();
    assert.equal(flowing.outcome(), undefined, "still waiting for its 200, not failed");
  });

  it("counts a late message for an ended call as a dead-call message for -deadcall_wait, then as out-of-call", () => {
    // Two calls a second apart keep the run going after the first call ends.
    const run = startFakeRun(scenario(request("OPTIONS"), '<recv response="200"/>'), {
      config: { deadcallWaitMs: 33_000, maxCalls: 2, rate: 1 },
    });
    const ok = responseTo(onlySent(run), "200 OK");
    run.env.inject(ok);
    assert.equal(run.stats.snapshot().succeeded.cumulative, 1);
    run.env.inject(ok);
    assert.equal(run.stats.snapshot().deadCall.cumulative, 1);
    run.clock.advance(33_000);
    run.env.inject(ok);
    assert.equal(run.stats.snapshot().deadCall.cumulative, 1);
    assert.equal(run.stats.snapshot().outOfCall.cumulative, 1);
  });

  it("keeps [peer_tag_param] from the latest response after a request arrives", async () => {
    const run = startFakeRun(
      scenario(request("INVITE"), '<recv response="200"/>', '<recv request="INFO"/>', request("BYE")),
    );
    const invite = onlySent(run);
    run.env.inject(responseTo(invite, "200 OK"));
    const callId = /Call-ID: (.*)\r\n/.exec(invite.data.toString("latin1"))?.[1] ?? "";
    run.env.inject(
      [
        "INFO sip:me@127.0.0.1:5060 SIP/2.0",
        "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-info",
        "From: <sip:service@127.0.0.1:5070>;tag=peer1",
        "To: <sip:me@127.0.0.1:5060>;tag=me1",
        `Call-ID: ${callId}`,
        "CSeq: 1 INFO",
        "Content-Length: 0",
        "",
        "",
      ].join("\r\n"),
    );
    await settle();
    const bye = run.env.sent[1]?.data.toString("latin1") ?? "";
    assert.match(bye, /^BYE /);
    assert.match(bye, /\r\nTo: <sip:service@127\.0\.0\.1:5070>;tag=peer1\r\n/);
  });

  it("runs a send's ereg on the message just sent, as SIPp does", async () => {
    const sendWithEreg = (check: string): string => `<send><![CDATA[
      OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Call-ID: [call_id]
      X-Sent: token-[call_number]
      Content-Length: 0
    ]]><action><ereg regexp="${check}" search_in="hdr" header="X-Sent:" check_it="true" assign_to="t"/></action></send>`;
    const ok = startFakeRun(scenario(sendWithEreg("token-1")));
    await settle();
    assert.equal(ok.outcome()?.exitCode, 0, "the sent header is found");
    const missing = startFakeRun(scenario(sendWithEreg("token-2")));
    await settle();
    assert.equal(missing.outcome()?.exitCode, 1, "a pattern the sent message lacks fails the call");
  });

  it("aborts a ringing call with CANCEL when the 200 never comes (-default_behaviors bye)", async () => {
    const xml = scenario(
      request("INVITE"),
      '<recv response="180" optional="true"/>',
      '<recv response="200" timeout="1000"/>',
    );
    const run = startFakeRun(xml);
    run.env.inject(responseTo(onlySent(run), "180 Ringing"));
    run.clock.advance(1000);
    await settle();
    assert.equal(failureCount(run, "timeout_on_recv"), 1);
    const cancel = run.env.sent[1]?.data.toString("latin1") ?? "";
    assert.match(cancel, /^CANCEL /);
    assert.match(cancel, /\r\nCSeq: 1 CANCEL\r\n/);

    const quiet = startFakeRun(xml, { config: { defaultBehaviors: new Set() } });
    quiet.env.inject(responseTo(onlySent(quiet), "180 Ringing"));
    quiet.clock.advance(1000);
    await settle();
    assert.equal(failureCount(quiet, "timeout_on_recv"), 1);
    assert.equal(quiet.env.sent.length, 1, "no CANCEL without the bye behaviour");
  });

  it("searches forward over optional recvs: 180, then 100 (backwards), then 200 all match", async () => {
    const run = startFakeRun(
      scenario(
        request("INVITE", 'retrans="500"'),
        '<recv response="100" optional="true"/>',
        '<recv response="180" optional="true"/>',
        '<recv response="200"/>',
        request("ACK", "", "1"),
      ),
    );
    const invite = onlySent(run);
    run.env.inject(responseTo(invite, "180 Ringing"));
    run.env.inject(responseTo(invite, "100 Trying"));
    assert.equal(run.env.sent.length, 1, "no ACK before the 200");
    run.env.inject(responseTo(invite, "200 OK"));
    await settle();
    const steps = run.stats.snapshot().steps;
    assert.deepEqual(
      [1, 2, 3].map((i) => steps[i]?.received),
      [1, 1, 1],
    );
    assert.equal(run.env.sent.at(-1)?.firstLine.startsWith("ACK "), true);
    assert.equal(run.stats.snapshot().unexpected.cumulative, 0);
    assert.equal(run.outcome()?.exitCode, 0);
  });

  it("lets a 200 skip the optional 100 and 180", async () => {
    const run = startFakeRun(
      scenario(
        request("INVITE", 'retrans="500"'),
        '<recv response="100" optional="true"/>',
        '<recv response="180" optional="true"/>',
        '<recv response="200"/>',
      ),
    );
    run.env.inject(responseTo(onlySent(run), "200 OK"));
    await settle();
    assert.equal(run.outcome()?.exitCode, 0);
    assert.equal(run.stats.snapshot().steps[3]?.received, 1);
  });

  it("answers an unexpected BYE with 200 and fails the call with unexpected_message", async () => {
    const run = startFakeRun(
      scenario(request("OPTIONS"), '<recv response="200"/>', '<pause milliseconds="5000"/>', request("BYE")),
    );
    const options = onlySent(run);
    run.env.inject(responseTo(options, "200 OK"));
    const bye = [
      "BYE sip:me@127.0.0.1:5060 SIP/2.0",
      "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-peer-bye",
      "From: <sip:service@127.0.0.1:5070>;tag=peer1",
      "To: <sip:me@127.0.0.1:5060>;tag=me1",
      `Call-ID: ${/Call-ID: (.*)\r\n/.exec(options.data.toString("latin1"))?.[1] ?? ""}`,
      "CSeq: 7 BYE",
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n");
    run.env.inject(bye);
    await settle();
    const reply = run.env.sent.at(-1);
    assert.equal(reply?.firstLine, "SIP/2.0 200 OK");
    assert.match(reply.data.toString("latin1"), /\r\nCSeq: 7 BYE\r\n/);
    assert.equal(failureCount(run, "unexpected_message"), 1);
    assert.equal(run.outcome()?.exitCode, 1);
    run.clock.advance(10_000);
    assert.equal(run.env.sent.length, 2, "the scenario's own BYE is never sent");
  });
});

describe("step executor: UDP retransmission detection", () => {
  const uas = scenario(
    '<recv request="INVITE"/>',
    response("180 Ringing"),
    response("200 OK", 'retrans="500"'),
    '<recv request="ACK"/>',
  );

  it("re-sends the message sent just after a received INVITE when the same INVITE arrives again", async () => {
    const run = startFakeRun(uas);
    run.env.inject(INVITE_FROM_PEER);
    assert.deepEqual(
      run.env.sent.map((m) => m.firstLine),
      ["SIP/2.0 180 Ringing", "SIP/2.0 200 OK"],
    );
    run.env.inject(INVITE_FROM_PEER);
    await settle();
    assert.equal(run.env.sent.length, 3);
    // SIPp behaviour: the reply to a retransmission is the message that was sent just after the original.
    assert.ok(run.env.sent[2]?.data.equals(run.env.sent[0]?.data ?? Buffer.alloc(0)));
    const snap = run.stats.snapshot();
    assert.equal(snap.created.cumulative, 1, "the call is not restarted");
    assert.equal(snap.steps[0]?.received, 1, "the INVITE is processed once");
    assert.equal(snap.steps[0].retransReceived, 1);
    assert.equal(snap.steps[1]?.retransmitted, 1, "counted on the step whose message was re-sent");
    assert.equal(snap.unexpected.cumulative, 0);
  });

  it("does not treat a duplicate as a retransmission over TCP", async () => {
    const run = startFakeRun(uas, { transport: "TCP" });
    run.env.inject(INVITE_FROM_PEER);
    run.env.inject(INVITE_FROM_PEER);
    await settle();
    // Over TCP the second INVITE is not a retransmission: it matches the earlier mandatory recv and is dropped as stale.
    assert.equal(run.stats.snapshot().steps[0]?.retransReceived, 0);
    assert.equal(run.env.sent.length, 2);
  });
});

describe("step executor: response times and transactions", () => {
  it("times an RTD from the call's start, restarts one at start_rtd, and keeps only the first sample without repeat_rtd", () => {
    const run = startFakeRun(
      scenario(
        request("OPTIONS"),
        '<recv response="200" rtd="1" start_rtd="2"/>',
        request("OPTIONS"),
        '<recv response="200" rtd="2"/>',
        request("OPTIONS"),
        '<recv response="200" rtd="1"/>',
      ),
    );
    run.clock.advance(50);
    run.env.inject(responseTo(onlySent(run), "200 OK"));
    run.clock.advance(30);
    const second = run.env.sent[1];
    assert.ok(second !== undefined);
    run.env.inject(responseTo(second, "200 OK"));
    const third = run.env.sent[2];
    assert.ok(third !== undefined);
    run.env.inject(responseTo(third, "200 OK"));
    const rtd = (name: string): unknown => {
      const stats = run.stats.snapshot().rtds.find((r) => r.name === name)?.stats;
      return stats === undefined ? undefined : { count: stats.count, max: stats.max };
    };
    assert.deepEqual(rtd("1"), { count: 1, max: 50 });
    assert.deepEqual(rtd("2"), { count: 1, max: 30 });
    assert.equal(run.stats.snapshot().succeeded.cumulative, 1);
  });

  /** [calls succeeded, unexpected_message failures] of one call of `xml` whose only message is answered by `answer`. */
  const answered = (xml: string, answer: (sent: SentMessage) => string): number[] => {
    const run = startFakeRun(xml);
    run.env.inject(answer(onlySent(run)));
    return [run.stats.snapshot().succeeded.cumulative, failureCount(run, "unexpected_message")];
  };

  it("matches a response_txn recv only to a response carrying the branch its start_txn recorded", () => {
    const xml = scenario(request("OPTIONS", 'start_txn="opt"'), '<recv response="200" response_txn="opt"/>');
    assert.deepEqual(
      answered(xml, (sent) => responseTo(sent, "200 OK")),
      [1, 0],
    );
    assert.deepEqual(
      answered(xml, (sent) => responseTo(sent, "200 OK").replace(/branch=[^\r\n;]*/, "branch=z9hG4bK-other")),
      [0, 1],
    );
  });

  it("matches a response only to a method the call has sent (SIPp's CSeq method check)", () => {
    const xml = scenario(request("OPTIONS"), '<recv response="200"/>');
    assert.deepEqual(
      answered(xml, (sent) => responseTo(sent, "200 OK")),
      [1, 0],
    );
    assert.deepEqual(
      answered(xml, (sent) => responseTo(sent, "200 OK").replace(/(CSeq: \d+) OPTIONS/, "$1 INFO")),
      [0, 1],
    );
  });
});
