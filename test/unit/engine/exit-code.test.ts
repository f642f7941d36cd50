import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sippExitCode, type ExitInput } from "../../../src/engine/run/exit-code.js";

const base: ExitInput = { reason: "completed", stoppedNow: false, timeoutError: false, succeeded: 10, failed: 0 };

describe("sippExitCode", () => {
  it("is 0 when every call succeeded and 1 when any failed", () => {
    assert.equal(sippExitCode(base), 0);
    assert.equal(sippExitCode({ ...base, failed: 1 }), 1);
  });
  it("is 99 when no call was processed", () => {
    assert.equal(sippExitCode({ ...base, reason: "signal", succeeded: 0 }), 99);
  });
  it("is 97 for the global timeout, or 1 with -timeout_error", () => {
    assert.equal(sippExitCode({ ...base, reason: "global_timeout" }), 97);
    assert.equal(sippExitCode({ ...base, reason: "global_timeout", timeoutError: true }), 1);
  });
  it("is 97 for exec int_cmd stop_now, and the call result for stop_gracefully", () => {
    assert.equal(sippExitCode({ ...base, reason: "internal_command", stoppedNow: true }), 97);
    assert.equal(sippExitCode({ ...base, reason: "internal_command" }), 0);
  });
  it("is 255 for a fatal error whatever the calls did", () => {
    assert.equal(sippExitCode({ ...base, reason: "fatal" }), 255);
  });
});
