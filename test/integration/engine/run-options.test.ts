/**
 * Run options that change how calls are driven: -users (closed loop) and -aa (automatic answers), sipwright against
 * sipwright on 127.0.0.1.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { prepareRun } from "../../../src/engine/execute-run.js";
import { loadScenarioText } from "../../../src/scenario/load-scenario.js";
import { ConfigError } from "../../../src/shared/errors.js";
import { counter, describeRun, featureFixture, runPair, sideConfig, withTempDir } from "./run-pair.js";

describe("run options", () => {
  it("-users 5 keeps exactly five calls in progress and starts a user's next call when its call ends", async () => {
    const { uas, uac } = await runPair({
      uas: { scenarioName: "uas", maxCalls: 30 },
      uac: { scenarioName: "uac", maxCalls: 30, users: 5, rate: 1, defaultPauseMs: 200 },
    });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(uac.snapshot.succeeded.cumulative, 30);
    // At rate 1 call/s a rate-driven run would never have 5 calls at once within 200 ms pauses.
    assert.equal(uac.snapshot.peakCurrent, 5);
    assert.equal(uas.snapshot.succeeded.cumulative, 30);
  });

  it("-aa answers an unexpected in-dialog INFO with 200 and the call goes on", async () => {
    const calls = 5;
    const { uas, uac } = await runPair({
      uas: { scenarioFile: featureFixture("unexp-uas.xml"), maxCalls: calls },
      uac: { scenarioName: "uac", maxCalls: calls, rate: 20, autoAnswer: true, defaultPauseMs: 500 },
    });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(uac.snapshot.succeeded.cumulative, calls);
    assert.equal(uac.snapshot.autoAnswered.cumulative, calls);
    assert.equal(uas.exitCode, 0, describeRun(uas));
    assert.equal(counter(uas.snapshot, "info_answered"), calls);
  });

  it("without -aa the same INFO is an unexpected message that fails the call", async () => {
    const calls = 3;
    const { uac } = await runPair({
      uas: { scenarioFile: featureFixture("unexp-uas.xml"), maxCalls: calls },
      uac: { scenarioName: "uac", maxCalls: calls, rate: 20, autoAnswer: false, defaultPauseMs: 500 },
    });
    assert.equal(uac.exitCode, 1, describeRun(uac));
    assert.equal(uac.snapshot.failures.unexpected_message.cumulative, calls);
    assert.equal(uac.snapshot.autoAnswered.cumulative, 0);
  });

  it('rejects webrtc="true" before any call while the WebRTC bridge is not available', async () => {
    const xml = `<scenario name="w" webrtc="true"><send><![CDATA[
      OPTIONS sip:[service]@[remote_ip] SIP/2.0
      Call-ID: [call_id]
      Content-Length: 0
    ]]></send></scenario>`;
    const scenario = loadScenarioText(xml, "w.xml");
    await withTempDir(async (dir) => {
      const config = sideConfig(dir, { remoteHost: "127.0.0.1", remotePort: 9 });
      await assert.rejects(prepareRun({ config, scenario: { scenario, label: "w.xml" } }), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /WebRTC bridge is not available/);
        return true;
      });
    });
  });
});
