/**
 * sipwright's built-in scenarios against each other, both sides in this process over UDP on 127.0.0.1.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { describeRun, featureFixture, prepareSide, runPair, withTempDir } from "./run-pair.js";

describe("built-in scenarios against each other", { concurrency: true }, () => {
  it("regexp's three checked ereg actions pass against uas: every call succeeds", async () => {
    const calls = 3;
    const { uas, uac } = await runPair({
      uas: { scenarioName: "uas", maxCalls: calls },
      uac: { scenarioName: "regexp", maxCalls: calls, rate: 10 },
    });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(uac.snapshot.succeeded.cumulative, calls);
    assert.equal(uac.snapshot.failures.regexp_doesnt_match.cumulative, 0);
    assert.equal(uac.snapshot.failures.regexp_hdr_not_found.cumulative, 0);
    assert.equal(uas.exitCode, 0, describeRun(uas));
    assert.equal(uas.snapshot.succeeded.cumulative, calls);
  });

  it("branchc against branchs: the 403 path and the 200 path both end in success", async () => {
    // branchs answers 200 only when From contains "ua2" (call 2 of branchc), 403 otherwise (calls 1 and 3).
    const calls = 3;
    const { uas, uac } = await runPair({
      uas: { scenarioName: "branchs", maxCalls: calls },
      uac: { scenarioName: "branchc", maxCalls: calls, rate: 10 },
    });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(uac.snapshot.succeeded.cumulative, calls);
    assert.equal(uas.exitCode, 0, describeRun(uas));
    assert.equal(uas.snapshot.succeeded.cumulative, calls);
    // branchs steps: 0 REGISTER, 1 200, 2 INVITE, 3 180, 4 403, 5 100, 6 200, 7 ACK, 8 BYE, 9 200, 10 timewait.
    const steps = uas.snapshot.steps;
    assert.equal(steps[3]?.sent, calls, "every call gets the 180");
    assert.equal(steps[4]?.sent, 2, "calls 1 and 3 get the 403");
    assert.equal(steps[6]?.sent, 1, "call 2 gets the 200");
    // branchc steps: 7 optional 403 (next=1), 8 200, 9 ACK, 10 pause; the 403 jumps over the ACK and the pause.
    assert.equal(uac.snapshot.steps[7]?.received, 2);
    assert.equal(uac.snapshot.steps[9]?.sent, 1);
  });

  it("uas behind a Record-Routing proxy: its 180 and 200 echo the Record-Route and both Contacts say transport=udp", async () => {
    const { uas, uac } = await runPair({
      uas: { scenarioName: "uas", maxCalls: 1 },
      uac: { scenarioFile: featureFixture("record-route-uac.xml"), maxCalls: 1 },
    });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(uac.snapshot.succeeded.cumulative, 1);
    assert.equal(uac.snapshot.failures.regexp_doesnt_match.cumulative, 0);
    assert.equal(uac.snapshot.failures.regexp_hdr_not_found.cumulative, 0);
    assert.equal(uas.exitCode, 0, describeRun(uas));
  });

  it("a client run with -oocsn ooc_default answers an out-of-dialog OPTIONS with 200", async () => {
    // SIPp behaviour: out-of-call scenarios apply in client mode only ("SIPp cannot use out-of-call scenarios when
    // running in server mode"), so the run that receives the OPTIONS is a uac (calling a uas) with -oocsn.
    await withTempDir(async (dir) => {
      const uas = await prepareSide(dir, "uas", { scenarioName: "uas", maxCalls: 1 });
      const client = await prepareSide(dir, "client", {
        scenarioName: "uac",
        oocScenarioName: "ooc_default",
        remoteHost: "127.0.0.1",
        remotePort: uas.environment.values.localPort,
        maxCalls: 1,
        // Keep the uac call alive while the OPTIONS comes in.
        defaultPauseMs: 1500,
      });
      const pinger = await prepareSide(dir, "pinger", {
        scenarioFile: featureFixture("options-uac.xml"),
        remoteHost: "127.0.0.1",
        remotePort: client.environment.values.localPort,
        maxCalls: 1,
        // A Call-ID the client run has never seen (the default format would reuse the client's own "1-pid@ip").
        callIdFormat: "ooc-%u-%p@%s",
      });
      const [uasResult, clientResult, pingerResult] = await Promise.all([uas.run(), client.run(), pinger.run()]);
      assert.equal(pingerResult.exitCode, 0, describeRun(pingerResult));
      assert.equal(pingerResult.snapshot.succeeded.cumulative, 1);
      assert.equal(pingerResult.snapshot.steps[1]?.received, 1, "the pinger received its 200");
      assert.equal(clientResult.snapshot.incoming.cumulative, 1, "the OPTIONS started an out-of-call call");
      assert.equal(clientResult.snapshot.outOfCall.cumulative, 0, describeRun(clientResult));
      assert.equal(clientResult.snapshot.failed.cumulative, 0, describeRun(clientResult));
      assert.equal(uasResult.exitCode, 0, describeRun(uasResult));
    });
  });
});
