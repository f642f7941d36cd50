/**
 * The browser-softphone path with sipwright as the far end of the browser's secure WebSocket (issue 8): a sip.js
 * softphone in headless Chromium (test/helpers/sipjs-softphone.ts) and sipwright serving `-t wss1` with a
 * certificate made by the test, inside a private network namespace (`unshare -n`, lo only).
 * 1. The page calls sipwright's built-in webrtc_uas with its own WebRTC offer: sipwright answers with
 *    [webrtc_answer]; the page's 440 Hz tone is in sipwright's WAV, sipwright's 880 Hz is measured in the page.
 * 2. The page registers at sipwright, and sipwright calls it: the INVITE goes over the browser's own WebSocket
 *    connection to its `.invalid` Contact, the browser answers; sipwright's 440 Hz is measured in the page and the
 *    page's 880 Hz is in sipwright's WAV (test/fixtures/scenarios/softphone/register_then_call_webrtc.xml).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PreparedRun, RunResult } from "../../src/engine/run/execute-run.js";
import type { RunConfig } from "../../src/engine/run/run-config.js";
import { chromiumUnavailable } from "../helpers/chromium-peer.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../helpers/netns.js";
import { stopStartedProcesses } from "../helpers/processes.js";
import { SipJsSoftphone } from "../helpers/sipjs-softphone.js";
import { assertHeard, onlyRecord, prepareWebRtcSide, softphoneScenario } from "../helpers/softphone-sides.js";
import { makeTestCerts, type TestCerts } from "../helpers/test-certs.js";
import { describeRun } from "../integration/engine/run-pair.js";
import { waitInboundPackets } from "../helpers/inbound-audio.js";

/** Bound on every single wait (launch, registration, call set-up, tone). */
const WAIT_MS = 15_000;
/** The tones are near -12 dBFS (RMS about 0.2); above 0.05 is the tone, not silence. */
const MIN_RMS = 0.05;

after(stopStartedProcesses);

if (insidePrivateNetwork()) {
  declareTests();
} else {
  declarePrivateNetworkRun("a sip.js softphone and sipwright over WSS", import.meta.url, {
    timeoutMs: 240_000,
    unavailable: chromiumUnavailable(),
  });
}

interface Lab {
  readonly dir: string;
  /** The server side's run, started before the body (it ends by itself: one call, or its global timeout). */
  readonly run: Promise<RunResult>;
  readonly wssUrl: string;
  readonly phone: SipJsSoftphone;
}

/** A sipwright `-t wss1` server side and a softphone; stopped and removed afterwards, whatever the test did. */
async function withLab(server: Partial<RunConfig>, body: (lab: Lab) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "sipwright-softphone-wss-"));
  let certs: TestCerts | undefined;
  let phone: SipJsSoftphone | undefined;
  let side: PreparedRun | undefined;
  let run: Promise<RunResult> | undefined;
  try {
    certs = makeTestCerts();
    side = await prepareWebRtcSide(dir, "server", {
      transport: "wss1",
      tls: { certFile: certs.server.cert, keyFile: certs.server.key },
      ...server,
    });
    phone = await SipJsSoftphone.launch(WAIT_MS);
    const wssUrl = `wss://127.0.0.1:${side.environment.values.localPort}`;
    run = side.run();
    try {
      await body({ dir, run, wssUrl, phone });
    } catch (error) {
      const trace = await phone.trace().catch((traceError: unknown) => `(no trace: ${String(traceError)})`);
      throw new Error(`${String(error)}\n--- page SIP trace ---\n${trace}`, { cause: error });
    }
  } finally {
    try {
      await phone?.close();
    } finally {
      // A run that was started closes its own transport when it ends; one that was not is closed here.
      if (run !== undefined) await run;
      else await side?.environment.close();
      certs?.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function declareTests(): void {
  describe("a sip.js softphone in Chromium and sipwright -t wss1", () => {
    it("the page calls sipwright's webrtc_uas over WSS, which answers with [webrtc_answer]: audio both ways", () =>
      withLab({ scenarioName: "webrtc_uas" }, async ({ dir, run, wssUrl, phone }) => {
        await phone.start(wssUrl, "sip:alice@127.0.0.1", 440, WAIT_MS);
        await phone.call(`sip:service@${wssUrl.slice("wss://".length)};transport=wss`, WAIT_MS);
        const tone = await phone.measureRemoteTone(MIN_RMS, 1500, WAIT_MS);
        assert.ok(Math.abs(tone.peakHz - 880) <= 880 * 0.02, `AnalyserNode peak ${tone.peakHz} Hz`);
        // A wait for the count, not a count after some wall-clock time: a busy machine only makes it slower.
        await waitInboundPackets(phone, 50, WAIT_MS);
        // 2.5 s of the page's tone sent (50 packets/s) before the BYE, however slowly the machine started it.
        await phone.sent(125, WAIT_MS);
        await phone.hangup(WAIT_MS);
        const result = await run;
        assert.equal(result.exitCode, 0, describeRun(result));
        assertHeard(await onlyRecord(dir, "server"), 440);
      }));

    it("the page registers at sipwright, which calls it over the browser's own WSS connection: audio both ways", () =>
      withLab(
        { scenarioFile: softphoneScenario("register_then_call_webrtc.xml") },
        async ({ dir, run, wssUrl, phone }) => {
          await phone.start(wssUrl, "sip:alice@127.0.0.1", 880, WAIT_MS);
          const answered = phone.answer(WAIT_MS);
          await phone.register(WAIT_MS);
          await answered;
          const tone = await phone.measureRemoteTone(MIN_RMS, 1000, WAIT_MS);
          assert.ok(Math.abs(tone.peakHz - 440) <= 440 * 0.02, `AnalyserNode peak ${tone.peakHz} Hz`);
          await phone.ended(WAIT_MS);
          const result = await run;
          assert.equal(result.exitCode, 0, describeRun(result));
          assertHeard(await onlyRecord(dir, "server"), 880);
        },
      ));
  });
}
