import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseSdp } from "../../../../src/media/sdp/parse-sdp.js";
import type { SessionDescription } from "../../../../src/media/sdp/session-description.js";

function fixture(name: string): string {
  return readFileSync(new URL(`../../../fixtures/sdp/${name}`, import.meta.url), "latin1");
}

function parsed(name: string): SessionDescription {
  const result = parseSdp(fixture(name));
  assert.ok(result.ok, result.ok ? "" : `${name}: line ${result.error.line}: ${result.error.message}`);
  return result.sdp;
}

const pt = (payloadType: number, encoding: string, clockRate: number, fmtp?: string, channels = 1) => ({
  payloadType,
  encoding,
  clockRate,
  channels,
  fmtp,
});

describe("parseSdp", () => {
  it("reads the SDP of SIPp's built-in uac scenario (CRLF, PCMU only, no telephone-event)", () => {
    const sdp = parsed("sipp-uac.sdp");
    assert.ok(fixture("sipp-uac.sdp").includes("\r\n"));
    assert.deepEqual(sdp.origin, {
      username: "user1",
      sessionId: "53655765",
      sessionVersion: "2353687637",
      address: "127.0.0.1",
    });
    assert.deepEqual(sdp.audio, {
      port: 6000,
      protocol: "RTP/AVP",
      connection: { addressType: "IP4", address: "127.0.0.1" },
      payloadTypes: [pt(0, "PCMU", 8000)],
      direction: "sendrecv",
      telephoneEventPt: undefined,
      ptime: undefined,
      rtcp: undefined,
      rtcpMux: false,
    });
  });

  it("reads SIPp's uac_pcap SDP: PCMA with telephone-event 101 and its fmtp", () => {
    const audio = parsed("sipp-uac-pcap.sdp").audio;
    assert.deepEqual(audio?.payloadTypes, [pt(8, "PCMA", 8000), pt(101, "telephone-event", 8000, "0-11,16")]);
    assert.equal(audio.telephoneEventPt, 101);
  });

  it("reads an Asterisk offer: four payload types in order, ptime 20, sendrecv", () => {
    const audio = parsed("asterisk.sdp").audio;
    assert.deepEqual(
      audio?.payloadTypes.map((p) => [p.payloadType, p.encoding]),
      [
        [0, "PCMU"],
        [8, "PCMA"],
        [3, "GSM"],
        [101, "telephone-event"],
      ],
    );
    assert.equal(audio.ptime, 20);
    assert.equal(audio.direction, "sendrecv");
    assert.equal(audio.telephoneEventPt, 101);
    assert.deepEqual(audio.connection, { addressType: "IP4", address: "192.0.2.10" });
  });

  it("reads a FreeSWITCH offer: CN, a=rtcp with an address (RFC 3605) and sendonly (hold)", () => {
    const audio = parsed("freeswitch.sdp").audio;
    assert.equal(audio?.port, 16384);
    assert.deepEqual(audio.rtcp, { port: 16385, address: "198.51.100.7" });
    assert.equal(audio.direction, "sendonly");
    assert.deepEqual(audio.payloadTypes.at(-1), pt(13, "CN", 8000));
  });

  it("reads a bare-LF body: media-level c= wins, session-level direction applies, a=rtcp without address, IPv6", () => {
    const text = fixture("bare-lf.sdp");
    assert.ok(!text.includes("\r"));
    const sdp = parsed("bare-lf.sdp");
    assert.deepEqual(sdp.connection, { addressType: "IP6", address: "2001:db8::1" });
    assert.deepEqual(sdp.audio?.connection, { addressType: "IP6", address: "2001:db8::2" });
    assert.equal(sdp.audio.direction, "recvonly");
    assert.deepEqual(sdp.audio.rtcp, { port: 40011, address: undefined });
    assert.deepEqual(sdp.audio.payloadTypes, [
      pt(96, "PCMA", 8000),
      pt(0, "PCMU", 8000),
      pt(97, "telephone-event", 8000),
    ]);
    assert.equal(sdp.audio.telephoneEventPt, 97);
  });

  it("reads c= from the session level only, static types without rtpmap, and skips a disabled video m-line", () => {
    const sdp = parsed("session-level-connection.sdp");
    assert.equal(sdp.mediaCount, 2);
    assert.deepEqual(sdp.audio?.connection, { addressType: "IP4", address: "203.0.113.5" });
    assert.equal(sdp.audio.port, 49170);
    assert.deepEqual(sdp.audio.payloadTypes, [pt(8, "PCMA", 8000), pt(0, "PCMU", 8000)]);
    assert.equal(sdp.audio.ptime, 30);
    assert.equal(sdp.audio.direction, "inactive");
  });

  it("reads an Opus-only offer: no 8 kHz telephone-event, rtcp-mux", () => {
    const audio = parsed("opus-only.sdp").audio;
    assert.deepEqual(audio?.payloadTypes, [
      pt(111, "opus", 48000, "minptime=10;useinbandfec=1", 2),
      pt(126, "telephone-event", 48000),
    ]);
    assert.equal(audio.telephoneEventPt, undefined);
    assert.equal(audio.rtcpMux, true);
  });

  it("returns an error with the line number for garbage, never throwing", () => {
    const cases: [string, number, RegExp][] = [
      ["", 0, /empty SDP body/],
      ["hello world", 1, /not an SDP body/],
      ["INVITE sip:a@b SIP/2.0\r\n", 1, /not an SDP body/],
      ["o=x 1 1 IN IP4 1.2.3.4\r\nv=0\r\n", 1, /expected "v=0" first/],
      ["v=0\r\nc=IN IP4\r\n", 2, /unreadable connection line/],
      ["v=0\nm=audio port RTP/AVP 0\n", 2, /unreadable media line/],
      ["v=0\nm=audio 70000 RTP/AVP 0\n", 2, /unreadable media line/],
    ];
    for (const [text, line, message] of cases) {
      const result = parseSdp(text);
      assert.ok(!result.ok, JSON.stringify(text));
      assert.equal(result.error.line, line, JSON.stringify(text));
      assert.match(result.error.message, message);
    }
    const alphabet = "v=0\r\nmca=:/ 0123456789IP4audio";
    let seed = 8866;
    for (let i = 0; i < 5000; i++) {
      let text = "";
      const n = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 80;
      for (let j = 0; j < n; j++)
        text += alphabet.charAt((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % alphabet.length);
      parseSdp(text);
    }
  });

  it("has no audio when the body carries none", () => {
    const result = parseSdp("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=video 5000 RTP/AVP 96\r\n");
    assert.ok(result.ok);
    assert.equal(result.sdp.audio, undefined);
  });
});
