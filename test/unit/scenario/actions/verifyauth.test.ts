import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { FakeHost, mustBuild, sipMessage, type FakeHostOptions } from "./fake-host.js";

const md5 = (s: string): string => createHash("md5").update(s).digest("hex");

/** A REGISTER carrying an RFC 2617 qop=auth MD5 digest computed here, independently of src/sip/digest.ts. */
function registerWithAuthorization(password: string, run: FakeHostOptions["run"] = {}): FakeHost {
  const realm = "example.com";
  const nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  const uri = "sip:example.com";
  const cnonce = "0a4f113b";
  const nc = "00000001";
  const ha1 = md5(`alice:${realm}:${password}`);
  const ha2 = md5(`REGISTER:${uri}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const authorization =
    `Digest username="alice", realm="${realm}", nonce="${nonce}", uri="${uri}", ` +
    `response="${response}", algorithm=MD5, cnonce="${cnonce}", qop=auth, nc=${nc}`;
  const message = sipMessage([
    "REGISTER sip:example.com SIP/2.0",
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1",
    "From: <sip:alice@example.com>;tag=1",
    "To: <sip:alice@example.com>",
    "Call-ID: reg-1",
    "CSeq: 2 REGISTER",
    `Authorization: ${authorization}`,
    "Content-Length: 0",
    "",
    "",
  ]);
  return new FakeHost({ message, run });
}

void describe("verifyauth", () => {
  void it("stores true when the Authorization header was computed with the scenario's password", () => {
    const host = registerWithAuthorization("secret").with("pw", "secret");
    mustBuild("verifyauth", { assign_to: "ok", username: "alice", password: "[$pw]" }).execute(host);
    assert.deepEqual(host.variables.get("ok"), { type: "bool", value: true });
  });

  void it("stores false for another password", () => {
    const host = registerWithAuthorization("secret");
    mustBuild("verifyauth", { assign_to: "ok", username: "alice", password: "wrong" }).execute(host);
    assert.deepEqual(host.variables.get("ok"), { type: "bool", value: false });
  });

  void it("stores false when there is no message or no Authorization header", () => {
    const host = new FakeHost();
    mustBuild("verifyauth", { assign_to: "ok", username: "alice", password: "secret" }).execute(host);
    assert.deepEqual(host.variables.get("ok"), { type: "bool", value: false });
  });

  void it("defaults username and password to -au / -ap (sipwright extension; SIPp requires both)", () => {
    const right = registerWithAuthorization("secret", { authUsername: "alice", authPassword: "secret" });
    mustBuild("verifyauth", { assign_to: "ok" }).execute(right);
    assert.deepEqual(right.variables.get("ok"), { type: "bool", value: true });
    const wrongPassword = registerWithAuthorization("secret", { authUsername: "alice", authPassword: "other" });
    mustBuild("verifyauth", { assign_to: "ok" }).execute(wrongPassword);
    assert.deepEqual(wrongPassword.variables.get("ok"), { type: "bool", value: false });
  });

  void it('defaults the username to -s when -au is not given, and the password to "password"', () => {
    const asService = registerWithAuthorization("password", { service: "alice" });
    mustBuild("verifyauth", { assign_to: "ok" }).execute(asService);
    assert.deepEqual(asService.variables.get("ok"), { type: "bool", value: true });
    const otherUser = registerWithAuthorization("password", { service: "bob" });
    mustBuild("verifyauth", { assign_to: "ok" }).execute(otherUser);
    assert.deepEqual(otherUser.variables.get("ok"), { type: "bool", value: false });
  });
});
