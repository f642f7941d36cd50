/**
 * The built-in registrar and calls for the registered contact, over the connection the REGISTER came in on:
 * a registered user agent calling through the registrar, and the registrar (-set place_call 1) calling the
 * registered Contact. UDP, TCP and WebSocket; with "tn" / "wsn" every UAC call has its own connection.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { counter, describeRun, featureFixture } from "./run-pair.js";
import type { LoggedMessage } from "./message-log.js";
import type { CallRecord } from "../../../src/records/call-record.js";
import { runRegistration } from "./registration-pair.js";

const baseCallId = (m: LoggedMessage): string => (m.header("Call-ID") ?? "").replace(/^.*\/\/\//, "");

/**
 * Each UAC call's socket / connection (its record's local port) is where the registrar's call for that
 * registration saw its first request come from (its record's remote port): the registration and its call share it.
 * With "tn" every UAC call has a connection of its own, so the ports are all different.
 */
function assertOneConnectionPerRegistration(
  uasRecords: readonly CallRecord[],
  uacRecords: readonly CallRecord[],
  calls: number,
  transport: string,
): void {
  assert.equal(uasRecords.length, calls);
  assert.equal(uacRecords.length, calls);
  const uacPorts = uacRecords.map((r) => r.local.port).sort();
  const uasPeers = uasRecords.map((r) => r.remote.port).sort();
  assert.deepEqual(uasPeers, uacPorts);
  if (transport.endsWith("n")) assert.equal(new Set(uacPorts).size, calls, "one connection per UAC call");
}

describe("calls for the registered contact", { concurrency: true }, () => {
  for (const transport of ["u1", "tn", "wsn"] as const) {
    it(`a registered UA calls through the registrar over ${transport} (2 registrations)`, async () => {
      const calls = 2;
      const { uas, uac, wire, uasRecords, uacRecords } = await runRegistration({
        uacScenarioFile: featureFixture("register-call-uac.xml"),
        calls,
        transport,
      });
      assert.equal(uac.exitCode, 0, describeRun(uac));
      assert.equal(uac.snapshot.succeeded.cumulative, calls);
      assert.equal(uas.exitCode, 0, describeRun(uas));
      assert.equal(counter(uas.snapshot, "registered"), calls);
      assert.equal(counter(uas.snapshot, "calls_answered"), calls);
      assert.equal(counter(uas.snapshot, "unregistered"), calls);

      const invites = wire.filter((m) => m.direction === "sent" && m.startLine.startsWith("INVITE "));
      assert.equal(new Set(invites.map((m) => m.header("Call-ID"))).size, calls);
      for (const invite of invites) assert.match(invite.header("Call-ID") ?? "", /^call\/\/\//);
      assertOneConnectionPerRegistration(uasRecords, uacRecords, calls, transport);
    });

    it(`the registrar calls the registered Contact over ${transport} (-set place_call 1)`, async () => {
      const calls = 2;
      const { uas, uac, wire, uasRecords, uacRecords } = await runRegistration({
        uacScenarioFile: featureFixture("register-answer-uac.xml"),
        uasSet: { place_call: "1" },
        calls,
        transport,
      });
      assert.equal(uac.exitCode, 0, describeRun(uac));
      assert.equal(counter(uac.snapshot, "answered"), calls);
      assert.equal(uas.exitCode, 0, describeRun(uas));
      assert.equal(counter(uas.snapshot, "calls_placed"), calls);
      assert.equal(counter(uas.snapshot, "unregistered"), calls);

      const received = wire.filter((m) => m.direction === "received" && m.startLine.startsWith("INVITE "));
      assert.equal(received.length, calls, received.map((m) => m.startLine).join(" | "));
      for (const invite of received) {
        const register = wire.find(
          (m) =>
            m.direction === "sent" && m.startLine.startsWith("REGISTER ") && m.header("Call-ID") === baseCallId(invite),
        );
        assert.ok(register !== undefined, "the INVITE's registration");
        // The Request-URI is the registered Contact; its host is .invalid (as on WebSocket, RFC 7118), so the
        // INVITE can only have come over the registration's own flow, never by resolving the Contact.
        const contact = /<([^>]+)>/.exec(register.header("Contact") ?? "")?.[1] ?? "?";
        assert.match(contact, /@\d+\.registered\.invalid;/);
        assert.equal(invite.startLine, `INVITE ${contact} SIP/2.0`);
        assert.equal(invite.transport, { u1: "UDP", tn: "TCP", wsn: "WS" }[transport]);
      }
      assertOneConnectionPerRegistration(uasRecords, uacRecords, calls, transport);
    });
  }
});
