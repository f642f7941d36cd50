/**
 * Run options that change how calls are driven: -users (closed loop) and -aa (automatic answers), sipwright against
 * sipwright on 127.0.0.1.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { prepareRun } from "../../../src/engine/run/execute-run.js";
import { loadScenarioText } from "../../../src/scenario/load-scenario.js";
import { ScenarioError } from "../../../src/shared/errors.js";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { counter, describeRun, featureFixture, prepareSide, runPair, sideConfig, withTempDir } from "./run-pair.js";

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

  it("rejects a scenario that renders [webrtc_offer] without WebRTC before any call, naming where", async () => {
    const xml = `<scenario name="w"><send><![CDATA[
      INVITE sip:[service]@[remote_ip] SIP/2.0
      Call-ID: [call_id]
      Content-Length: [len]

      [webrtc_offer]
    ]]></send></scenario>`;
    const scenario = loadScenarioText(xml, "w.xml");
    await withTempDir(async (dir) => {
      const config = sideConfig(dir, { remoteHost: "127.0.0.1", remotePort: 9 });
      await assert.rejects(prepareRun({ config, scenario: { scenario, label: "w.xml" } }), (error: unknown) => {
        assert.ok(error instanceof ScenarioError);
        assert.deepEqual(
          error.problems.map((p) => `${p.loc.file}:${p.loc.line}:${p.loc.column}`),
          ["w.xml:6:7"],
        );
        assert.match(error.problems[0]?.message ?? "", /\[webrtc_offer\] needs a WebRTC run.*--webrtc/);
        return true;
      });
    });
  });

  for (const name of ["rtp_uas", "rtp_uac"]) {
    it(`refuses --webrtc with ${name}, whose own RTP/AVP SDP cannot start ICE, naming the m= line`, async () => {
      await withTempDir(async (dir) => {
        const config = sideConfig(dir, { scenarioName: name, remoteHost: "127.0.0.1", remotePort: 9, webrtc: true });
        await assert.rejects(prepareRun({ config }), (error: unknown) => {
          assert.ok(error instanceof ScenarioError, String(error));
          const [problem] = error.problems;
          assert.equal(problem?.loc.file, `builtin:${name}`);
          assert.match(problem.message, /writes its own SDP; WebRTC needs \[webrtc_offer\] \/ \[webrtc_answer\]/);
          return true;
        });
      });
    });
  }

  it("-rsa sends to another address than the one the messages name", async () => {
    await withTempDir(async (dir) => {
      const uas = await prepareSide(dir, "uas", {
        scenarioName: "uas",
        maxCalls: 3,
        trace: { ...sideConfig(dir, {}).trace, msg: true },
      });
      const uasPort = uas.environment.values.localPort;
      // The messages name 127.0.0.2:5099 (nothing listens there); -rsa carries them to the UAS.
      const uac = await prepareSide(dir, "uac", {
        scenarioName: "uac",
        maxCalls: 3,
        rate: 20,
        remoteHost: "127.0.0.2",
        remotePort: 5099,
        remoteSendAddress: { host: "127.0.0.1", port: uasPort },
      });
      const [uasResult, uacResult] = await Promise.all([uas.run(), uac.run()]);
      assert.equal(uacResult.exitCode, 0, describeRun(uacResult));
      assert.equal(uasResult.snapshot.succeeded.cumulative, 3);
      const log = (await readdir(uasResult.outDir)).find((f) => f.endsWith("_messages.log"));
      assert.ok(log !== undefined);
      const text = await readFile(join(uasResult.outDir, log), "latin1");
      assert.match(text, /INVITE sip:service@127\.0\.0\.2:5099 SIP\/2\.0/);
    });
  });

  it("-rate_increase ramps the rate up to -rate_max, then the run stops by itself", async () => {
    await withTempDir(async (dir) => {
      const uas = await prepareSide(dir, "uas", { scenarioName: "uas" });
      const uasPort = uas.environment.values.localPort;
      const uac = await prepareSide(dir, "uac", {
        scenarioName: "uac",
        remoteHost: "127.0.0.1",
        remotePort: uasPort,
        rate: 10,
        rateIncrease: 10,
        rateIntervalMs: 300,
        rateMax: 30,
      });
      const uasDone = uas.run();
      const uacResult = await uac.run();
      uas.controller.stop("graceful");
      const uasResult = await uasDone;
      assert.equal(uacResult.exitCode, 0, describeRun(uacResult));
      assert.equal(uacResult.reason, "rate_max");
      assert.ok(uacResult.snapshot.succeeded.cumulative >= 3, describeRun(uacResult));
      assert.equal(uasResult.snapshot.succeeded.cumulative, uacResult.snapshot.succeeded.cumulative);
    });
  });
});
