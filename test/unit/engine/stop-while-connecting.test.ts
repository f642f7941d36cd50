/**
 * A stop (SIGTERM: now; SIGINT: graceful) while a call's own connection (-t tn) is still opening: once the
 * connection opens, the call ends aborted without sending anything, and its connection is released. It used to send
 * its INVITE anyway, after the stop, and the run waited for that new call. Under the FakeClock, with the connection
 * a promise the test resolves.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SipConnection } from "../../../src/sip/transport.js";
import type { Call } from "../../../src/engine/call/call.js";
import type { StopMode } from "../../../src/engine/run/run-state.js";
import type { RunOutcome } from "../../../src/engine/run/run-controller.js";
import { FakeConnection, startFakeRun, type FakeRun } from "./fake-run-environment.js";
import { request } from "./scenario-snippets.js";

const SCENARIO = `<scenario name="invite">\n${request("INVITE")}\n<recv response="200"/>\n</scenario>`;

interface OpeningRun {
  readonly run: FakeRun;
  readonly ended: Call[];
  /** Opens the first call's connection (-t tn: its own TCP connection) and returns it. */
  readonly open: () => FakeConnection;
}

/** A -t tn run whose first call waits for its connection until `open()`. */
function startOpeningRun(): OpeningRun {
  let resolve: ((connection: SipConnection) => void) | undefined;
  const opening = new Promise<SipConnection>((r) => (resolve = r));
  const ended: Call[] = [];
  const run = startFakeRun(SCENARIO, {
    transport: "TCP",
    config: { transport: "tn", maxCalls: 1 },
    beforeStart: (controller, env) => {
      // As the network environment does for -t tn: a connection per call, closed when the call is released.
      env.connectionForNewCall = () => opening;
      env.releaseConnection = (connection) => connection.close();
      controller.on("callEnded", (call) => ended.push(call));
    },
  });
  return {
    run,
    ended,
    open: () => {
      const connection = new FakeConnection("TCP", run.clock);
      assert.ok(resolve);
      resolve(connection);
      return connection;
    },
  };
}

/** The run's outcome, or a failure after `ms` of real time (the run ends within microtasks once nothing is left). */
function ended(done: Promise<RunOutcome>, ms = 5000): Promise<RunOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the run did not end within ${ms} ms`)), ms);
  });
  return Promise.race([done, bound]).finally(() => clearTimeout(timer));
}

/** Lets the promise callbacks of an opened connection run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("a stop while a call's connection is opening (-t tn)", () => {
  it("without a stop, the call sends its INVITE on the connection once it opens", async () => {
    const { run, open } = startOpeningRun();
    assert.equal(run.controller.activeCalls, 0);
    const connection = open();
    await settle();
    assert.deepEqual(
      connection.sent.map((m) => m.firstLine.split(" ")[0]),
      ["INVITE"],
    );
    run.controller.stop("now");
    await ended(run.done);
  });

  for (const [mode, signal] of [
    ["now", "SIGTERM"],
    ["graceful", "SIGINT"],
  ] as const satisfies readonly (readonly [StopMode, string])[]) {
    it(`stop ${mode} (${signal}): the call opens its connection, sends nothing and ends aborted`, async () => {
      const { run, ended: calls, open } = startOpeningRun();
      run.controller.stop(mode, "signal");
      await settle();
      // The run waits for the call that is opening: its connection, once open, must be released.
      assert.equal(run.outcome(), undefined);
      const connection = open();
      await settle();
      assert.deepEqual(
        connection.sent.map((m) => m.firstLine),
        [],
        "nothing may be sent after the stop",
      );
      const outcome = await ended(run.done);
      assert.equal(connection.closed, true, "the connection is released");
      assert.equal(calls.length, 1);
      const outcomeOfCall = calls[0]?.outcome;
      assert.equal(outcomeOfCall?.result === "failure" ? outcomeOfCall.failure : outcomeOfCall?.result, "aborted");
      assert.equal(outcome.reason, "signal");
    });
  }
});
