import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../src/shared/clock.js";
import { SharedConnection } from "../../../src/engine/run/shared-connection.js";
import type { ReconnectPolicy } from "../../../src/engine/run/run-config.js";
import type { Peer, SipConnection } from "../../../src/sip/transport.js";

/** A socket stand-in: records what it was sent. */
function socket(id: number, port: number): SipConnection & { sent: string[]; closedHere: boolean } {
  return {
    id,
    transport: "TLS",
    local: { host: "127.0.0.1", port },
    remote: { host: "127.0.0.1", port: 5061 },
    closed: false,
    pendingBytes: 0,
    sent: [],
    closedHere: false,
    send(data: Buffer, _to: Peer) {
      this.sent.push(data.toString());
      return true;
    },
    close() {
      this.closedHere = true;
    },
  };
}

const TO = { host: "127.0.0.1", port: 5061 };
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(policy: ReconnectPolicy, dials: (() => Promise<SipConnection>)[]) {
  const clock = new FakeClock();
  const failures: string[] = [];
  let reconnected = 0;
  let dialed = 0;
  const first = socket(1, 40000);
  const shared = new SharedConnection(
    first,
    policy,
    () => {
      const next = dials[dialed++];
      if (next === undefined) throw new Error("dialed more often than the test allows");
      return next();
    },
    clock,
    { reconnectFailed: (e) => failures.push(e.message), reconnected: () => reconnected++ },
  );
  return { clock, shared, first, failures, reconnected: () => reconnected, dialed: () => dialed };
}

void describe("SharedConnection (SIPp reset_connection)", () => {
  void it("with -max_reconnect 0 gives up at once: calls fail, waiting new calls are rejected", async () => {
    const t = setup({ max: 0, sleepMs: 1000, closeCalls: false }, []);
    assert.equal(t.shared.send(Buffer.from("x"), TO), true);
    const plan = t.shared.lost("connection reset by peer (ECONNRESET)");
    assert.deepEqual(plan, { closeCalls: true, reconnect: false });
    assert.equal(t.shared.closed, true);
    assert.equal(t.shared.send(Buffer.from("y"), TO), false);
    const waiting = t.shared.ready();
    assert.ok(waiting instanceof Promise);
    await assert.rejects(
      waiting,
      /the shared connection is lost \(connection reset by peer \(ECONNRESET\)\); Max number of reconnections reached/,
    );
    t.shared.close();
    t.clock.advance(5000);
    assert.equal(t.dialed(), 0);
  });

  void it("reconnects after -reconnect_sleep; new calls wait and then use the new socket", async () => {
    const second = socket(2, 40001);
    const t = setup({ max: 1, sleepMs: 250, closeCalls: true }, [() => Promise.resolve(second)]);
    assert.deepEqual(t.shared.lost("connection closed by peer"), { closeCalls: true, reconnect: true });
    const waiting = t.shared.ready();
    assert.ok(waiting instanceof Promise);
    t.clock.advance(249);
    assert.equal(t.dialed(), 0);
    t.clock.advance(1);
    assert.equal(t.dialed(), 1);
    assert.equal(await waiting, t.shared);
    assert.equal(t.reconnected(), 1);
    assert.equal(t.shared.owns(second), true);
    assert.equal(t.shared.owns(t.first), false);
    assert.deepEqual(t.shared.local, second.local);
    assert.equal(t.shared.send(Buffer.from("after"), TO), true);
    assert.deepEqual(second.sent, ["after"]);
    // The one reconnection is used: the next loss is final.
    assert.deepEqual(t.shared.lost("connection closed by peer"), { closeCalls: true, reconnect: false });
  });

  void it("-reconnect_close false keeps the calls; a failed reconnection is reported as another loss", async () => {
    const refused = Object.assign(new Error("cannot connect: connection refused (ECONNREFUSED)"), {});
    const third = socket(3, 40002);
    const t = setup({ max: -1, sleepMs: 100, closeCalls: false }, [
      () => Promise.reject(refused),
      () => Promise.resolve(third),
    ]);
    assert.deepEqual(t.shared.lost("connection reset by peer"), { closeCalls: false, reconnect: true });
    t.clock.advance(100);
    await flush();
    assert.deepEqual(t.failures, [refused.message]);
    // The run hands the failure back as a loss; -1 always allows one more.
    assert.deepEqual(t.shared.lost(refused.message), { closeCalls: false, reconnect: true });
    t.clock.advance(100);
    await flush();
    assert.equal(t.shared.closed, false);
    assert.equal(t.shared.owns(third), true);
  });

  void it("close() during -reconnect_sleep cancels the reconnection", () => {
    const t = setup({ max: 3, sleepMs: 100, closeCalls: true }, []);
    t.shared.lost("connection closed by peer");
    t.shared.close();
    t.clock.advance(1000);
    assert.equal(t.dialed(), 0);
    assert.equal(t.first.closedHere, true);
  });
});
