/**
 * The built-in `register` UAC against the built-in `registrar` UAS (sipwright <-> sipwright on 127.0.0.1): digest
 * challenge (401 / 407, MD5 / SHA-256, qop=auth), a short granted expiry (2 s) refreshed at half of it, and the
 * unREGISTER; the UAC's REGISTERs are read back from its -trace_msg log and checked on the wire.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { counter, describeRun, featureFixture } from "./run-pair.js";
import type { LoggedMessage } from "./message-log.js";
import { GRANTED_S, runRegistration as register } from "./registration-pair.js";

/** The UAC's REGISTERs, one per transaction (a UDP retransmission has the same branch and is left out). */
function registers(wire: readonly LoggedMessage[]): LoggedMessage[] {
  const seen = new Set<string>();
  return wire.filter((m) => {
    if (m.direction !== "sent" || !m.startLine.startsWith("REGISTER ")) return false;
    const key = m.header("Via") ?? "";
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function cseqNumber(m: LoggedMessage): number {
  return Number((m.header("CSeq") ?? "").split(/\s+/)[0]);
}

/** RFC 3261 10.2: one Call-ID and From tag for every REGISTER, CSeq +1 each time, a new branch, no To tag. */
function assertRegisterSequence(sent: readonly LoggedMessage[]): void {
  const first = sent[0];
  assert.ok(first !== undefined, "no REGISTER sent");
  const callId = first.header("Call-ID");
  const from = first.header("From");
  assert.match(from ?? "", /;tag=\S+/);
  sent.forEach((m, i) => {
    assert.equal(m.header("Call-ID"), callId, `REGISTER ${i + 1}: Call-ID`);
    assert.equal(m.header("From"), from, `REGISTER ${i + 1}: From (and its tag)`);
    assert.doesNotMatch(m.header("To") ?? "", /;tag=/i, `REGISTER ${i + 1}: To has no tag`);
    assert.equal(cseqNumber(m), cseqNumber(first) + i, `REGISTER ${i + 1}: CSeq`);
    assert.match(m.header("CSeq") ?? "", /^\d+ REGISTER$/);
    assert.match(m.header("Contact") ?? "", /^<sip:alice@127\.0\.0\.1:\d+;transport=(UDP|TCP|WS)>$/);
  });
  assert.equal(new Set(sent.map((m) => m.header("Via"))).size, sent.length, "every REGISTER has its own branch");
}

describe("built-in register against the built-in registrar", { concurrency: true }, () => {
  it("MD5, 401: challenge answered with Authorization, one refresh at half the granted 2 s, then unREGISTER", async () => {
    const { uas, uac, wire } = await register({ uacSet: { refreshes: "1" } });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(uac.snapshot.succeeded.cumulative, 1);
    assert.equal(uas.exitCode, 0, describeRun(uas));
    assert.equal(counter(uas.snapshot, "registered"), 2, "initial registration + 1 refresh");
    assert.equal(counter(uas.snapshot, "unregistered"), 1);
    assert.equal(counter(uas.snapshot, "auth_rejected"), 0);

    const sent = registers(wire);
    // Each of the three registrations: without credentials, then with them after the 401.
    assert.equal(sent.length, 6, sent.map((m) => m.startLine).join(" | "));
    assertRegisterSequence(sent);
    sent.forEach((m, i) => {
      if (i % 2 === 0) assert.equal(m.header("Authorization"), undefined, `REGISTER ${i + 1}`);
      else assert.match(m.header("Authorization") ?? "", /^Digest username="alice", .*algorithm=MD5, .*qop=auth/);
      assert.equal(m.header("Proxy-Authorization"), undefined);
    });
    assert.deepEqual(
      sent.map((m) => m.header("Expires")),
      ["3600", "3600", "3600", "3600", "0", "0"],
    );

    // RFC 3261 10.2.4: the refresh waits for half the granted expiry, counted from the 200 that granted it.
    const granted = wire.find((m) => m.direction === "received" && m.startLine.startsWith("SIP/2.0 200"));
    assert.match(granted?.header("Contact") ?? "", new RegExp(`;expires=${GRANTED_S}$`));
    const refresh = sent[2];
    assert.ok(granted !== undefined && refresh !== undefined);
    const waited = refresh.timeMs - granted.timeMs;
    assert.ok(waited >= (GRANTED_S * 1000) / 2 - 50, `refresh ${waited} ms after the 200`);
  });

  it("SHA-256: the registrar's algorithm is answered with a SHA-256 digest and accepted", async () => {
    const { uas, uac, wire } = await register({ uasSet: { algorithm: "SHA-256" }, uacSet: { refreshes: "0" } });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(counter(uas.snapshot, "registered"), 1);
    assert.equal(counter(uas.snapshot, "unregistered"), 1);
    const sent = registers(wire);
    assert.equal(sent.length, 4);
    assertRegisterSequence(sent);
    const authorization = sent[1]?.header("Authorization") ?? "";
    assert.match(authorization, /algorithm=SHA-256, /);
    // RFC 7616 3.4.1, recomputed here (not with src/sip/digest.ts) from the header's own fields and the password.
    const p = (name: string): string => new RegExp(`[ ,]${name}="?([^",]*)"?`).exec(authorization)?.[1] ?? "";
    const H = (text: string): string => createHash("sha256").update(text).digest("hex");
    const ha1 = H(`alice:${p("realm")}:secret`);
    const ha2 = H(`REGISTER:${p("uri")}`);
    assert.equal(p("qop"), "auth");
    assert.equal(p("response"), H(`${ha1}:${p("nonce")}:${p("nc")}:${p("cnonce")}:auth:${ha2}`));
    assert.equal(p("uri"), sent[1]?.startLine.split(" ")[1], "digest-uri is the Request-URI (RFC 3261 22.4)");
  });

  it("two challenges (MD5, then SHA-256): the strongest is answered (RFC 8760)", async () => {
    const { uas, uac, wire } = await register({
      uasScenarioFile: featureFixture("two-challenges-registrar.xml"),
      uacSet: { refreshes: "0" },
    });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(counter(uas.snapshot, "sha256"), 1, describeRun(uas));
    const sent = registers(wire);
    assert.match(sent[1]?.header("Authorization") ?? "", /nonce="\d+s1", .*algorithm=SHA-256, /);
  });

  it("407: a proxy-style challenge is answered with Proxy-Authorization", async () => {
    const { uas, uac, wire } = await register({ uasSet: { challenge: "407" }, uacSet: { refreshes: "0" } });
    assert.equal(uac.exitCode, 0, describeRun(uac));
    assert.equal(counter(uas.snapshot, "registered"), 1);
    const sent = registers(wire);
    assert.equal(sent.length, 4);
    assert.ok(wire.some((m) => m.startLine === "SIP/2.0 407 Proxy Authentication Required"));
    assert.match(sent[1]?.header("Proxy-Authorization") ?? "", /^Digest username="alice", .*algorithm=MD5/);
    assert.equal(sent[1]?.header("Authorization"), undefined);
  });

  it("a wrong password gets 403 from verifyauth and the UAC's registration fails as unexpected_message", async () => {
    const calls = 2;
    const { uas, uac, uacRecords } = await register({ calls, uacPassword: "not-the-secret" });
    assert.equal(counter(uas.snapshot, "auth_rejected"), calls, describeRun(uas));
    assert.equal(counter(uas.snapshot, "registered"), 0);
    assert.equal(uac.exitCode, 1, describeRun(uac));
    assert.equal(uac.snapshot.failed.cumulative, calls);
    assert.equal(uac.snapshot.failures.unexpected_message.cumulative, calls, describeRun(uac));
    for (const record of uacRecords) {
      assert.equal(record.result, "failure");
      assert.ok(record.failure !== null, "a failed call has a failure");
      assert.equal(record.failure.class, "unexpected_message");
      assert.match(record.failure.reason, /403/);
    }
  });

  for (const [mode, transport] of [
    ["t1", "TCP"],
    ["ws1", "WS"],
  ] as const) {
    it(`over ${transport}: three registrations, two refreshes, all on one connection`, async () => {
      const { uas, uac, wire } = await register({ transport: mode, uacSet: { refreshes: "2" } });
      assert.equal(uac.exitCode, 0, describeRun(uac));
      assert.equal(counter(uas.snapshot, "registered"), 3);
      assert.equal(counter(uas.snapshot, "unregistered"), 1);
      const sent = registers(wire);
      assert.equal(sent.length, 8);
      assertRegisterSequence(sent);
      assert.ok(sent.every((m) => m.transport === transport));
      assert.ok(sent.every((m) => m.header("Via")?.startsWith(`SIP/2.0/${transport} `)));
    });
  }
});
