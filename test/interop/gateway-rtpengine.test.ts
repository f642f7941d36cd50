/**
 * Issue 8's gateway case with real Debian programs, inside a private network namespace (`unshare -n`, lo only):
 * sipwright's webrtc_uac over WebSocket (-t ws1, and -t wss1 with the test's CA) -> Kamailio 5.6 (websocket +
 * rtpengine modules, Record-Routing, test/fixtures/kamailio/webrtc-gateway.cfg.template) -> `sipp -sn uas
 * -rtp_echo` over UDP, with rtpengine 10.5
 * (userspace) relaying the media: WebRTC (ICE, DTLS-SRTP, AVPF, rtcp-mux) on the WebSocket leg, plain RTP/AVP on
 * the sipp leg; rtpengine is sipwright's ICE and DTLS peer.
 * Checks: every call succeeds; sipp never saw an INFO (its -trace_msg); each record shows ICE and DTLS connected,
 * packets both ways, and the echoed 440 Hz tone in the received channel of its WAV.
 * Then 15 calls with rtpengine as DTLS server (`DTLS=passive`): before src/media/webrtc/dtls-fresh-records.ts about one
 * in four stalled (rtpengine dropped werift's byte-identical retransmissions as replays), see docs/gateways.md.
 */
import { after, describe, it, type TestContext } from "node:test";
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
/** Calls with rtpengine as DTLS server: issue 8 saw 5 of 21 stall (2 of 15 in half the runs). */
const PASSIVE_CALLS = 15;
/**
 * ICE connected -> DTLS connected on loopback: werift waits 100 ms before its ClientHello, and about one call in
 * four rtpengine completes only on our first retransmission of flight 5 (500 ms later, in new records); a stalled
 * handshake never connects (dtls_failed).
 */
const PASSIVE_DTLS_BOUND_MS = 1500;
const SCENARIO = fileURLToPath(new URL("../fixtures/scenarios/gateway/webrtc_uac_echo.xml", import.meta.url));

after(stopStartedProcesses);

if (insidePrivateNetwork()) {
  declareTests();
} else {
  declarePrivateNetworkRun("webrtc_uac through Kamailio + rtpengine to sipp -rtp_echo", import.meta.url, {
    timeoutMs: 600_000,
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
async function withGateway(
  echoTarget: string,
  body: (gateway: Gateway) => Promise<void>,
  rtpengineDtls: "active" | "passive" = "active",
): Promise<void> {
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
      rtpengineDtls,
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
        // rtpengine answers our actpass with a=setup:active: it is the DTLS client, sipwright the server.
        await echoCalls(t, { mode, calls: CALLS, rtpengineDtls: "active", ourRole: "server" });
      });
    }
  });

  describe("rtpengine as DTLS server (DTLS=passive): the handshake completes on every call (RFC 6347 4.2.4)", () => {
    it(`-t ws1, ${PASSIVE_CALLS} calls: all succeed with sipwright the DTLS client, DTLS connected within ${PASSIVE_DTLS_BOUND_MS} ms of ICE`, async (t) => {
      const records = await echoCalls(t, {
        mode: "ws1",
        calls: PASSIVE_CALLS,
        rtpengineDtls: "passive",
        ourRole: "client",
      });
      const spans = records.map((r) => {
        const timings = r.webrtc?.timings_ms;
        return (timings?.dtls_connected ?? Infinity) - (timings?.ice_connected ?? 0);
      });
      t.diagnostic(`ICE connected -> DTLS connected (ms): ${spans.join(" ")}`);
      assert.ok(
        spans.every((ms) => ms <= PASSIVE_DTLS_BOUND_MS),
        `ICE -> DTLS connected over ${PASSIVE_DTLS_BOUND_MS} ms: ${spans.join(" ")}`,
      );
    });
  });
}

interface EchoCalls {
  readonly mode: "ws1" | "wss1";
  readonly calls: number;
  readonly rtpengineDtls: "active" | "passive";
  /** sipwright's expected DTLS role. */
  readonly ourRole: "client" | "server";
}

type Records = Awaited<ReturnType<typeof readCallRecords>>;

/** `calls` echo calls one at a time through the gateway; every check on every record; returns the records. */
async function echoCalls(t: TestContext, options: EchoCalls): Promise<Records> {
  const { mode, calls: CALLS } = options;
  let result: Records = [];
  const sippPort = await freeUdpPort();
  await withGateway(
    `sip:127.0.0.1:${sippPort}`,
    async ({ dir, caFile, kamailio }) => {
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
        { timeoutMs: 60_000 + CALLS * 15_000 },
      );
      const context = (): string =>
        `--- sipwright ---\n${uac.stdout}\n${uac.stderr}\n--- sipp ---\n${describeProcess(sipp, 30)}`;
      // SIPp behaviour: SIGUSR1 is sipp's soft quit; a UAS whose calls never completed would wait for them.
      if (uac.code !== 0) {
        sipp.kill("SIGUSR1");
        const failures = (await readCallRecords(join(out, "call_records.jsonl"))).map((r) => r.failure);
        const messages = await readFile(join(out, "sipwright-messages.log"), "latin1");
        assert.fail(`sipwright exit ${uac.code}: ${JSON.stringify(failures)}\n${messages.slice(-6000)}\n${context()}`);
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
        assert.equal(webrtc.dtls.role, options.ourRole);
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
      result = records;
    },
    options.rtpengineDtls,
  );
  return result;
}
