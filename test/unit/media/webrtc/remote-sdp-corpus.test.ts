import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { SessionDescription } from "werift";
import type { G711Codec } from "../../../../src/media/media-pipeline.js";
import { normalizeRemoteSdp, type RemoteSdp } from "../../../../src/media/webrtc/remote-sdp.js";
import { SdpUnusableError } from "../../../../src/media/sdp-unusable-error.js";
import { parseCandidate } from "../../../../src/media/webrtc/candidate-line.js";
import { attribute, mediaKind, splitSdp } from "../../../../src/media/webrtc/sdp-sections.js";

const CORPUS = new URL("../../../fixtures/sdp/webrtc/", import.meta.url);
const FILES = readdirSync(CORPUS).filter((name) => name.endsWith(".sdp"));
const CARRIED: readonly (readonly G711Codec[])[] = [["PCMA", "PCMU"], ["PCMU"], ["PCMA"]];

/** normalizeRemoteSdp's result, or the SdpUnusableError it threw; any other exception fails the test. */
function normalize(body: string, carried: readonly G711Codec[]): RemoteSdp | SdpUnusableError {
  try {
    return normalizeRemoteSdp(body, carried);
  } catch (error) {
    assert.ok(error instanceof SdpUnusableError, `threw ${String(error)}`);
    return error;
  }
}

describe("normalizeRemoteSdp over the real-world SDP corpus (test/fixtures/sdp/webrtc)", () => {
  it("finds the corpus: offers and answers, CRLF and bare-LF files", () => {
    assert.ok(FILES.length >= 15, `only ${FILES.length} fixtures`);
    const bodies = FILES.map((name) => readFileSync(new URL(name, CORPUS), "latin1"));
    assert.ok(bodies.some((body) => body.includes("\r\n")));
    assert.ok(bodies.some((body) => !body.includes("\r")));
  });

  for (const file of FILES) {
    const body = readFileSync(new URL(file, CORPUS), "latin1");
    it(`${file}: never throws but SdpUnusableError, and what it returns werift parses, in CRLF, with each rewrite made`, () => {
      for (const carried of CARRIED) {
        const result = normalize(body, carried);
        if (result instanceof SdpUnusableError) {
          assert.ok(result.missing.length > 0);
          assert.ok(result.missing.every((reason) => result.message.includes(reason)));
          continue;
        }
        assertWeriftReadable(result);
      }
    });
  }
});

function assertWeriftReadable(result: RemoteSdp): void {
  const { sdp } = result;
  assert.ok(sdp.endsWith("\r\n") && !/[^\r]\n/.test(sdp) && !sdp.includes("\r\n\r\n"), "CRLF, no blank line");
  assert.doesNotThrow(() => SessionDescription.parse(sdp), "werift's own parser reads it");
  const { session, media } = splitSdp(sdp);
  const audio = media[result.audioIndex] ?? [];
  assert.equal(mediaKind(audio), "audio");
  assert.ok(audio.some((line) => line.startsWith("c=")) || session.some((line) => line.startsWith("c=")));
  assert.ok(
    audio.some((line) => line.startsWith("c=")),
    "the audio section has its own c=",
  );
  assert.ok(!audio.some((line) => /^a=rtpmap:\d+ telephone-event\/(?!8000\b)/i.test(line)));
  for (const section of media) {
    const mid = attribute(section, "mid");
    assert.ok(mid !== undefined && mid !== "", `every section has a mid: ${section[0]}`);
    const rtcpMux = attribute(section, "rtcp-mux") !== undefined;
    for (const line of section) {
      assert.doesNotMatch(line, /^a=rtcp:\d+$/, "no a=rtcp without an address");
      assert.doesNotMatch(line, /^a=crypto:/);
      if (line.startsWith("a=candidate:")) {
        const candidate = parseCandidate(line);
        assert.ok(candidate !== undefined, line);
        assert.ok(!rtcpMux || candidate.component === 1, `component 2 next to rtcp-mux: ${line}`);
        assert.ok(!candidate.address.endsWith(".local"), line);
      }
      const fmtp = /^a=fmtp:(\d+) /.exec(line)?.[1];
      if (fmtp !== undefined)
        assert.ok(
          section.some((l) => l.startsWith(`a=rtpmap:${fmtp} `)),
          line,
        );
    }
  }
  assert.equal(result.mid, attribute(audio, "mid"));
  assert.equal(result.candidates, audio.filter((line) => line.startsWith("a=candidate:")).length);
}
