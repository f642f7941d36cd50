import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildSdpFragment, parseSdpFragment } from "../../../../src/media/webrtc/sdp-frag.js";

describe("RFC 8840 sdpfrag", () => {
  it("reads ufrag, pwd, each candidate with its mid, and end-of-candidates (RFC 8840 9 example, bare LF)", () => {
    const body = [
      "a=ice-pwd:asd88fgpdd777uzjYhagZg",
      "a=ice-ufrag:8hhY",
      "m=audio 9 RTP/AVP 0",
      "a=mid:1",
      "a=candidate:1 1 UDP 1658497328 192.0.2.3 5000 typ host",
      "a=candidate:2 1 UDP 1658497328 192.0.2.3 5001",
      "a=end-of-candidates",
    ].join("\n");
    const fragment = parseSdpFragment(body);
    assert.equal(fragment.ufrag, "8hhY");
    assert.equal(fragment.pwd, "asd88fgpdd777uzjYhagZg");
    assert.deepEqual(fragment.candidates, [
      { candidate: "candidate:1 1 UDP 1658497328 192.0.2.3 5000 typ host", mid: "1" },
    ]);
    assert.equal(fragment.skipped, 1);
    assert.equal(fragment.endOfCandidates, true);
  });

  it("reads the candidates of a whole application/sdp body too", () => {
    const sdp =
      "v=0\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 8\r\na=mid:0\r\na=candidate:1 1 udp 1 127.0.0.1 4000 typ host\r\n";
    const fragment = parseSdpFragment(sdp);
    assert.equal(fragment.candidates.length, 1);
    assert.equal(fragment.candidates[0]?.mid, "0");
    assert.equal(fragment.endOfCandidates, false);
  });

  it("writes credentials, the m= placeholder, the mid, candidates and a final end-of-candidates with CRLF", () => {
    const body = buildSdpFragment(
      { ufrag: "u1", pwd: "p1", mid: "0" },
      [{ candidate: "candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host", mid: "0" }],
      true,
    );
    assert.equal(
      body,
      "a=ice-ufrag:u1\r\na=ice-pwd:p1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n" +
        "a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\na=end-of-candidates\r\n",
    );
    assert.deepEqual(parseSdpFragment(body).candidates.length, 1);
  });
});
