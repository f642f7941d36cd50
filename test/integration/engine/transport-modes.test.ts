/**
 * The four SIPp transport modes, sipwright against sipwright on 127.0.0.1: u1 (one UDP socket), un (a UDP socket
 * per call), t1 (one TCP connection), tn (a TCP connection per call).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TransportMode } from "../../../src/engine/run/run-config.js";
import { describeRun, runPair } from "./run-pair.js";

const MODES: readonly { uac: TransportMode; uas: TransportMode }[] = [
  { uac: "u1", uas: "u1" },
  { uac: "un", uas: "u1" },
  { uac: "t1", uas: "t1" },
  { uac: "tn", uas: "tn" },
];

describe("transport modes", () => {
  for (const mode of MODES) {
    it(`completes 20 calls with the uac on -t ${mode.uac} and the uas on -t ${mode.uas}`, async () => {
      const calls = 20;
      const { uas, uac } = await runPair({
        uas: { scenarioName: "uas", maxCalls: calls, transport: mode.uas },
        uac: { scenarioName: "uac", maxCalls: calls, rate: 50, transport: mode.uac },
      });
      assert.equal(uac.exitCode, 0, describeRun(uac));
      assert.equal(uas.exitCode, 0, describeRun(uas));
      assert.equal(uac.snapshot.succeeded.cumulative, calls);
      assert.equal(uas.snapshot.succeeded.cumulative, calls);
      // Over TCP nothing is ever retransmitted (RFC 3261 17.1.1.2: Timer A only for unreliable transports).
      if (mode.uac.startsWith("t")) assert.equal(uac.snapshot.retransmissions.cumulative, 0);
    });
  }
});
