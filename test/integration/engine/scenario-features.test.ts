/**
 * The scenario language end to end: sipwright UAC fixtures against sipwright UAS fixtures, both in this process over
 * UDP on 127.0.0.1 (fixtures in test/fixtures/scenarios/features/).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { counter, describeRun, featureFixture, runPair } from "./run-pair.js";

/** The -key values options-uas.xml needs, with per-test overrides. */
function responderKeys(overrides: Record<string, string> = {}): Map<string, string> {
  return new Map(Object.entries({ tier: "basic", credit: "0", token_hdr: "Token", token: "abc123", ...overrides }));
}

function optionsResponder(calls: number, keys: Map<string, string>) {
  return { scenarioFile: featureFixture("options-uas.xml"), maxCalls: calls, keys };
}

describe("scenario features end to end", { concurrency: true }, () => {
  it("_unexp.main answers an unexpected mid-call INFO and jumps back via _unexp.retaddr: the call succeeds", async () => {
    const calls = 2;
    const { uas, uac } = await runPair({
      uas: { scenarioFile: featureFixture("unexp-uas.xml"), maxCalls: calls },
      uac: { scenarioFile: featureFixture("unexp-uac.xml"), maxCalls: calls, rate: 20 },
    });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(uac.snapshot.succeeded.cumulative, calls);
    assert.equal(counter(uac.snapshot, "unexpected_answered"), calls, "the handler answered each INFO");
    assert.equal(uac.snapshot.unexpected.cumulative, calls, "each INFO counted as unexpected");
    // unexp-uac steps: 0 INVITE, 1 200, 2 ACK, 3 pause, 4 BYE, 5 200; the handler returns to the pause, so the
    // BYE still goes out once per call.
    assert.equal(uac.snapshot.steps[4]?.sent, calls);
    assert.equal(uas.exitCode, 0, describeRun(uas));
    assert.equal(counter(uas.snapshot, "info_answered"), calls);
  });

  it('chance="0.5" on a next takes both branches over 200 calls', async () => {
    const calls = 200;
    const { uac } = await runPair({
      uas: optionsResponder(calls, responderKeys()),
      uac: { scenarioFile: featureFixture("chance-uac.xml"), maxCalls: calls, rate: 400 },
    });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    const heads = counter(uac.snapshot, "heads");
    const tails = counter(uac.snapshot, "tails");
    assert.equal(heads + tails, calls, `heads ${heads} + tails ${tails}`);
    // Binomial(200, 0.5): sd ~7; 60..140 is more than 5 sd from the mean.
    assert.ok(heads >= 60 && heads <= 140, `heads ${heads} is not near 100`);
  });

  it("test on a variable set by ereg, and on one set by a test action, picks the branch", async () => {
    const calls = 3;
    const rich = await runPair({
      uas: optionsResponder(calls, responderKeys({ tier: "premium", credit: "500" })),
      uac: { scenarioFile: featureFixture("branch-uac.xml"), maxCalls: calls, rate: 50 },
    });
    assert.equal(rich.uac.exitCode, 0, describeRun(rich.uac));
    assert.deepEqual(
      ["premium", "basic", "rich", "poor"].map((name) => counter(rich.uac.snapshot, name)),
      [calls, 0, calls, 0],
    );
    const poor = await runPair({
      uas: optionsResponder(calls, responderKeys({ tier: "basic", credit: "100" })),
      uac: { scenarioFile: featureFixture("branch-uac.xml"), maxCalls: calls, rate: 50 },
    });
    assert.equal(poor.uac.exitCode, 0, describeRun(poor.uac));
    assert.deepEqual(
      ["premium", "basic", "rich", "poor"].map((name) => counter(poor.uac.snapshot, name)),
      [0, calls, 0, calls],
    );
  });

  it("ereg check_it passes when the header is present and matches", async () => {
    const calls = 2;
    const { uac } = await runPair({
      uas: optionsResponder(calls, responderKeys({ token: "abc123" })),
      uac: { scenarioFile: featureFixture("ereg-check-uac.xml"), maxCalls: calls, rate: 50 },
    });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(uac.snapshot.succeeded.cumulative, calls);
  });

  it("ereg check_it fails the call with regexp_doesnt_match when the header value does not match", async () => {
    const calls = 2;
    const { uac } = await runPair({
      uas: optionsResponder(calls, responderKeys({ token: "xyz" })),
      uac: { scenarioFile: featureFixture("ereg-check-uac.xml"), maxCalls: calls, rate: 50 },
    });
    assert.equal(uac.exitCode, 1, describeRun(uac));
    assert.equal(uac.snapshot.failures.regexp_doesnt_match.cumulative, calls, describeRun(uac));
  });

  it("ereg check_it fails the call with regexp_hdr_not_found when the header is absent", async () => {
    const calls = 2;
    const { uac } = await runPair({
      uas: optionsResponder(calls, responderKeys({ token_hdr: "Other" })),
      uac: { scenarioFile: featureFixture("ereg-check-uac.xml"), maxCalls: calls, rate: 50 },
    });
    assert.equal(uac.exitCode, 1, describeRun(uac));
    assert.equal(uac.snapshot.failures.regexp_hdr_not_found.cumulative, calls, describeRun(uac));
  });

  it("[field0]/[field1] from a SEQUENTIAL -inf file reach the UAS, which checks them line by line", async () => {
    const calls = 3;
    const injectionFiles = [{ path: featureFixture("users.csv"), indexField: undefined }];
    const { uas, uac } = await runPair({
      uas: { scenarioFile: featureFixture("inject-uas.xml"), maxCalls: calls, injectionFiles },
      // -l 1: one call at a time, so the UAS sees call N as its own call N.
      uac: { scenarioFile: featureFixture("inject-uac.xml"), maxCalls: calls, rate: 50, limit: 1, injectionFiles },
    });
    assert.equal(uas.exitCode, 0, describeRun(uas));
    assert.equal(uas.snapshot.succeeded.cumulative, calls);
    assert.equal(uac.exitCode, 0, describeRun(uac));
  });

  it("a field that differs from the expected line fails the UAS's strcmp check", async () => {
    // The UAS expects users.csv line 1 (alice;1111); the UAC sends the first line of a shifted copy (bob;2222).
    const calls = 1;
    const { uas } = await runPair({
      uas: {
        scenarioFile: featureFixture("inject-uas.xml"),
        maxCalls: calls,
        injectionFiles: [{ path: featureFixture("users.csv"), indexField: undefined }],
      },
      uac: {
        scenarioFile: featureFixture("inject-uac.xml"),
        maxCalls: calls,
        rate: 50,
        injectionFiles: [{ path: featureFixture("users-shifted.csv"), indexField: undefined }],
        // The UAS fails its call and sends nothing: do not wait for INVITE retransmissions to run out.
        globalTimeoutMs: 2000,
      },
    });
    assert.equal(uas.exitCode, 1, describeRun(uas));
    assert.equal(uas.snapshot.failures.strcmp_doesnt_match.cumulative, calls, describeRun(uas));
  });
});
