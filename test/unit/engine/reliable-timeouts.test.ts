/**
 * RFC 3261 Timers B, F and H on a reliable transport: a `<send retrans>` is never resent over TCP, but it times out
 * when the UDP schedule would have given up, with the same failure (max_udp_retrans) or the send's ontimeout. The
 * case of issue 12: a UAS whose 200 OK is never ACKed ends the call over TCP as it does over UDP.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { responseTo, startFakeRun, type FakeRun } from "./fake-run-environment.js";
import { INVITE_FROM_PEER, request, response } from "./scenario-snippets.js";

async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

const scenario = (...body: string[]): string => `<scenario name="t">\n${body.join("\n")}\n</scenario>`;

const UAS = scenario(
  '<recv request="INVITE"/>',
  response("200 OK", 'retrans="500"'),
  '<recv request="ACK"/>',
  '<recv request="BYE"/>',
  response("200 OK"),
);

const timeouts = (run: FakeRun): number => run.stats.snapshot().failures.max_udp_retrans.cumulative;

describe("send timeouts on a reliable transport", () => {
  for (const transport of ["UDP", "TCP"] as const) {
    it(`a UAS 200 OK never ACKed over ${transport} fails the call with max_udp_retrans at 23.5 s`, async () => {
      const run = startFakeRun(UAS, { transport });
      run.env.inject(INVITE_FROM_PEER);
      run.clock.advance(23_499);
      await settle();
      assert.equal(timeouts(run), 0);
      run.clock.advance(1);
      await settle();
      assert.equal(timeouts(run), 1);
      const resent = run.stats.snapshot().steps[1]?.retransmitted;
      assert.equal(resent, transport === "UDP" ? 7 : 0);
    });
  }

  it("an ACK in time stops the TCP timer", async () => {
    const run = startFakeRun(UAS, { transport: "TCP" });
    run.env.inject(INVITE_FROM_PEER);
    run.clock.advance(1_000);
    const ack = INVITE_FROM_PEER.replace("INVITE sip", "ACK sip").replace("1 INVITE", "1 ACK");
    run.env.inject(ack);
    run.clock.advance(60_000);
    await settle();
    assert.equal(timeouts(run), 0);
  });

  it("a provisional response to a non-INVITE does not restart the TCP timer (Timer F runs from the request)", async () => {
    const run = startFakeRun(
      scenario(request("OPTIONS", 'retrans="500"'), '<recv response="100" optional="true"/>', '<recv response="200"/>'),
      { transport: "TCP" },
    );
    run.clock.advance(20_000);
    const sent = run.env.sent[0];
    assert.ok(sent !== undefined);
    run.env.inject(responseTo(sent, "100 Trying"));
    run.clock.advance(3_499);
    await settle();
    assert.equal(timeouts(run), 0);
    run.clock.advance(1);
    await settle();
    assert.equal(timeouts(run), 1);
    assert.equal(run.env.sent.length, 1, "nothing resent over TCP");
  });

  it("says what happened when the send gives up: T1 retransmissions over UDP, unanswered or unwritten over TCP", async () => {
    const reasons: string[] = [];
    const cases = [
      { transport: "UDP", pendingBytes: 0 },
      { transport: "TCP", pendingBytes: 0 },
      { transport: "TCP", pendingBytes: 4096 },
    ] as const;
    for (const { transport, pendingBytes } of cases) {
      const run = startFakeRun(UAS, {
        transport,
        pendingBytes,
        beforeStart: (controller) =>
          controller.on("callEnded", (call) => {
            const outcome = call.outcome;
            reasons.push(outcome?.result === "failure" ? `${outcome.failure}: ${outcome.reason}` : "success");
          }),
      });
      run.env.inject(INVITE_FROM_PEER);
      run.clock.advance(23_500);
      await settle();
    }
    assert.deepEqual(reasons, [
      "max_udp_retrans: no answer after 500 ms T1 retransmissions",
      "max_udp_retrans: no answer within 23500 ms on TCP (Timer B/F; no retransmission on a reliable transport)",
      "max_udp_retrans: message not written within 23500 ms on TCP (4096 bytes still queued, no retransmission on a" +
        " reliable transport)",
    ]);
  });

  it("-nr turns the timeout off as it turns retransmissions off", async () => {
    const run = startFakeRun(UAS, { transport: "TCP", config: { noRetrans: true } });
    run.env.inject(INVITE_FROM_PEER);
    run.clock.advance(60_000);
    await settle();
    assert.equal(timeouts(run), 0);
  });
});
