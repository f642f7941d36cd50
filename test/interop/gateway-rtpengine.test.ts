/**
 * Issue 8's gateway case with real Debian programs, inside a private network namespace (`unshare -n`, lo only):
 * sipwright's webrtc_uac over WebSocket (-t ws1, and -t wss1 with the test's CA) -> Kamailio 5.6 (websocket +
 * rtpengine modules, Record-Routing, test/fixtures/kamailio/webrtc-gateway.cfg.template) -> `sipp -sn uas
 * -rtp_echo` over UDP, with rtpengine 10.5
 * (userspace) relaying the media: WebRTC (ICE, DTLS-SRTP, AVPF, rtcp-mux) on the WebSocket leg, plain RTP/AVP on
 * the sipp leg; rtpengine is sipwright's ICE and DTLS peer.
 * Checks: every call succeeds; sipp never saw an INFO (its -trace_msg); each record shows ICE and DTLS connected,
 * packets both ways, and the echoed 440 Hz tone in the received channel of its WAV.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readCallRecords } from "../helpers/call-record-schema.js";
import { freeUdpPort, waitUntilBound } from "../helpers/free-port.js";
import { kamailioUnavailable, startKamailio, type Kamailio } from "../helpers/kamailio.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../helpers/netns.js";
import { describeProcess, stopStartedProcesses, waitExit } from "../helpers/processes.js";
import { rtpengineUnavailable, startRtpengine, type Rtpengine } from "../helpers/rtpengine.js";
import { startSipp } from "../helpers/sipp.js";
import { runSipwright } from "../helpers/sipwright.js";
import { makeTestCerts } from "../helpers/test-certs.js";
import { analyzeTone, readWavFile } from "../helpers/wav-audio.js";

const CALLS = 3;
const SCENARIO = fileURLToPath(new URL("../fixtures/scenarios/gateway/webrtc_uac_echo.xml", import.meta.url));

after(stopStartedProcesses);

if (insidePrivateNetwork()) {
  declareTests();
} else {
  declarePrivateNetworkRun("webrtc_uac through Kamailio + rtpengine to sipp -rtp_echo", import.meta.url, {
    timeoutMs: 240_000,
    unavailable: kamailioUnavailable() ?? rtpengineUnavailable(),
  });
}

interface Gateway {
  readonly dir: string;
  /** The CA that signed Kamailio's WSS certificate (for sipwright's -tls_ca). */
  readonly caFile: string;
  readonly kamailio: Kamailio;
  readonly rtpengine: Rtpengine;
}

/** rtpengine, then Kamailio routing requests for user "echo" to `echoTarget`; both stopped by pid afterwards. */
async function withGateway(echoTarget: string, body: (gateway: Gateway) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "sipwright-gateway-rtpengine-"));
  const certs = makeTestCerts();
  let rtpengine: Rtpengine | undefined;
  let kamailio: Kamailio | undefined;
  try {
    rtpengine = await startRtpengine();
    kamailio = await startKamailio({
      dir,
      tls: certs.server,
      template: "webrtc-gateway",
      rtpengineNgPort: rtpengine.ngPort,
      staticRoutes: { echo: echoTarget },
    });
    try {
      await body({ dir, caFile: certs.ca.cert, kamailio, rtpengine });
    } catch (error) {
      throw new Error(
        `${String(error)}\n--- kamailio ---\n${kamailio.proc.stderr().slice(-8000)}\n--- rtpengine ---\n${rtpengine.proc.stderr().slice(-8000)}`,
        { cause: error },
      );
    }
  } finally {
    try {
      await kamailio?.stop();
    } finally {
      await rtpengine?.stop();
      certs.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function declareTests(): void {
  describe("webrtc_uac over WS -> Kamailio + rtpengine -> sipp -sn uas -rtp_echo (real Debian programs)", () => {
    for (const mode of ["ws1", "wss1"] as const) {
      it(`-t ${mode}, ${CALLS} calls: all succeed, no INFO reaches sipp, ICE + DTLS connected, the echo is heard`, async (t) => {
        const sippPort = await freeUdpPort();
        await withGateway(`sip:127.0.0.1:${sippPort}`, async ({ dir, caFile, kamailio }) => {
          const sippTrace = join(dir, "sipp-messages.log");
          const sipp = await startSipp([
            ...["-sn", "uas", "-rtp_echo", "-i", "127.0.0.1", "-p", String(sippPort), "-m", String(CALLS)],
            ...["-trace_msg", "-message_file", sippTrace],
          ]);
          await waitUntilBound(sippPort, "udp", 15_000, () => !sipp.isAlive());
          const out = join(dir, "uac");
          const uac = await runSipwright(
            [
              ...["-sf", SCENARIO, "-t", mode, `127.0.0.1:${mode === "ws1" ? kamailio.wsPort : kamailio.wssPort}`],
              ...(mode === "wss1" ? ["-tls_ca", caFile] : []),
              // sip:echo@<kamailio>: Kamailio's static route sends it to sipp.
              ...["-s", "echo"],
              ...["-i", "127.0.0.1", "-p", "0", "-m", String(CALLS), "-l", "1"],
              ...["-trace_msg", "-message_file", join(out, "sipwright-messages.log")],
              ...["--record-stereo", "--out", out, "--status", "none", "-timeout", "60s"],
            ],
            { timeoutMs: 120_000 },
          );
          const context = (): string =>
            `--- sipwright ---\n${uac.stdout}\n${uac.stderr}\n--- sipp ---\n${describeProcess(sipp, 30)}`;
          // SIPp behaviour: SIGUSR1 is sipp's soft quit; a UAS whose calls never completed would wait for them.
          if (uac.code !== 0) {
            sipp.kill("SIGUSR1");
            const failures = (await readCallRecords(join(out, "call_records.jsonl"))).map((r) => r.failure);
            const messages = await readFile(join(out, "sipwright-messages.log"), "latin1");
            assert.fail(
              `sipwright exit ${uac.code}: ${JSON.stringify(failures)}\n${messages.slice(-6000)}\n${context()}`,
            );
          }
          // -m: sipp ends by itself after its calls and their timewait.
          const sippStatus = await waitExit(sipp, 30_000);
          assert.equal(sippStatus.code, 0, context());
          const trace = await readFile(sippTrace, "latin1");
          assert.match(trace, /^INVITE sip:/m, "sipp's message trace");
          assert.doesNotMatch(trace, /^INFO /m, "sipp received an INFO");
          const records = await readCallRecords(join(out, "call_records.jsonl"));
          assert.equal(records.length, CALLS);
          for (const record of records) {
            assert.equal(record.result, "success", `${record.failure?.class} ${record.failure?.reason}`);
            assert.equal(record.transport, mode === "ws1" ? "WS" : "WSS");
            const webrtc = record.webrtc;
            assert.ok(webrtc !== null);
            assert.ok(webrtc.timings_ms.ice_connected !== null, "ICE connected");
            assert.ok(webrtc.timings_ms.dtls_connected !== null, "DTLS connected");
            assert.equal(webrtc.ice.connection, "connected");
            assert.equal(webrtc.dtls.state, "connected");
            // rtpengine answers our actpass with a=setup:active: it is the DTLS client, sipwright the server.
            assert.equal(webrtc.dtls.role, "server");
            const media = record.media;
            assert.ok(media !== null);
            assert.ok(media.sent.packets > 0 && media.received.packets > 0, JSON.stringify(media));
            // The echo returns what rtpengine forwarded to it: all of it but what came before the paths were up.
            assert.ok(media.received.packets >= media.sent.packets * 0.8, JSON.stringify(media));
            assert.equal(webrtc.trickle.infos_sent, 0, "no trickle INFO");
            assert.ok(media.audio_checks.length > 0 && media.audio_checks.every((check) => check.passed));
            const [wav] = media.recordings;
            assert.ok(wav !== undefined, "a recording");
            const [, received] = readWavFile(wav).channels;
            assert.ok(received !== undefined, "a stereo recording");
            const tone = analyzeTone(received, 440);
            assert.ok(tone.toneSeconds >= 1, `440 Hz for ${tone.toneSeconds} s`);
            t.diagnostic(
              `call ${record.call_number}: ${JSON.stringify({ dtls: webrtc.dtls, ice: webrtc.ice.connection })}`,
            );
            t.diagnostic(`call ${record.call_number}: timings_ms ${JSON.stringify(webrtc.timings_ms)}`);
          }
        });
      });
    }
  });
}
