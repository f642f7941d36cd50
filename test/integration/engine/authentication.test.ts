/**
 * Digest authentication end to end: a sipwright UAC answering a 401 with [authentication] against a sipwright UAS
 * that checks the Authorization header with verifyauth and answers 200 or 403.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { counter, describeRun, featureFixture, runPair, type PairResult } from "./run-pair.js";

async function authenticate(algorithm: string, password: string, calls: number): Promise<PairResult> {
  return runPair({
    uas: { scenarioFile: featureFixture("auth-uas.xml"), maxCalls: calls, keys: new Map([["algo", algorithm]]) },
    uac: {
      scenarioFile: featureFixture("auth-uac.xml"),
      maxCalls: calls,
      rate: 20,
      keys: new Map([["pw", password]]),
    },
  });
}

describe("[authentication] against verifyauth", { concurrency: true }, () => {
  it("an MD5 digest with qop=auth is accepted: the UAS answers 200 and the call succeeds", async () => {
    const calls = 2;
    const { uas, uac } = await authenticate("MD5", "secret", calls);
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(uac.snapshot.succeeded.cumulative, calls);
    assert.equal(uas.exitCode, 0, describeRun(uas));
    assert.equal(counter(uas.snapshot, "auth_ok"), calls);
    assert.equal(counter(uas.snapshot, "auth_rejected"), 0);
  });

  it("a SHA-256 digest with qop=auth is accepted: the UAS answers 200 and the call succeeds", async () => {
    const calls = 2;
    const { uas, uac } = await authenticate("SHA-256", "secret", calls);
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(uac.snapshot.succeeded.cumulative, calls);
    assert.equal(counter(uas.snapshot, "auth_ok"), calls);
  });

  it("a wrong password is rejected with 403, which fails the UAC's call as an unexpected message", async () => {
    const calls = 2;
    const { uas, uac } = await authenticate("MD5", "not-the-secret", calls);
    assert.equal(counter(uas.snapshot, "auth_rejected"), calls, describeRun(uas));
    assert.equal(counter(uas.snapshot, "auth_ok"), 0);
    assert.equal(uac.exitCode, 1, describeRun(uac));
    assert.equal(uac.snapshot.failures.unexpected_message.cumulative, calls, describeRun(uac));
  });
});
