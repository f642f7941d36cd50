import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseSdp } from "../../../../src/media/sdp/parse-sdp.js";
import { negotiate } from "../../../../src/media/sdp/negotiate.js";
import type { SessionDescription } from "../../../../src/media/sdp/session-description.js";

function offer(textOrFixture: string): SessionDescription {
  const text = textOrFixture.startsWith("v=")
    ? textOrFixture
    : readFileSync(new URL(`../../../fixtures/sdp/${textOrFixture}`, import.meta.url), "latin1");
  const result = parseSdp(text);
  assert.ok(result.ok);
  return result.sdp;
}

describe("negotiate", () => {
  it("picks the first codec of our preference that the offer carries, with the offer's telephone-event", () => {
    assert.deepEqual(negotiate(offer("asterisk.sdp"), ["PCMA", "PCMU"]), {
      codec: "PCMA",
      payloadType: 8,
      telephoneEventPt: 101,
    });
    assert.deepEqual(negotiate(offer("asterisk.sdp"), ["PCMU", "PCMA"]), {
      codec: "PCMU",
      payloadType: 0,
      telephoneEventPt: 101,
    });
    assert.deepEqual(negotiate(offer("sipp-uac.sdp"), ["PCMA", "PCMU"]), {
      codec: "PCMU",
      payloadType: 0,
      telephoneEventPt: undefined,
    });
  });

  it("uses the payload type the peer gave a codec on a dynamic number", () => {
    assert.deepEqual(negotiate(offer("bare-lf.sdp"), ["PCMA"]), {
      codec: "PCMA",
      payloadType: 96,
      telephoneEventPt: 97,
    });
  });

  it("explains a failure: the offer's payload types and ours", () => {
    assert.deepEqual(negotiate(offer("opus-only.sdp"), ["PCMA", "PCMU"]), {
      error: "no common codec: offer has 111 opus/48000/2, 126 telephone-event/48000 only (we accept PCMA, PCMU)",
    });
    assert.deepEqual(negotiate(offer("sipp-uac.sdp"), ["PCMA"]), {
      error: "no common codec: offer has 0 PCMU/8000 only (we accept PCMA)",
    });
  });

  it("does not take PCMA at another clock rate or in stereo for G.711", () => {
    const sdp = offer(
      "v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 96 97\r\na=rtpmap:96 PCMA/16000\r\na=rtpmap:97 PCMA/8000/2\r\n",
    );
    assert.ok("error" in negotiate(sdp, ["PCMA"]));
  });

  it("refuses an SDP without audio or with the audio stream disabled", () => {
    assert.deepEqual(negotiate(offer("v=0\r\nm=video 5000 RTP/AVP 96\r\n"), ["PCMA"]), {
      error: "no audio m-line in the SDP",
    });
    assert.deepEqual(negotiate(offer("v=0\r\nm=audio 0 RTP/AVP 8\r\n"), ["PCMA"]), {
      error: "the audio stream is disabled (m=audio port 0)",
    });
  });
});
