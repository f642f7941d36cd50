/**
 * CallDialog: how each protocol event moves a call's dialog — [cseq], [peer_tag_param], the `rrs` route set, the
 * `auth` challenge, the INVITE's progress, and the dialog view the engine builds its own in-dialog requests from.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CallDialog } from "../../../src/engine/call/call-dialog.js";
import type { SipMessage } from "../../../src/sip/message.js";
import { parseSipMessage } from "../../../src/sip/parse-sip-message.js";

const PLAIN = { rrs: false, auth: false };

function sip(...lines: string[]): SipMessage {
  const parsed = parseSipMessage(Buffer.from([...lines, "Content-Length: 0", "", ""].join("\r\n"), "latin1"));
  assert.ok(parsed.ok);
  return parsed.message;
}

const INVITE = [
  "INVITE sip:bob@192.0.2.9 SIP/2.0",
  "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-1",
  "From: <sip:alice@127.0.0.1>;tag=a1",
  "To: <sip:bob@192.0.2.9>",
  "Call-ID: c1",
  "CSeq: 1 INVITE",
  "Route: <sip:edge.example;lr>",
];

function answer(status: string, tag: string, ...extra: string[]): SipMessage {
  return sip(
    `SIP/2.0 ${status}`,
    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-1",
    "From: <sip:alice@127.0.0.1>;tag=a1",
    `To: <sip:bob@192.0.2.9>;tag=${tag}`,
    "Call-ID: c1",
    "CSeq: 1 INVITE",
    ...extra,
  );
}

describe("CallDialog", () => {
  it("starts [cseq] one below -base_cseq; a new request takes the next, a taken-back one is given back", () => {
    const dialog = new CallDialog({ direction: "outgoing", baseCseq: 10, trickle: undefined });
    assert.equal(dialog.cseq, 9);
    assert.equal(dialog.newRequest(), 10);
    assert.equal(dialog.newRequest(), 11);
    dialog.takeBackRequest();
    assert.equal(dialog.cseq, 10);
  });

  it("follows the INVITE: sent, provisional, established; the peer tag is the latest matched response's", () => {
    const dialog = new CallDialog({ direction: "outgoing", baseCseq: 1, trickle: undefined });
    assert.equal(dialog.invite, "none");
    dialog.onSentRequest("OPTIONS", Buffer.from(INVITE.join("\r\n")));
    assert.equal(dialog.invite, "none", "only an INVITE starts the INVITE transaction");
    dialog.onSentRequest("INVITE", Buffer.from([...INVITE, "Content-Length: 0", "", ""].join("\r\n")));
    assert.equal(dialog.invite, "sent");
    dialog.onResponse(answer("180 Ringing", "b1"), PLAIN);
    assert.equal(dialog.invite, "provisional");
    assert.equal(dialog.peerTag, "b1");
    dialog.onResponse(answer("200 OK", "b2"), PLAIN);
    assert.equal(dialog.invite, "established");
    assert.equal(dialog.peerTag, "b2");
  });

  it("keeps the route set only for an rrs recv, the strongest challenge only for an auth recv of a 401/407", () => {
    const dialog = new CallDialog({ direction: "outgoing", baseCseq: 1, trickle: undefined });
    const challenged = answer(
      "407 Proxy Authentication Required",
      "b1",
      'Proxy-Authenticate: Digest realm="r", nonce="n1", algorithm=MD5',
      'Proxy-Authenticate: Digest realm="r", nonce="n2", algorithm=SHA-256',
      "Record-Route: <sip:p1.example;lr>",
    );
    const kept = (): unknown[] => [dialog.routeSet?.recordRoute, dialog.authChallenge];
    dialog.onResponse(challenged, PLAIN);
    assert.deepEqual(kept(), [undefined, undefined]);
    dialog.onResponse(challenged, { rrs: true, auth: true });
    assert.deepEqual(kept(), [
      ["<sip:p1.example;lr>"],
      { header: "Proxy-Authenticate", value: 'Digest realm="r", nonce="n2", algorithm=SHA-256' },
    ]);
  });

  it("builds in-dialog requests as a UAC: the CANCEL from the INVITE, the BYE from the 2xx (RFC 3261 9.1, 12.2.1.1)", () => {
    const dialog = new CallDialog({ direction: "outgoing", baseCseq: 1, trickle: undefined });
    assert.equal(dialog.view(), undefined);
    dialog.onSentRequest("INVITE", Buffer.from([...INVITE, "Content-Length: 0", "", ""].join("\r\n")));
    assert.deepEqual(dialog.inviteRequest(), { requestUri: "sip:bob@192.0.2.9", route: "<sip:edge.example;lr>" });
    assert.equal(dialog.view(), undefined, "no dialog before the peer's tag");
    dialog.onResponse(
      answer(
        "200 OK",
        "b1",
        "Record-Route: <sip:p2.example;lr>, <sip:p1.example;lr>",
        "Contact: <sip:bob@198.51.100.7:5070>",
      ),
      PLAIN,
    );
    assert.deepEqual(dialog.view(), {
      requestUri: "sip:bob@198.51.100.7:5070",
      route: "<sip:p1.example;lr>, <sip:p2.example;lr>",
      from: "<sip:alice@127.0.0.1>;tag=a1",
      to: "<sip:bob@192.0.2.9>;tag=b1",
    });
  });

  it("reads the same dialog whether it is read after every message or only when a call is aborted", () => {
    const messages = (): SipMessage[] => [
      answer("100 Trying", "x0"),
      answer("180 Ringing", "b1", "Record-Route: <sip:early.example;lr>", "Contact: <sip:bob@198.51.100.1>"),
      answer("183 Session Progress", "other", "Contact: <sip:carol@198.51.100.2>"),
      answer("200 OK", "b1", "Record-Route: <sip:p1.example;lr>", "Contact: <sip:bob@198.51.100.7:5070>"),
    ];
    const invite = Buffer.from([...INVITE, "Content-Length: 0", "", ""].join("\r\n"));
    const eager = new CallDialog({ direction: "outgoing", baseCseq: 1, trickle: undefined });
    const views: unknown[] = [];
    eager.onSentRequest("INVITE", invite);
    for (const message of messages()) {
      eager.onResponse(message, PLAIN);
      views.push(eager.view());
    }
    const late = new CallDialog({ direction: "outgoing", baseCseq: 1, trickle: undefined });
    late.onSentRequest("INVITE", invite);
    for (const message of messages()) late.onResponse(message, PLAIN);
    assert.deepEqual(late.view(), views.at(-1));
    assert.deepEqual(late.view(), {
      requestUri: "sip:bob@198.51.100.7:5070",
      route: "<sip:p1.example;lr>",
      from: "<sip:alice@127.0.0.1>;tag=a1",
      to: "<sip:bob@192.0.2.9>;tag=b1",
    });
    assert.deepEqual(late.inviteRequest(), { requestUri: "sip:bob@192.0.2.9", route: "<sip:edge.example;lr>" });
  });

  it("tells its trickle listener when a message moves the dialog, and notes the peer's trickle support", () => {
    let flushes = 0;
    const dialog = new CallDialog({ direction: "outgoing", baseCseq: 1, trickle: { flush: () => flushes++ } });
    dialog.onSentRequest("INVITE", Buffer.from([...INVITE, "Content-Length: 0", "", ""].join("\r\n")));
    assert.equal(flushes, 1);
    assert.equal(dialog.peerTrickles, false);
    dialog.onResponse(answer("180 Ringing", "b1", "Supported: trickle-ice"), PLAIN);
    assert.equal(flushes, 2);
    assert.equal(dialog.peerTrickles, true);
  });
});
