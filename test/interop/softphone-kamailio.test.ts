/**
 * The browser-softphone path through a real WebSocket SIP proxy (issue 8): Kamailio 5.6 from Debian with its
 * websocket and tls modules (test/helpers/kamailio.ts, configuration from test/fixtures/kamailio/), a sip.js
 * softphone in headless Chromium (test/helpers/sipjs-softphone.ts) and sipwright, all inside a private network
 * namespace (`unshare -n`, lo only). Kamailio is registrar and Record-Routing proxy; the page connects over WSS.
 * 1. The page registers over WSS and calls a sipwright UAS that Kamailio reaches over UDP: the page's 440 Hz
 *    tone is in sipwright's WAV, sipwright's 880 Hz is measured by the page's AnalyserNode.
 * 2. sipwright calls the registered page through Kamailio (UDP in, the page's own WSS connection out): the page
 *    answers with its WebRTC answer, sipwright's 440 Hz is measured in the page, the page's 880 Hz is in the WAV.
 * The sipwright UAS is the built-in webrtc_uas (it echoes Record-Route); the UAC is the built-in webrtc_uac's flow
 * with the route set followed (test/fixtures/scenarios/softphone/webrtc_uac_proxied.xml).
 */
import { after, describe, it } from "node:test";
import type { RunResult } from "../../src/engine/run/execute-run.js";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromiumUnavailable } from "../helpers/chromium-peer.js";
import { kamailioUnavailable, startKamailio, type Kamailio } from "../helpers/kamailio.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../helpers/netns.js";
import { stopStartedProcesses } from "../helpers/processes.js";
import { SipJsSoftphone } from "../helpers/sipjs-softphone.js";
import { assertHeard, onlyRecord, prepareWebRtcSide, softphoneScenario } from "../helpers/softphone-sides.js";
import { makeTestCerts, type TestCerts } from "../helpers/test-certs.js";
import { describeRun } from "../integration/engine/run-pair.js";
import { waitInboundPackets } from "../helpers/inbound-audio.js";

/** Bound on every single wait (launch, registration, call set-up, tone). */
const WAIT_MS = 15_000;
/** -10 dBFS-ish tones have an RMS near 0.2; above 0.05 is the tone, not silence. */
const MIN_RMS = 0.05;

after(stopStartedProcesses);

if (insidePrivateNetwork()) {
  declareTests();
} else {
  declarePrivateNetworkRun("a sip.js softphone and sipwright through Kamailio over WSS", import.meta.url, {
    timeoutMs: 240_000,
    unavailable: chromiumUnavailable() ?? kamailioUnavailable(),
  });
}

interface Proxy {
  readonly dir: string;
  readonly kamailio: Kamailio;
  readonly certs: TestCerts;
}

interface Lab extends Proxy {
  readonly phone: SipJsSoftphone;
}

/**
 * Kamailio with `staticRoutes` (returned by `prepare`, which runs first: e.g. to bind the sipwright UAS Kamailio
 * routes to); stopped by pid and its folder removed afterwards, whatever the test did. Its log is added to a failure.
 */
async function withKamailio(
  prepare: (dir: string) => Promise<Readonly<Record<string, string>>>,
  body: (proxy: Proxy) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "sipwright-softphone-kamailio-"));
  const certs = makeTestCerts();
  let kamailio: Kamailio | undefined;
  try {
    const staticRoutes = await prepare(dir);
    kamailio = await startKamailio({ dir, tls: certs.server, staticRoutes });
    try {
      await body({ dir, kamailio, certs });
    } catch (error) {
      throw new Error(`${String(error)}\n--- kamailio ---\n${kamailio.proc.stderr()}`, { cause: error });
    }
  } finally {
    try {
      await kamailio?.stop();
    } finally {
      certs.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** withKamailio plus a sip.js softphone in Chromium (closed afterwards; its SIP trace added to a failure). */
function withLab(
  prepare: (dir: string) => Promise<Readonly<Record<string, string>>>,
  body: (lab: Lab) => Promise<void>,
): Promise<void> {
  return withKamailio(prepare, async (proxy) => {
    const phone = await SipJsSoftphone.launch(WAIT_MS);
    try {
      await body({ ...proxy, phone });
    } catch (error) {
      const trace = await phone.trace().catch((traceError: unknown) => `(no trace: ${String(traceError)})`);
      throw new Error(`${String(error)}\n--- page SIP trace ---\n${trace}`, { cause: error });
    } finally {
      await phone.close();
    }
  });
}

function declareTests(): void {
  /**
   * A sipwright webrtc_uas for Kamailio's static route "uas", its run started at once (it ends by itself: one call,
   * or its global timeout), so that its socket is closed whatever happens later in the test.
   */
  async function startUas(dir: string): Promise<{ run: Promise<RunResult>; route: string }> {
    const uas = await prepareWebRtcSide(dir, "uas", { scenarioName: "webrtc_uas" });
    return { run: uas.run(), route: `sip:127.0.0.1:${uas.environment.values.localPort};transport=udp` };
  }
  let uasRun: Promise<RunResult> | undefined;
  describe("a sip.js softphone in Chromium and sipwright through Kamailio (websocket + tls modules)", () => {
    it("the page registers over WSS and calls a sipwright UAS behind Kamailio (UDP): audio both ways", async () => {
      await withLab(
        async (dir) => {
          const uas = await startUas(dir);
          uasRun = uas.run;
          return { uas: uas.route };
        },
        async ({ dir, kamailio, phone }) => {
          assert.ok(uasRun !== undefined);
          await phone.start(kamailio.wssUrl, "sip:alice@127.0.0.1", 440, WAIT_MS);
          await phone.register(WAIT_MS);
          await phone.call(`sip:uas@127.0.0.1:${kamailio.wssPort}`, WAIT_MS);
          const tone = await phone.measureRemoteTone(MIN_RMS, 1500, WAIT_MS);
          assert.ok(Math.abs(tone.peakHz - 880) <= 880 * 0.02, `AnalyserNode peak ${tone.peakHz} Hz`);
          // A wait for the count, not a count after some wall-clock time: a busy machine only makes it slower.
          await waitInboundPackets(phone, 50, WAIT_MS);
          // 2.5 s of the page's tone sent (50 packets/s) before the BYE, however slowly the machine started it.
          await phone.sent(125, WAIT_MS);
          await phone.hangup(WAIT_MS);
          const result = await uasRun;
          assert.equal(result.exitCode, 0, describeRun(result));
          assertHeard(await onlyRecord(dir, "uas"), 440);
        },
      );
    });

    it("sipwright calls the page registered at Kamailio: the INVITE reaches it over its WSS connection, audio both ways", () =>
      withLab(
        () => Promise.resolve({}),
        async ({ dir, kamailio, phone }) => {
          await phone.start(kamailio.wssUrl, "sip:alice@127.0.0.1", 880, WAIT_MS);
          await phone.register(WAIT_MS);
          const uac = await prepareWebRtcSide(dir, "uac", {
            scenarioFile: softphoneScenario("webrtc_uac_proxied.xml"),
            service: "alice",
            remoteHost: "127.0.0.1",
            remotePort: kamailio.udpPort,
          });
          const answered = phone.answer(WAIT_MS);
          const uacRun = uac.run();
          await answered;
          const tone = await phone.measureRemoteTone(MIN_RMS, 1000, WAIT_MS);
          assert.ok(Math.abs(tone.peakHz - 440) <= 440 * 0.02, `AnalyserNode peak ${tone.peakHz} Hz`);
          await phone.ended(WAIT_MS);
          const result = await uacRun;
          assert.equal(result.exitCode, 0, describeRun(result));
          assertHeard(await onlyRecord(dir, "uac"), 880);
        },
      ));

    it("sipwright webrtc_uac over WSS -> Kamailio -> sipwright webrtc_uas over UDP: the call succeeds with audio both ways", () =>
      withKamailio(
        async (dir) => {
          const uas = await startUas(dir);
          uasRun = uas.run;
          return { uas: uas.route };
        },
        async ({ dir, kamailio, certs }) => {
          assert.ok(uasRun !== undefined);
          // -t wss1 to Kamailio's WSS port, verifying its certificate against the test CA (-tls_ca).
          const uac = await prepareWebRtcSide(dir, "uac", {
            scenarioFile: softphoneScenario("webrtc_uac_proxied.xml"),
            service: "uas",
            transport: "wss1",
            tls: { caFile: certs.ca.cert },
            remoteHost: "127.0.0.1",
            remotePort: kamailio.wssPort,
          });
          const [uasResult, uacResult] = await Promise.all([uasRun, uac.run()]);
          assert.equal(uacResult.exitCode, 0, describeRun(uacResult));
          assert.equal(uasResult.exitCode, 0, describeRun(uasResult));
          assertHeard(await onlyRecord(dir, "uac"), 880);
          assertHeard(await onlyRecord(dir, "uas"), 440);
        },
      ));
  });
}
