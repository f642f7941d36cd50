/**
 * The CANCEL and BYE the engine builds itself when it aborts a call (SIPp's abortCall) follow the dialog:
 * RFC 3261 9.1 — the CANCEL has the INVITE's Request-URI and Route; 12.2.1.1 — the BYE goes to the 2xx's Contact
 * along its Record-Route reversed. On the FakeClock, no sockets.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { responseTo, startFakeRun } from "./fake-run-environment.js";
import { request } from "./scenario-snippets.js";

const settle = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** An INVITE sent through a preloaded outbound proxy (RFC 3261 8.1.2: a Route header in the initial request). */
const INVITE = `<send><![CDATA[
    INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    Route: <sip:edge.example;lr>
    From: <sip:me@[local_ip]:[local_port]>;tag=me[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>
    Call-ID: [call_id]
    CSeq: 1 INVITE
    Contact: <sip:me@[local_ip]:[local_port]>
    Max-Forwards: 70
    Content-Length: 0
  ]]></send>`;

const RECORD_ROUTE = ["Record-Route: <sip:p2.example;lr>", "Record-Route: <sip:p1.example;lr>"];

describe("abortCall: the engine's CANCEL and BYE follow the dialog (RFC 3261 9.1, 12.2.1.1)", () => {
  it("a ringing call is cancelled with the INVITE's Request-URI and Route", async () => {
    const run = startFakeRun(
      `<scenario name="t">${INVITE}<recv response="180"/><recv response="200" timeout="1000"/></scenario>`,
    );
    const invite = run.env.sent[0];
    assert.ok(invite !== undefined);
    run.env.inject(responseTo(invite, "180 Ringing", [...RECORD_ROUTE, "Contact: <sip:peer@127.0.0.1:5070>"]));
    run.clock.advance(1000);
    await settle();
    const cancel = run.env.sent.find((m) => m.firstLine.startsWith("CANCEL "));
    assert.ok(cancel !== undefined, "the CANCEL went out");
    assert.equal(cancel.firstLine, "CANCEL sip:service@127.0.0.1:5070 SIP/2.0");
    assert.match(cancel.data.toString("latin1"), /\r\nRoute: <sip:edge\.example;lr>\r\n/);
  });

  it("an established call gets its BYE at the 2xx's Contact along the Record-Route reversed", async () => {
    const run = startFakeRun(
      `<scenario name="t">${INVITE}<recv response="200"/>${request("ACK", "", "1")}` +
        '<recv request="INFO" timeout="1000"/></scenario>',
    );
    const invite = run.env.sent[0];
    assert.ok(invite !== undefined);
    run.env.inject(responseTo(invite, "200 OK", [...RECORD_ROUTE, "Contact: <sip:peer@127.0.0.1:5070;transport=udp>"]));
    await settle();
    run.clock.advance(1000);
    await settle();
    const bye = run.env.sent.find((m) => m.firstLine.startsWith("BYE "));
    assert.ok(bye !== undefined, "the BYE went out");
    assert.equal(bye.firstLine, "BYE sip:peer@127.0.0.1:5070;transport=udp SIP/2.0");
    assert.match(bye.data.toString("latin1"), /\r\nRoute: <sip:p1\.example;lr>, <sip:p2\.example;lr>\r\n/);
  });

  it('a scenario\'s own <DefaultMessage id="bye"> is sent as written', async () => {
    const own = `<DefaultMessage id="bye"><![CDATA[
    BYE sip:own@[remote_ip]:[remote_port] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    [last_From:]
    [last_To:]
    [last_Call-ID:]
    CSeq: [cseq] BYE
    Content-Length: 0
  ]]></DefaultMessage>`;
    const run = startFakeRun(
      `<scenario name="t">${own}${INVITE}<recv response="200"/>${request("ACK", "", "1")}` +
        '<recv request="INFO" timeout="1000"/></scenario>',
    );
    const invite = run.env.sent[0];
    assert.ok(invite !== undefined);
    run.env.inject(responseTo(invite, "200 OK", [...RECORD_ROUTE, "Contact: <sip:peer@127.0.0.1:5070>"]));
    await settle();
    run.clock.advance(1000);
    await settle();
    const bye = run.env.sent.find((m) => m.firstLine.startsWith("BYE "));
    assert.equal(bye?.firstLine, "BYE sip:own@127.0.0.1:5070 SIP/2.0");
    assert.doesNotMatch(bye.data.toString("latin1"), /\r\nRoute:/);
  });
});
