import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildSdp } from "../../../../src/media/sdp/build-sdp.js";
import { parseSdp } from "../../../../src/media/sdp/parse-sdp.js";

describe("buildSdp", () => {
  it("writes an RTP/AVP offer with CRLF line ends that our parser reads back", () => {
    const text = buildSdp({
      address: "127.0.0.1",
      port: 6000,
      codecs: ["PCMA", "PCMU"],
      telephoneEventPt: 101,
      direction: "sendrecv",
      sessionId: 1234,
      version: 1,
    });
    assert.equal(
      text,
      [
        "v=0",
        "o=sipwright 1234 1 IN IP4 127.0.0.1",
        "s=sipwright",
        "c=IN IP4 127.0.0.1",
        "t=0 0",
        "m=audio 6000 RTP/AVP 8 0 101",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-15",
        "a=ptime:20",
        "a=sendrecv",
        "",
      ].join("\r\n"),
    );
    const result = parseSdp(text);
    assert.ok(result.ok);
    assert.equal(result.sdp.audio?.telephoneEventPt, 101);
    assert.deepEqual(result.sdp.audio.connection, { addressType: "IP4", address: "127.0.0.1" });
  });

  it("writes IPv6 addresses as IP6, a hold direction, and no telephone-event when none is given", () => {
    const text = buildSdp({
      address: "::1",
      port: 7000,
      codecs: ["PCMU"],
      telephoneEventPt: undefined,
      direction: "sendonly",
      sessionId: "9",
      version: "2",
    });
    const result = parseSdp(text);
    assert.ok(result.ok);
    assert.deepEqual(result.sdp.audio?.connection, { addressType: "IP6", address: "::1" });
    assert.equal(result.sdp.audio.direction, "sendonly");
    assert.deepEqual(
      result.sdp.audio.payloadTypes.map((p) => p.payloadType),
      [0],
    );
    assert.ok(!text.includes("telephone-event"));
  });
});
