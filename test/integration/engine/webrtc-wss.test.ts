/**
 * The built-in webrtc_uac / webrtc_uas as they are, over secure WebSocket (RFC 7118, -t wss1, certificates made
 * by the test), inside a private network namespace (werift gathers every interface address: there, loopback is
 * the only one): one call, ICE and DTLS connected, the audio checks of both scenarios pass, records say WSS.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultRunConfig } from "../../../src/cli/parse-args.js";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../../helpers/netns.js";
import { makeTestCerts, type TestCerts } from "../../helpers/test-certs.js";
import { describeRun, prepareSide, withTempDir } from "./run-pair.js";

/** The command line's WebRTC defaults, with host candidates on loopback. */
function webrtcOptions(): RunConfig["webrtcOptions"] {
  const defaults = defaultRunConfig({ isTTY: false, cwd: process.cwd(), primaryIp: "127.0.0.1" }).webrtcOptions;
  return { ...defaults, candidateAddresses: ["127.0.0.1"] };
}

if (insidePrivateNetwork()) {
  describe("WebRTC over WSS (inside a private network namespace)", () => {
    let certs: TestCerts;
    before(() => {
      certs = makeTestCerts();
    });
    after(() => {
      certs.cleanup();
    });

    it("webrtc_uac -> webrtc_uas over -t wss1: one call, ICE and DTLS connected, audio checks pass", () =>
      withTempDir(async (dir) => {
        const uas = await prepareSide(dir, "uas", {
          scenarioName: "webrtc_uas",
          maxCalls: 1,
          transport: "wss1",
          tls: { certFile: certs.server.cert, keyFile: certs.server.key },
          webrtcOptions: webrtcOptions(),
        });
        const uac = await prepareSide(dir, "uac", {
          scenarioName: "webrtc_uac",
          maxCalls: 1,
          transport: "wss1",
          tls: { caFile: certs.ca.cert },
          remoteHost: "127.0.0.1",
          remotePort: uas.environment.values.localPort,
          webrtcOptions: webrtcOptions(),
        });
        const [uasResult, uacResult] = await Promise.all([uas.run(), uac.run()]);
        assert.equal(uacResult.exitCode, 0, describeRun(uacResult));
        assert.equal(uasResult.exitCode, 0, describeRun(uasResult));
        for (const side of ["uac", "uas"]) {
          const [record] = await readCallRecords(join(dir, side, "call_records.jsonl"));
          assert.ok(record !== undefined, side);
          assert.equal(record.transport, "WSS");
          assert.equal(record.result, "success", record.failure?.reason);
          assert.equal(record.webrtc?.ice.connection, "connected", side);
          assert.equal(record.webrtc.dtls.state, "connected", side);
          assert.ok(record.media?.audio_checks.length && record.media.audio_checks.every((c) => c.passed), side);
        }
      }));
  });
} else {
  declarePrivateNetworkRun("WebRTC over WSS", import.meta.url, { timeoutMs: 120_000 });
}
