import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { buildResponse } from "../../../src/sip/build-response.js";
import { parseSipMessage } from "../../../src/sip/parse-sip-message.js";
import type { SipMessage } from "../../../src/sip/message.js";

function parse(text: string): SipMessage {
  const result = parseSipMessage(Buffer.from(text));
  if (!result.ok) assert.fail(result.error);
  return result.message;
}

const bye = parse(
  [
    "BYE sip:bob@127.0.0.1:5060 SIP/2.0",
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa",
    "v: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKb",
    "f: <sip:alice@x>;tag=111",
    "t: <sip:bob@y>",
    "i: call-42",
    "CSeq: 3 BYE",
    "Max-Forwards: 70",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n"),
);

void describe("buildResponse", () => {
  void it("copies every Via in order, From, To, Call-ID and CSeq, then Content-Length: 0", () => {
    const text = buildResponse(bye, 200, "OK").toString();
    assert.equal(
      text,
      [
        "SIP/2.0 200 OK",
        "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa",
        "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKb",
        "From: <sip:alice@x>;tag=111",
        "To: <sip:bob@y>",
        "Call-ID: call-42",
        "CSeq: 3 BYE",
        "Content-Length: 0",
        "",
        "",
      ].join("\r\n"),
    );
  });

  void it("adds a To tag only when the request's To has none", () => {
    const response = parse(buildResponse(bye, 200, "OK", { toTag: "srv1" }).toString());
    assert.equal(response.toTag(), "srv1");
    const again = parse(buildResponse(response, 200, "OK", { toTag: "other" }).toString());
    assert.equal(again.toTag(), "srv1");
  });

  void it("inserts extra headers before Content-Length and parses back", () => {
    const response = parse(
      buildResponse(bye, 481, "Call/Transaction Does Not Exist", { extraHeaders: ["Server: sipwright"] }).toString(),
    );
    assert.equal(response.status, 481);
    assert.equal(response.reason, "Call/Transaction Does Not Exist");
    assert.equal(response.header("server"), "sipwright");
    assert.equal(response.callId, "call-42");
    assert.deepEqual(response.cseq, { seq: 3, method: "BYE" });
    assert.equal(response.headerFields().at(-1)?.name, "Content-Length");
  });
});
