import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defaultCandidate, fixLocalSdp, offersTrickle } from "../../../../src/media/webrtc/local-sdp.js";
import { isAllowedLocalCandidate, parseCandidate } from "../../../../src/media/webrtc/candidate-line.js";

const WERIFT = [
  "v=0",
  "o=- 78148104 0 IN IP4 0.0.0.0",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 8 0 101",
  "c=IN IP4 0.0.0.0",
  "a=candidate:626da4e5 1 udp 2116026367 127.0.0.1 56449 typ host generation 0 ufrag 9888",
  "a=candidate:32b1715d 1 udp 2116026367 192.0.2.2 39236 typ host generation 0 ufrag 9888",
  "a=ice-ufrag:9888",
  "a=ice-pwd:16128a51db3e29912a446f",
  "a=ice-options:trickle",
  "a=mid:0",
  "a=rtcp:9 IN IP4 0.0.0.0",
  "a=rtcp-mux",
  "",
].join("\r\n");

describe("fixLocalSdp: our description as it leaves", () => {
  it("drops host candidates outside the configured addresses", () => {
    const { sdp, candidates } = fixLocalSdp(WERIFT, { candidateAddresses: ["127.0.0.1"], complete: true });
    assert.equal(candidates, 1);
    assert.doesNotMatch(sdp, /192\.0\.2\.2/);
  });

  it("names the default candidate in m=, c= and a=rtcp when candidates are carried (RFC 8839), and ends them", () => {
    const { sdp } = fixLocalSdp(WERIFT, { candidateAddresses: ["127.0.0.1"], complete: true });
    assert.match(sdp, /^m=audio 56449 UDP\/TLS\/RTP\/SAVPF 8 0 101\r$/m);
    assert.match(sdp, /^c=IN IP4 127\.0\.0\.1\r$/m);
    assert.match(sdp, /^a=rtcp:56449 IN IP4 127\.0\.0\.1\r$/m);
    assert.match(sdp, /typ host generation 0 ufrag 9888\r\na=end-of-candidates\r\n/);
  });

  it("keeps 9 / 0.0.0.0 and adds no end-of-candidates in a trickle description without candidates", () => {
    const bare = WERIFT.split("\r\n")
      .filter((l) => !l.startsWith("a=candidate"))
      .join("\r\n");
    const { sdp, candidates } = fixLocalSdp(bare, { candidateAddresses: ["127.0.0.1"], complete: false });
    assert.equal(candidates, 0);
    assert.match(sdp, /^m=audio 9 /m);
    assert.match(sdp, /^c=IN IP4 0\.0\.0\.0\r$/m);
    assert.doesNotMatch(sdp, /end-of-candidates/);
  });

  it("adds the candidates gathered before a bounded wait ran out, when werift's description lacks them", () => {
    const bare = WERIFT.split("\r\n")
      .filter((l) => !l.startsWith("a=candidate"))
      .join("\r\n");
    const gathered = [
      "candidate:626da4e5 1 udp 2116026367 127.0.0.1 56449 typ host generation 0 ufrag 9888",
      "candidate:32b1715d 1 udp 2116026367 192.0.2.2 39236 typ host generation 0 ufrag 9888",
    ];
    const { sdp, candidates } = fixLocalSdp(bare, { candidateAddresses: ["127.0.0.1"], complete: false, gathered });
    assert.equal(candidates, 1);
    assert.match(sdp, /^c=IN IP4 127\.0\.0\.1\r\na=candidate:626da4e5 1 udp 2116026367 127\.0\.0\.1 56449 typ host/m);
    assert.match(sdp, /^m=audio 56449 /m);
    assert.doesNotMatch(sdp, /192\.0\.2\.2|end-of-candidates/);
    // A candidate the description already carries is not added twice.
    const again = fixLocalSdp(WERIFT, { candidateAddresses: ["127.0.0.1"], complete: true, gathered });
    assert.equal(again.candidates, 1);
    assert.equal(again.sdp.match(/a=candidate:/g)?.length, 1);
  });

  it("drops the trickle ICE option when told to, keeping the others (an answer carries only what the offer allowed)", () => {
    const both = WERIFT.replace("a=ice-options:trickle", "a=ice-options:trickle renomination");
    const opts = { candidateAddresses: ["127.0.0.1"], complete: true };
    assert.match(fixLocalSdp(WERIFT, opts).sdp, /^a=ice-options:trickle\r$/m);
    assert.doesNotMatch(fixLocalSdp(WERIFT, { ...opts, trickleOption: false }).sdp, /ice-options/);
    assert.match(fixLocalSdp(both, { ...opts, trickleOption: false }).sdp, /^a=ice-options:renomination\r$/m);
    assert.ok(offersTrickle(WERIFT) && !offersTrickle(WERIFT.replace("a=ice-options:trickle\r\n", "")));
  });

  it("prefers a relayed default candidate over a host one (RFC 8445 5.1.4)", () => {
    const host = parseCandidate("candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host");
    const relay = parseCandidate("candidate:2 1 udp 16777215 203.0.113.9 34014 typ relay raddr 127.0.0.1 rport 1");
    assert.ok(host !== undefined && relay !== undefined);
    assert.equal(defaultCandidate([host, relay])?.address, "203.0.113.9");
  });
});

describe("candidate lines", () => {
  it("reads component, transport, address, port and type, and refuses a line without typ", () => {
    assert.deepEqual(parseCandidate("a=candidate:abc 1 UDP 2130706431 127.0.0.1 5000 typ host"), {
      component: 1,
      transport: "udp",
      priority: 2130706431,
      address: "127.0.0.1",
      port: 5000,
      type: "host",
    });
    assert.equal(parseCandidate("candidate:abc 1 UDP 2130706431 127.0.0.1 5000 host"), undefined);
    assert.equal(parseCandidate("candidate:abc x UDP 1 127.0.0.1 5000 typ host"), undefined);
  });

  it("allows host candidates only on configured addresses, and relayed ones anywhere", () => {
    const host = parseCandidate("candidate:1 1 udp 1 192.0.2.2 5000 typ host");
    const relay = parseCandidate("candidate:1 1 udp 1 192.0.2.2 5000 typ relay");
    assert.ok(host !== undefined && relay !== undefined);
    assert.equal(isAllowedLocalCandidate(host, ["127.0.0.1"]), false);
    assert.equal(isAllowedLocalCandidate(relay, ["127.0.0.1"]), true);
    assert.equal(isAllowedLocalCandidate(host, []), true);
  });
});
