import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileMessageTemplate } from "../../../src/scenario/template.js";
import { renderMessage } from "../../../src/scenario/render-message.js";
import { routeSetFrom } from "../../../src/scenario/dialog-keywords.js";
import { fakeState, sipMessage } from "./render-fake-state.js";

const ok = (headers: string): string =>
  `SIP/2.0 200 OK\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\nFrom: <sip:a@10.0.0.1>;tag=1\n` +
  `To: svc <sip:service@10.0.0.2:5070>;tag=2\nCall-ID: c1\nCSeq: 1 INVITE\n${headers}Content-Length: 0\n\n`;

/** What the built-in uac renders for its ACK after `<recv response="200" rrs="true"/>` matched `msg`. */
function ackLines(msg: string): string[] {
  const { template, problems } = compileMessageTemplate("ACK [next_url] SIP/2.0\n[routes]\nCSeq: 1 ACK\n");
  assert.deepEqual(problems, []);
  const message = sipMessage(msg);
  const state = fakeState({ lastMessage: message, routeSet: routeSetFrom(message) });
  return renderMessage(template, state).toString("utf8").split("\r\n");
}

describe('routeSetFrom (rrs="true") rendered by [next_url] and [routes]', () => {
  it("a 2xx through two proxies: Route is the Record-Route reversed, the Request-URI the Contact URI", () => {
    const lines = ackLines(
      ok(
        "Record-Route: <sip:p2.example.com;lr>\nRecord-Route: <sip:p1.example.com;lr>\nContact: <sip:b@10.0.0.2:5070;transport=udp>\n",
      ),
    );
    assert.deepEqual(lines.slice(0, 2), [
      "ACK sip:b@10.0.0.2:5070;transport=udp SIP/2.0",
      "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>",
    ]);
  });

  it("no Record-Route: the [routes] line vanishes", () => {
    assert.deepEqual(ackLines(ok("Contact: <sip:b@10.0.0.2:5070>\n")).slice(0, 2), [
      "ACK sip:b@10.0.0.2:5070 SIP/2.0",
      "CSeq: 1 ACK",
    ]);
  });

  it("a Contact without angle brackets: its header parameters are not part of the URI (RFC 3261 20.10)", () => {
    assert.equal(ackLines(ok("m: sip:b@10.0.0.2:5070;expires=60\n"))[0], "ACK sip:b@10.0.0.2:5070 SIP/2.0");
  });

  it("a display name with a comma and two Contacts: the first Contact's URI", () => {
    const lines = ackLines(ok('Contact: "B, the callee" <sip:b@10.0.0.2:5070>, <sip:c@10.0.0.3>\n'));
    assert.equal(lines[0], "ACK sip:b@10.0.0.2:5070 SIP/2.0");
  });

  it("no Contact and no Record-Route: [next_url] is [last_Request_URI] (the To URI), not an empty Request-URI", () => {
    assert.deepEqual(ackLines(ok("")).slice(0, 2), ["ACK sip:service@10.0.0.2:5070 SIP/2.0", "CSeq: 1 ACK"]);
  });

  it("a request (the UAS side) keeps the Record-Route order", () => {
    const invite = sipMessage(
      "INVITE sip:b@10.0.0.2 SIP/2.0\nRecord-Route: <sip:p1;lr>, <sip:p2;lr>\nContact: <sip:a@10.0.0.1>\nContent-Length: 0\n\n",
    );
    assert.deepEqual(routeSetFrom(invite), {
      recordRoute: ["<sip:p1;lr>, <sip:p2;lr>"],
      contact: "sip:a@10.0.0.1",
      fromRequest: true,
    });
  });
});
