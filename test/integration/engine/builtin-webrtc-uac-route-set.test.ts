/**
 * The built-in webrtc_uac follows the dialog's route set (RFC 3261 12.2.1.1): through the Record-Routing test proxy
 * (test/helpers/sip-test-proxy.ts) towards the built-in webrtc_uas, its ACK and BYE carry `Route: <proxy;lr>` and the
 * UAS Contact as Request-URI. werift runs here, so the file runs inside a private network namespace.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defaultRunConfig } from "../../../src/cli/parse-args.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../../helpers/netns.js";
import { SipTestProxy } from "../../helpers/sip-test-proxy.js";
import { describeRun, prepareSide, withTempDir } from "./run-pair.js";

if (insidePrivateNetwork()) {
  describe("built-in webrtc_uac and the route set (inside a private network namespace)", () => {
    it("ACK and BYE carry Route: <proxy;lr>, go through the proxy, Request-URI = the webrtc_uas Contact", () =>
      withTempDir(async (dir) => {
        const defaults = defaultRunConfig({ isTTY: false, cwd: process.cwd(), primaryIp: "127.0.0.1" }).webrtcOptions;
        const webrtcOptions = { ...defaults, candidateAddresses: ["127.0.0.1"] };
        const uas = await prepareSide(dir, "uas", { scenarioName: "webrtc_uas", maxCalls: 1, webrtcOptions });
        const uasPort = uas.environment.values.localPort;
        const proxy = await SipTestProxy.open({ uas: { host: "127.0.0.1", port: uasPort } });
        try {
          const uac = await prepareSide(dir, "uac", {
            scenarioName: "webrtc_uac",
            remoteHost: "127.0.0.1",
            remotePort: proxy.port,
            maxCalls: 1,
            webrtcOptions,
          });
          const [uasResult, uacResult] = await Promise.all([uas.run(), uac.run()]);
          assert.equal(uacResult.exitCode, 0, describeRun(uacResult));
          assert.equal(uacResult.snapshot.succeeded.cumulative, 1);
          assert.equal(uasResult.exitCode, 0, describeRun(uasResult));
          for (const method of ["ACK", "BYE"]) {
            const requests = proxy.messages("uac", new RegExp(`^${method} `));
            assert.ok(requests.length >= 1, `${method}: none through the proxy`);
            for (const request of requests) {
              assert.equal(request.split("\r\n")[0], `${method} sip:127.0.0.1:${uasPort};transport=udp SIP/2.0`);
              assert.match(request, new RegExp(`\\r\\nRoute: <sip:127\\.0\\.0\\.1:${proxy.port};lr>\\r\\n`));
            }
          }
        } finally {
          await proxy.close();
        }
      }));
  });
} else {
  declarePrivateNetworkRun("built-in webrtc_uac and the route set", import.meta.url, { timeoutMs: 180_000 });
}
