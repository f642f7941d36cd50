import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { systemClock } from "../../../src/shared/clock.js";
import { MediaClock } from "../../../src/media/rtp/media-clock.js";
import { WebRtcBridge } from "../../../src/media/webrtc/webrtc-bridge.js";
import { SdpUnusableError } from "../../../src/media/sdp-unusable-error.js";
import { parseCandidate } from "../../../src/media/webrtc/candidate-line.js";
import { defaultCandidate } from "../../../src/media/webrtc/local-sdp.js";
import { attribute, splitSdp } from "../../../src/media/webrtc/sdp-sections.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../../helpers/netns.js";

const CORPUS = new URL("../../fixtures/sdp/webrtc/", import.meta.url);

/** What the bridge must do with each offer fixture (README.md in the corpus says what each one exercises). */
type OfferOutcome =
  | { readonly answer: "active" | "passive"; readonly rejectedSections?: number }
  | { readonly refused: readonly RegExp[] };

const OFFERS: Readonly<Record<string, OfferOutcome>> = {
  "rtpengine-offer.sdp": { answer: "active" },
  "rtpengine-offer-dtls-passive.sdp": { answer: "active" },
  "rtpengine-video-offer.sdp": { answer: "active", rejectedSections: 1 },
  "janus-offer.sdp": { answer: "active" },
  "freeswitch-offer.sdp": { answer: "active" },
  "asterisk-offer.sdp": { answer: "active" },
  "asterisk-offer-dtls-active.sdp": { answer: "passive" },
  "chrome-offer.sdp": { answer: "active" },
  "chrome-video-offer.sdp": { answer: "active", rejectedSections: 1 },
  "firefox-offer.sdp": { answer: "active" },
  "opus-only-offer.sdp": { refused: [/a codec we carry \(PCMA, PCMU\); the SDP offers OPUS/] },
  "plain-rtp-offer.sdp": { refused: [/UDP\/TLS\/RTP\/SAVPF .*RTP\/AVP/, /a=fingerprint/, /a=ice-ufrag/] },
  "sdes-srtp-offer.sdp": { refused: [/RTP\/SAVP: SDES-SRTP, not DTLS-SRTP/, /a=fingerprint/, /a=ice-ufrag/] },
};

/** What acceptAnswer must do with each answer fixture, given after our createOffer; candidates werift receives. */
type AnswerOutcome = { readonly candidates: number } | { readonly refused: readonly RegExp[] };

const ANSWERS: Readonly<Record<string, AnswerOutcome>> = {
  "rtpengine-answer.sdp": { candidates: 1 },
  "janus-answer.sdp": { candidates: 1 },
  "freeswitch-answer.sdp": { candidates: 1 },
  "asterisk-answer.sdp": { candidates: 1 },
  "chrome-answer.sdp": { candidates: 0 },
  "firefox-answer.sdp": { candidates: 3 },
  "plain-rtp-answer.sdp": { refused: [/RTP\/AVP: a plain-RTP peer/, /a=fingerprint/, /a=ice-ufrag/] },
};

if (!insidePrivateNetwork()) {
  declarePrivateNetworkRun("WebRtcBridge over the real-world SDP corpus", import.meta.url, { timeoutMs: 120_000 });
} else {
  declareCorpusTests();
}

function declareCorpusTests(): void {
  const media = new MediaClock(systemClock);
  const bridges: WebRtcBridge[] = [];
  const open = (): WebRtcBridge => {
    const bridge = WebRtcBridge.create({
      clock: media,
      wallClock: systemClock,
      codecs: ["PCMA", "PCMU"],
      iceServers: [],
      icePolicy: "all",
      candidateAddresses: ["127.0.0.1"],
      trickle: "full",
      gatherTimeoutMs: 2000,
      iceTimeoutMs: 5000,
      dtlsTimeoutMs: 5000,
      analyze: false,
    });
    bridges.push(bridge);
    return bridge;
  };
  after(async () => {
    await Promise.all(bridges.map((b) => b.close()));
    media.close();
  });

  describe("the SDP corpus", () => {
    it("has an expected outcome in this test for every fixture, and a fixture for every expected outcome", () => {
      const files = readdirSync(CORPUS).filter((name) => name.endsWith(".sdp"));
      assert.deepEqual(files.sort(), [...Object.keys(OFFERS), ...Object.keys(ANSWERS)].sort());
    });
  });

  describe("createAnswer over every offer fixture", () => {
    for (const [file, outcome] of Object.entries(OFFERS)) {
      const title =
        "refused" in outcome
          ? `${file}: rejects with SdpUnusableError naming what is missing`
          : `${file}: answers G.711 + telephone-event/8000 with our candidates, a=setup:${outcome.answer} and m=/c= on the default candidate`;
      it(title, async () => {
        const offer = fixture(file);
        const result = await settle(open().createAnswer(offer));
        if ("refused" in outcome) {
          assertRefused(result, outcome.refused);
          return;
        }
        if (result instanceof Error) throw result;
        assertAnswer(offer, result, outcome.answer, outcome.rejectedSections ?? 0);
      });
    }
  });

  describe("acceptAnswer over every answer fixture, after our createOffer", () => {
    for (const [file, outcome] of Object.entries(ANSWERS)) {
      const title =
        "refused" in outcome
          ? `${file}: rejects with SdpUnusableError naming what is missing`
          : `${file}: is accepted as written, with ${outcome.candidates} usable remote candidate(s)`;
      it(title, async () => {
        const bridge = open();
        await bridge.createOffer();
        const result = await settle(bridge.acceptAnswer(fixture(file)));
        if ("refused" in outcome) {
          assertRefused(result, outcome.refused);
          return;
        }
        if (result instanceof Error) throw result;
        assert.equal(bridge.webrtcStats().ice.remote_candidates, outcome.candidates);
      });
    }
  });

  describe("DTLS roles from a=setup, end to end between two bridges on 127.0.0.1", () => {
    for (const offered of ["active", "passive"] as const) {
      it(`connects when the offer says a=setup:${offered} (the answer takes the other role)`, async () => {
        const offerer = open();
        const answerer = open();
        const up = Promise.all([connected(offerer), connected(answerer)]);
        const offer = (await offerer.createOffer()).replace("a=setup:actpass", `a=setup:${offered}`);
        const answer = await answerer.createAnswer(offer);
        assert.match(answer, new RegExp(`^a=setup:${offered === "active" ? "passive" : "active"}\\r$`, "m"));
        await offerer.acceptAnswer(answer);
        await up;
        assert.equal(answerer.webrtcStats().dtls.role, offered === "active" ? "server" : "client");
        assert.equal(offerer.webrtcStats().dtls.role, offered === "active" ? "client" : "server");
      });
    }
  });
}

function fixture(name: string): string {
  return readFileSync(new URL(name, CORPUS), "latin1");
}

/** The promise's value, or the error it rejected with (always an Error: anything else fails the test). */
async function settle<T>(work: Promise<T>): Promise<T | Error> {
  try {
    return await work;
  } catch (error) {
    assert.ok(error instanceof Error, `rejected with a non-Error: ${String(error)}`);
    return error;
  }
}

function assertRefused(result: unknown, reasons: readonly RegExp[]): void {
  assert.ok(result instanceof SdpUnusableError, `expected SdpUnusableError, got ${String(result)}`);
  assert.equal(result.code, "MEDIA");
  for (const reason of reasons) assert.match(result.message, reason);
}

function assertAnswer(offer: string, answer: string, setup: string, rejectedSections: number): void {
  assert.ok(!/[^\r]\n/.test(answer) && answer.endsWith("\r\n"), "the answer uses CRLF");
  const ours = splitSdp(answer);
  const theirs = splitSdp(offer);
  // RFC 3264 6: as many m-lines as the offer, in order; what we do not bridge is rejected with port 0.
  assert.deepEqual(
    ours.media.map((section) => section[0]?.split(" ")[0]),
    theirs.media.map((section) => section[0]?.split(" ")[0]),
  );
  assert.equal(ours.media.filter((section) => section[0]?.split(" ")[1] === "0").length, rejectedSections);
  const audioIndex = ours.media.findIndex((section) => section[0]?.startsWith("m=audio "));
  const audio = ours.media[audioIndex] ?? [];
  const mLine = audio[0]?.split(" ") ?? [];
  assert.equal(mLine[2], "UDP/TLS/RTP/SAVPF");
  const rtpmap = (pt: string): string | undefined =>
    audio.find((line) => line.startsWith(`a=rtpmap:${pt} `))?.split(" ")[1];
  const encodings = mLine.slice(3).map(rtpmap);
  assert.ok(
    encodings.some((e) => e === "PCMA/8000" || e === "PCMU/8000"),
    `no G.711 in ${audio[0]}`,
  );
  assert.ok(encodings.includes("telephone-event/8000"), `no telephone-event/8000 in ${audio.join(" | ")}`);
  assert.ok(!encodings.some((e) => e !== undefined && /telephone-event\/(?!8000)/.test(e)));
  // The answer names the offer's media by the offer's mid (RFC 5888 9.1), or the index for a section without one.
  const offeredMid = attribute(theirs.media[audioIndex] ?? [], "mid");
  assert.equal(
    attribute(audio, "mid"),
    offeredMid === undefined || offeredMid === "" ? String(audioIndex) : offeredMid,
  );
  assert.equal(attribute(audio, "setup"), setup);
  assert.ok(attribute(audio, "ice-ufrag") !== undefined && attribute(audio, "ice-pwd") !== undefined);
  assert.match(attribute(audio, "fingerprint") ?? "", /^sha-256 [0-9A-F:]{95}$/);
  const candidates = audio.flatMap((line) => {
    const candidate = parseCandidate(line);
    return candidate === undefined ? [] : [candidate];
  });
  assert.ok(candidates.length > 0, "our candidates are in the answer");
  assert.ok(candidates.every((c) => c.address === "127.0.0.1"));
  assert.ok(audio.includes("a=end-of-candidates"));
  // RFC 8839 4.2.1.2: m= and c= name the default candidate, not 9 / 0.0.0.0.
  const chosen = defaultCandidate(candidates);
  assert.ok(chosen !== undefined);
  assert.equal(mLine[1], String(chosen.port));
  assert.ok(audio.includes(`c=IN IP4 ${chosen.address}`), `c= names ${chosen.address}`);
}

function connected(bridge: WebRtcBridge): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out after 8000 ms waiting for connected")), 8000);
    bridge.events.on("connected", () => {
      clearTimeout(timer);
      resolve();
    });
    bridge.events.on("failed", (f) => {
      clearTimeout(timer);
      reject(new Error(`${f.failure}: ${f.reason}`));
    });
  });
}
