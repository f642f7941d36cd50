import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { FakeHost, build, failureOf, mustBuild } from "./fake-host.js";

void describe("index, gettimeofday", () => {
  void it("index stores the current step index as a double", () => {
    const host = new FakeHost({ msgIndex: 5 });
    mustBuild("index", { assign_to: "here" }).execute(host);
    assert.deepEqual(host.variables.get("here"), { type: "double", value: 5 });
  });

  void it("gettimeofday stores epoch seconds and microseconds of the run's wall clock", () => {
    const host = new FakeHost({ startWallMs: 1_700_000_000_000, tickMs: 1234.5 });
    mustBuild("gettimeofday", { assign_to: "sec,usec" }).execute(host);
    assert.deepEqual(host.variables.get("sec"), { type: "double", value: 1_700_000_001 });
    assert.deepEqual(host.variables.get("usec"), { type: "double", value: 234_500 });
  });

  void it("gettimeofday needs exactly two variables", () => {
    assert.match(build("gettimeofday", { assign_to: "sec" }).problems.join(), /exactly two variables/);
  });
});

void describe("jump, pauserestore", () => {
  void it("jump asks the host to continue at the value or the variable, truncated", () => {
    const host = new FakeHost({ msgIndex: 1 }).with("_unexp.retaddr", 6.9);
    mustBuild("jump", { value: "4" }).execute(host);
    mustBuild("jump", { variable: "_unexp.retaddr" }).execute(host);
    assert.deepEqual(host.calls, [
      { kind: "jumpTo", index: 4 },
      { kind: "jumpTo", index: 6 },
    ]);
  });

  void it("jump to the current step is a fatal error, as in SIPp", () => {
    const host = new FakeHost({ msgIndex: 4 });
    const result = mustBuild("jump", { value: "4" }).execute(host);
    assert.equal(failureOf(result), "scenario_error");
    assert.equal(host.calls[0]?.kind, "fatal");
  });

  void it("pauserestore hands the saved pause end to the host", () => {
    const host = new FakeHost().with("_unexp.pausedaddr", 15000);
    mustBuild("pauserestore", { variable: "_unexp.pausedaddr" }).execute(host);
    assert.deepEqual(host.calls, [{ kind: "restorePause", untilMs: 15000 }]);
  });
});

void describe("log, warning, error", () => {
  void it("expand keywords and go to host.log, host.warning and host.fatal; error stops the call's actions", () => {
    const host = new FakeHost();
    assert.deepEqual(mustBuild("log", { message: "call [call_number]" }).execute(host), { ok: true });
    assert.deepEqual(mustBuild("warning", { message: "careful" }).execute(host), { ok: true });
    const result = mustBuild("error", { message: "boom [call_id]" }).execute(host);
    assert.equal(failureOf(result), "scenario_error");
    assert.deepEqual(host.calls, [
      { kind: "log", text: "call 7" },
      { kind: "warning", text: "careful" },
      { kind: "fatal", text: "boom call-7@test" },
    ]);
  });
});

void describe("exec", () => {
  void it("int_cmd stop_call, stop_gracefully and stop_now go to host.internalCommand", () => {
    const host = new FakeHost();
    for (const cmd of ["stop_call", "stop_gracefully", "stop_now"]) {
      assert.deepEqual(mustBuild("exec", { int_cmd: cmd }).execute(host), { ok: true });
    }
    assert.deepEqual(host.calls, [
      { kind: "internalCommand", command: "stop_call" },
      { kind: "internalCommand", command: "stop_gracefully" },
      { kind: "internalCommand", command: "stop_now" },
    ]);
  });

  void it("command expands keywords and goes to host.execCommand", () => {
    const host = new FakeHost();
    mustBuild("exec", { command: "echo [call_id] >> /tmp/x" }).execute(host);
    assert.deepEqual(host.calls, [{ kind: "execCommand", text: "echo call-7@test >> /tmp/x" }]);
  });

  void it("rejects an unknown int_cmd, command with int_cmd, and an exec with neither", () => {
    assert.match(build("exec", { int_cmd: "stop" }).problems.join(), /"stop" is not one of stop_call/);
    assert.match(build("exec", { command: "x", int_cmd: "stop_now" }).problems.join(), /mutually exclusive/);
    assert.match(build("exec", {}).problems.join(), /needs a 'command' or an 'int_cmd'/);
  });
});

void describe("setdest, closecon", () => {
  void it("setdest renders host, port and protocol and hands them to the host", () => {
    const host = new FakeHost().with("p", "5090");
    mustBuild("setdest", { host: "10.1.2.3", port: "[$p]", protocol: "udp" }).execute(host);
    assert.deepEqual(host.calls, [{ kind: "setDestination", host: "10.1.2.3", port: 5090, protocol: "UDP" }]);
  });

  void it("setdest with a port that is not a number or an unknown protocol is fatal", () => {
    const badPort = new FakeHost();
    const r1 = mustBuild("setdest", { host: "h", port: "50x", protocol: "udp" }).execute(badPort);
    assert.equal(failureOf(r1), "scenario_error");
    const badProtocol = new FakeHost();
    const r2 = mustBuild("setdest", { host: "h", port: "5060", protocol: "ws" }).execute(badProtocol);
    assert.equal(failureOf(r2), "scenario_error");
    assert.equal(badProtocol.calls[0]?.kind, "fatal");
  });

  void it("closecon asks the host to close the connection and takes no attributes", () => {
    const host = new FakeHost();
    mustBuild("closecon", {}).execute(host);
    assert.deepEqual(host.calls, [{ kind: "closeConnection" }]);
    assert.match(build("closecon", { now: "true" }).problems.join(), /unknown attribute 'now' \(allowed: none\)/);
  });
});
