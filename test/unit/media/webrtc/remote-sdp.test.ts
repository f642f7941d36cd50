import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { normalizeRemoteSdp } from "../../../../src/media/webrtc/remote-sdp.js";
import { SdpUnusableError } from "../../../../src/media/sdp-unusable-error.js";

const FP =
  "a=fingerprint:sha-256 1F:97:99:EA:41:C1:10:D2:3C:11:CE:6C:3C:1B:A9:75:3A:EC:3B:4C:3B:26:24:A7:EC:8F:C0:00:6F:DF:BC:5C";

/** A media-anchoring gateway's style: session-level c=, a=rtcp:PORT without address, no ssrc/msid/BUNDLE, SDES too. */
const GATEWAY = [
  "v=0",
  "o=- 1545997027 3 IN IP4 198.51.100.1",
  "s=tester",
  "c=IN IP4 198.51.100.1",
  "t=0 0",
  "a=ice-lite",
  "m=audio 30000 UDP/TLS/RTP/SAVPF 0 8 101",
  "a=mid",
  "a=rtpmap:101 telephone-event/8000",
  "a=sendrecv",
  "a=rtcp:30001",
  "a=rtcp-mux",
  "a=setup:actpass",
  FP,
  "a=crypto:1 AEAD_AES_256_GCM inline:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
  "a=ice-ufrag:gw01",
  "a=ice-pwd:0123456789abcdefghijkl",
  "a=candidate:H1 1 UDP 2130706431 198.51.100.1 30000 typ host",
  "a=candidate:H1 2 UDP 2130706430 198.51.100.1 30001 typ host",
  "a=candidate:M1 1 UDP 2130706429 0b4c0d7e-1f2a-4c4d-9d3e-2c4a0e6b9d1f.local 30002 typ host",
  "a=end-of-candidates",
].join("\n");

describe("normalizeRemoteSdp: a peer's SDP made readable for werift", () => {
  it("keeps only telephone-event/8000 when the offer also has it at 48 kHz (Chromium), so DTMF is negotiated at 8 kHz", () => {
    const chrome = GATEWAY.replace(
      "m=audio 30000 UDP/TLS/RTP/SAVPF 0 8 101\na=mid",
      "m=audio 30000 UDP/TLS/RTP/SAVPF 111 0 8 110 126\na=mid:0\na=rtpmap:111 opus/48000/2\n" +
        "a=rtpmap:110 telephone-event/48000\na=fmtp:110 0-15\na=rtpmap:126 telephone-event/8000\na=fmtp:126 0-15",
    ).replace("a=rtpmap:101 telephone-event/8000\n", "");
    const { sdp } = normalizeRemoteSdp(chrome, ["PCMA", "PCMU"]);
    assert.match(sdp, /^m=audio 30000 UDP\/TLS\/RTP\/SAVPF 111 0 8 126\r$/m);
    assert.doesNotMatch(sdp, /a=(rtpmap|fmtp):110 /);
    assert.match(sdp, /a=rtpmap:126 telephone-event\/8000/);
  });

  it("turns bare LF into CRLF, copies the session c= into the audio section and drops a=rtcp:PORT without address", () => {
    const { sdp } = normalizeRemoteSdp(GATEWAY, ["PCMA", "PCMU"]);
    assert.ok(sdp.split("\r\n").every((line) => !line.includes("\n")));
    const audio = sdp.slice(sdp.indexOf("m=audio"));
    assert.match(audio, /^c=IN IP4 198\.51\.100\.1\r$/m);
    assert.doesNotMatch(sdp, /a=rtcp:30001/);
    assert.match(sdp, /a=rtcp-mux/);
  });

  it("keeps only component-1 candidates next to a=rtcp-mux and drops mDNS .local candidates", () => {
    const result = normalizeRemoteSdp(GATEWAY, ["PCMA"]);
    assert.equal(result.candidates, 1);
    assert.match(result.sdp, /a=candidate:H1 1 UDP 2130706431 198\.51\.100\.1 30000 typ host/);
    assert.doesNotMatch(result.sdp, / 2 UDP /);
    assert.doesNotMatch(result.sdp, /\.local/);
    assert.match(result.sdp, /a=end-of-candidates/);
  });

  it("replaces a bare a=mid by the section index, drops SDES a=crypto lines, adds rtpmaps for static G.711 types, and reports ice-lite", () => {
    const result = normalizeRemoteSdp(GATEWAY, ["PCMA"]);
    assert.doesNotMatch(result.sdp, /^a=mid\r$/m);
    assert.doesNotMatch(result.sdp, /a=crypto/);
    assert.match(result.sdp, /a=rtpmap:0 PCMU\/8000/);
    assert.match(result.sdp, /a=rtpmap:8 PCMA\/8000/);
    assert.equal(result.iceLite, true);
    assert.equal(result.ufrag, "gw01");
    assert.equal(result.mid, "0");
  });

  it("reads session-level ICE credentials and fingerprint (a browser's BUNDLE offer with other m-lines)", () => {
    const browser = [
      "v=0",
      "o=mozilla...THIS_IS_SDPARTA-99.0 1 0 IN IP4 0.0.0.0",
      "s=-",
      "t=0 0",
      FP,
      "a=ice-ufrag:ffff",
      "a=ice-pwd:0123456789abcdef0123456789abcdef",
      "a=group:BUNDLE 0 1",
      "m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101",
      "c=IN IP4 0.0.0.0",
      "a=mid:0",
      "a=rtpmap:109 opus/48000/2",
      "a=rtpmap:101 telephone-event/8000",
      "a=setup:actpass",
      "a=rtcp-mux",
      "m=video 9 UDP/TLS/RTP/SAVPF 120",
      "c=IN IP4 0.0.0.0",
      "a=mid:1",
    ].join("\r\n");
    const result = normalizeRemoteSdp(browser, ["PCMU"]);
    assert.equal(result.audioIndex, 0);
    assert.equal(result.mid, "0");
    assert.equal(result.ufrag, "ffff");
    assert.match(result.sdp, /m=video 9 UDP\/TLS\/RTP\/SAVPF 120\r\n/);
  });

  it("refuses an SDP without a=rtcp-mux (RFC 5761 5.1.1: our answer could not carry it, werift has no RTCP component)", () => {
    const separate = GATEWAY.replace("a=rtcp-mux\n", "");
    assert.notEqual(separate, GATEWAY);
    assert.throws(
      () => normalizeRemoteSdp(separate, ["PCMA"]),
      (error: unknown) =>
        error instanceof SdpUnusableError && error.missing.length === 1 && error.message.includes("a=rtcp-mux"),
    );
    assert.doesNotThrow(() => normalizeRemoteSdp(GATEWAY, ["PCMA"]));
  });

  it("rejects a plain RTP/AVP answer naming the profile, the fingerprint and the ICE credentials it lacks", () => {
    const plain = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n";
    assert.throws(
      () => normalizeRemoteSdp(plain, ["PCMA"]),
      (error: unknown) =>
        error instanceof SdpUnusableError &&
        error.code === "MEDIA" &&
        error.missing.length === 3 &&
        error.message.includes("RTP/AVP") &&
        error.message.includes("a=fingerprint") &&
        error.message.includes("a=ice-ufrag"),
    );
  });

  it("rejects an Opus-only offer naming the codecs offered and the ones we carry", () => {
    const opus = GATEWAY.replace(
      "m=audio 30000 UDP/TLS/RTP/SAVPF 0 8 101",
      "m=audio 30000 UDP/TLS/RTP/SAVPF 111",
    ).concat("\na=rtpmap:111 opus/48000/2");
    assert.throws(
      () => normalizeRemoteSdp(opus, ["PCMA", "PCMU"]),
      /a codec we carry \(PCMA, PCMU\); the SDP offers OPUS/,
    );
  });

  it("rejects a body with no audio m-line, and one that is not SDP", () => {
    assert.throws(() => normalizeRemoteSdp("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n", ["PCMA"]), /an m=audio line/);
    assert.throws(() => normalizeRemoteSdp("hello", ["PCMA"]), /no v= line/);
  });
});

describe("normalizeRemoteSdp: variants found by the real-world corpus (test/fixtures/sdp/webrtc)", () => {
  it("drops a=fmtp for a static payload type without a=rtpmap (a gateway's a=fmtp:18 annexb=no), which werift throws on", () => {
    const g729 = GATEWAY.replace("UDP/TLS/RTP/SAVPF 0 8 101", "UDP/TLS/RTP/SAVPF 18 0 8 101").replace(
      "a=rtpmap:101",
      "a=fmtp:18 annexb=no\na=rtpmap:101",
    );
    const { sdp } = normalizeRemoteSdp(g729, ["PCMA"]);
    assert.doesNotMatch(sdp, /a=fmtp:18/);
    assert.match(sdp, /^m=audio 30000 UDP\/TLS\/RTP\/SAVPF 18 0 8 101\r$/m);
  });

  it("normalises every m-line, not only audio: a video section's a=rtcp:PORT without address and bare a=mid are dropped", () => {
    const withVideo = `${GATEWAY}\nm=video 30002 UDP/TLS/RTP/SAVPF 96\na=mid\na=rtpmap:96 VP8/90000\na=rtcp:30003\na=rtcp-mux\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\na=candidate:V1 2 UDP 2130706430 198.51.100.1 30003 typ host`;
    const { sdp } = normalizeRemoteSdp(withVideo, ["PCMA"]);
    const video = sdp.slice(sdp.indexOf("m=video"));
    assert.doesNotMatch(video, /a=rtcp:30003/);
    assert.doesNotMatch(video, /a=crypto|a=candidate/);
    assert.match(video, /^a=mid:1\r$/m);
  });

  it("drops attributes werift reads a value from when they carry none (a=ssrc, a=group, a=msid-semantic, a=extmap)", () => {
    const valueless = GATEWAY.replace("a=ice-lite", "a=ice-lite\na=group:\na=msid-semantic").replace(
      "a=sendrecv",
      "a=sendrecv\na=ssrc\na=extmap:",
    );
    const { sdp } = normalizeRemoteSdp(valueless, ["PCMA"]);
    assert.doesNotMatch(sdp, /^a=(group|msid-semantic|ssrc|extmap):?\r$/m);
  });

  it("reports the DTLS role the peer asks for (a=setup, from the audio section or the session)", () => {
    assert.equal(normalizeRemoteSdp(GATEWAY, ["PCMA"]).setup, "actpass");
    const active = GATEWAY.replace("a=setup:actpass", "a=setup:ACTIVE");
    assert.equal(normalizeRemoteSdp(active, ["PCMA"]).setup, "active");
    const sessionLevel = GATEWAY.replace("a=setup:actpass\n", "").replace("a=ice-lite", "a=ice-lite\na=setup:passive");
    assert.equal(normalizeRemoteSdp(sessionLevel, ["PCMA"]).setup, "passive");
  });

  it("rejects an audio m-line with port 0 (a rejected stream, RFC 3264 6) unless it is bundle-only", () => {
    const rejected = GATEWAY.replace("m=audio 30000", "m=audio 0");
    assert.throws(() => normalizeRemoteSdp(rejected, ["PCMA"]), /the m=audio port is 0: rejected/);
    const bundleOnly = rejected.replace("a=sendrecv", "a=sendrecv\na=bundle-only");
    assert.doesNotThrow(() => normalizeRemoteSdp(bundleOnly, ["PCMA"]));
  });

  it("says an RTP/SAVP offer with only a=crypto keys is SDES-SRTP, not DTLS-SRTP", () => {
    const sdes =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 8\r\n" +
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\r\n";
    assert.throws(() => normalizeRemoteSdp(sdes, ["PCMA"]), /RTP\/SAVP: SDES-SRTP, not DTLS-SRTP/);
  });
});
