import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { FakeClock } from "../../../../src/shared/clock.js";
import { ConfigError } from "../../../../src/shared/errors.js";
import { parseIceServers } from "../../../../src/media/webrtc/ice-servers.js";
import {
  DEFAULT_TURN_TTL_S,
  FixedTurnCredentials,
  RestTurnCredentials,
  createTurnCredentialSource,
  issueRestCredential,
  planTurnAuth,
  refreshMarginSeconds,
  restPassword,
} from "../../../../src/media/webrtc/turn-credentials.js";

/** FakeClock's wall-clock origin, 2026-01-01T00:00:00Z, in unix seconds. */
const ORIGIN_S = 1_767_225_600;

describe("TURN REST credentials (coturn use-auth-secret)", () => {
  it("computes the password as base64(HMAC-SHA1(secret, username)), checked against openssl", () => {
    // printf '%s' '1767312000:sipwright' | openssl dgst -sha1 -hmac north -binary | base64
    assert.equal(restPassword("north", "1767312000:sipwright"), "cMZMbI5/yvH5Xj+Qw97xYNZng/Y=");
    assert.equal(restPassword("not-a-secret", "1700000000:alice"), "54JkUfgdSCigtcYtNDhwl9JQqXE=");
  });

  it("agrees with an HMAC computed independently with node:crypto for any user and secret", () => {
    for (const [secret, user] of [
      ["s", "u"],
      ["ünïcode-secret", "alice@example.org"],
      ["a".repeat(100), "x:y"],
    ] as const) {
      const issued = issueRestCredential({ secret, user, ttlSeconds: 600, nowMs: Date.UTC(2030, 4, 6, 7, 8, 9, 999) });
      const expected = createHmac("sha1", Buffer.from(secret, "utf8"))
        .update(Buffer.from(issued.username, "utf8"))
        .digest()
        .toString("base64");
      assert.equal(issued.credential, expected);
    }
  });

  it("names the expiry in unix seconds, then the user, in the user name", () => {
    const issued = issueRestCredential({
      secret: "north",
      user: "sipwright",
      ttlSeconds: 86_400,
      nowMs: ORIGIN_S * 1000,
    });
    assert.equal(issued.username, "1767312000:sipwright");
    assert.equal(issued.credential, "cMZMbI5/yvH5Xj+Qw97xYNZng/Y=");
    assert.equal(issued.expiresAtMs, 1_767_312_000_000);
  });

  it("counts the expiry from whole seconds of now (fractions dropped)", () => {
    const issued = issueRestCredential({ secret: "s", user: "u", ttlSeconds: 10, nowMs: 1_000_999.9 });
    assert.equal(issued.username, "1010:u");
    assert.equal(issued.expiresAtMs, 1_010_000);
  });
});

describe("refresh rule", () => {
  it("re-issues when less than max(20 % of the TTL, 60 s) remains, but not before half the TTL", () => {
    assert.equal(refreshMarginSeconds(86_400), 17_280);
    assert.equal(refreshMarginSeconds(600), 120);
    assert.equal(refreshMarginSeconds(120), 60);
    assert.equal(refreshMarginSeconds(100), 50);
    assert.equal(refreshMarginSeconds(10), 5);
    assert.equal(refreshMarginSeconds(1), 0.5);
  });
});

describe("RestTurnCredentials", () => {
  it("issues on first use from the injected clock and keeps the credential until the refresh moment", () => {
    const clock = new FakeClock();
    const source = new RestTurnCredentials({ secret: "north", ttlSeconds: 600, user: "sipwright", clock });
    assert.equal(source.mode, "rest");
    const first = source.current();
    assert.equal(first.username, `${ORIGIN_S + 600}:sipwright`);
    assert.equal(first.expiresAtMs, (ORIGIN_S + 600) * 1000);
    assert.equal(first.refreshAtMs, (ORIGIN_S + 480) * 1000);
    clock.advance(479_999);
    assert.deepEqual(source.current(), first);
    assert.equal(source.refreshes, 0);
  });

  it("re-issues at the refresh moment, counts it, and the new credential expires a TTL later", () => {
    const clock = new FakeClock();
    const source = new RestTurnCredentials({ secret: "north", ttlSeconds: 600, user: "sipwright", clock });
    const first = source.current();
    clock.advance(480_000);
    const second = source.current();
    assert.equal(source.refreshes, 1);
    assert.equal(second.username, `${ORIGIN_S + 480 + 600}:sipwright`);
    assert.notEqual(second.credential, first.credential);
    assert.equal(second.credential, restPassword("north", second.username));
    assert.equal(second.refreshAtMs, (ORIGIN_S + 480 + 480) * 1000);
    assert.deepEqual(source.current(), second);
    assert.equal(source.refreshes, 1);
  });

  it("with a TTL shorter than a call, refreshes every half TTL and counts each", () => {
    const clock = new FakeClock();
    const source = new RestTurnCredentials({ secret: "s", ttlSeconds: 4, user: "u", clock });
    const seen = new Set<string>();
    for (let t = 0; t <= 10_000; t += 500) {
      const c = source.current();
      assert.ok((c.expiresAtMs ?? 0) > clock.wallNow(), "never hands out an expired credential");
      seen.add(c.username);
      clock.advance(500);
    }
    assert.equal(source.refreshes, 5);
    assert.equal(seen.size, 6);
  });

  it("re-issues a credential that expired while nobody asked, and counts it", () => {
    const clock = new FakeClock();
    const source = new RestTurnCredentials({ secret: "s", ttlSeconds: 60, user: "u", clock });
    source.current();
    clock.advance(3_600_000);
    const c = source.current();
    assert.equal(source.refreshes, 1);
    assert.equal(c.expiresAtMs, clock.wallNow() + 60_000);
  });

  it("rejects an empty secret, a TTL that is not a whole number >= 1, and an empty user", () => {
    const clock = new FakeClock();
    assert.throws(() => new RestTurnCredentials({ secret: "", ttlSeconds: 60, user: "u", clock }), /secret is empty/);
    assert.throws(() => new RestTurnCredentials({ secret: "s", ttlSeconds: 0, user: "u", clock }), /--turn-ttl/);
    assert.throws(() => new RestTurnCredentials({ secret: "s", ttlSeconds: 1.5, user: "u", clock }), /--turn-ttl/);
    assert.throws(() => new RestTurnCredentials({ secret: "s", ttlSeconds: 60, user: "", clock }), /--turn-user/);
  });
});

describe("FixedTurnCredentials", () => {
  it("returns the same credentials forever, with no expiry and no refresh", () => {
    const source = new FixedTurnCredentials("static", "alice", "pw");
    assert.equal(source.mode, "static");
    assert.deepEqual(source.current(), { username: "alice", credential: "pw", expiresAtMs: undefined });
    assert.equal(source.refreshes, 0);
  });
});

describe("planTurnAuth", () => {
  const turn = parseIceServers(["stun:127.0.0.1", "turn:127.0.0.1:3478"]);

  function configError(fn: () => unknown, pattern: RegExp): void {
    assert.throws(fn, (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
  }

  it("is 'none' with STUN only and no credential options", () => {
    assert.deepEqual(planTurnAuth(parseIceServers(["stun:127.0.0.1"]), {}), { mode: "none" });
    assert.deepEqual(planTurnAuth([], {}), { mode: "none" });
  });

  it("is 'rest' with --turn-secret, with the defaults TTL 86400 s and user sipwright", () => {
    assert.deepEqual(planTurnAuth(turn, { turnSecret: "s" }), {
      mode: "rest",
      secret: "s",
      ttlSeconds: DEFAULT_TURN_TTL_S,
      user: "sipwright",
    });
    assert.deepEqual(planTurnAuth(turn, { turnSecret: "s", turnTtlS: 30, turnUser: "bob" }), {
      mode: "rest",
      secret: "s",
      ttlSeconds: 30,
      user: "bob",
    });
  });

  it("is 'static' with --ice-username and --ice-credential", () => {
    assert.deepEqual(planTurnAuth(turn, { iceUsername: "a", iceCredential: "b", turnTtlS: 86_400 }), {
      mode: "static",
      username: "a",
      credential: "b",
    });
  });

  it("is 'inline' when every TURN URL carries its own credentials", () => {
    const servers = parseIceServers(["stun:127.0.0.1", "turn:a:b@127.0.0.1"]);
    assert.deepEqual(planTurnAuth(servers, {}), { mode: "inline", username: "a", credential: "b" });
  });

  it("rejects static and REST credentials together, and half a static pair", () => {
    configError(() => planTurnAuth(turn, { turnSecret: "s", iceUsername: "a", iceCredential: "b" }), /exclude/);
    configError(() => planTurnAuth(turn, { iceUsername: "a" }), /go together/);
    configError(() => planTurnAuth(turn, { iceCredential: "b" }), /go together/);
  });

  it("rejects credentials when no TURN URL is configured", () => {
    configError(() => planTurnAuth(parseIceServers(["stun:127.0.0.1"]), { turnSecret: "s" }), /no turn: or turns:/);
  });

  it("rejects a TURN URL that would have no credentials, naming it", () => {
    configError(() => planTurnAuth(turn, {}), /turn:127\.0\.0\.1:3478 has no credentials/);
  });

  it("rejects bad REST options", () => {
    configError(() => planTurnAuth(turn, { turnSecret: "" }), /secret is empty/);
    configError(() => planTurnAuth(turn, { turnSecret: "s", turnTtlS: 0 }), /--turn-ttl/);
  });
});

describe("createTurnCredentialSource", () => {
  it("makes a fresh source per call, so each call counts its own refreshes", () => {
    const clock = new FakeClock();
    const plan = planTurnAuth(parseIceServers(["turn:127.0.0.1"]), { turnSecret: "s", turnTtlS: 10 });
    const a = createTurnCredentialSource(plan, clock);
    const b = createTurnCredentialSource(plan, clock);
    assert.ok(a && b && a !== b);
    a.current();
    clock.advance(5_000);
    a.current();
    assert.equal(a.refreshes, 1);
    assert.equal(b.refreshes, 0);
    assert.equal(a.mode, "rest");
  });

  it("gives no source without TURN, and a fixed one for static or inline credentials", () => {
    const clock = new FakeClock();
    assert.equal(createTurnCredentialSource({ mode: "none" }, clock), undefined);
    const fixed = createTurnCredentialSource({ mode: "inline", username: "a", credential: "b" }, clock);
    assert.equal(fixed?.mode, "inline");
    assert.equal(fixed.current().username, "a");
  });
});
