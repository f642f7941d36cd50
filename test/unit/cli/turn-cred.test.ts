import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { parseArgs } from "../../../src/cli/parse-args.js";
import { formatTurnCred } from "../../../src/cli/turn-cred.js";
import { FakeClock } from "../../../src/shared/clock.js";
import { ConfigError } from "../../../src/shared/errors.js";

const env = { isTTY: false, cwd: "/work/here", primaryIp: "192.0.2.10" };

function turnCred(...argv: string[]): unknown {
  const command = parseArgs(["turn-cred", ...argv], env);
  assert.equal(command.kind, "turn-cred");
  return command.options;
}

function configError(argv: string[], pattern: RegExp): void {
  assert.throws(
    () => parseArgs(["turn-cred", ...argv], env),
    (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
  );
}

describe("parseArgs: turn-cred", () => {
  it("takes --turn-secret with the defaults TTL 86400 s and user sipwright", () => {
    assert.deepEqual(turnCred("--turn-secret", "north"), {
      secret: "north",
      ttlSeconds: 86_400,
      user: "sipwright",
      json: false,
    });
  });

  it("takes --turn-ttl, --turn-user and --json, with one or two dashes", () => {
    assert.deepEqual(turnCred("-turn-user", "bob", "--json", "--turn-ttl", "60", "--turn-secret", "s"), {
      secret: "s",
      ttlSeconds: 60,
      user: "bob",
      json: true,
    });
  });

  it("prints the help for -h", () => {
    assert.equal(parseArgs(["turn-cred", "-h"], env).kind, "help");
  });

  it("needs --turn-secret, and a non-empty one", () => {
    configError([], /turn-cred needs --turn-secret/);
    configError(["--turn-secret", ""], /secret is empty/);
  });

  it("rejects a TTL that is not a whole number of seconds >= 1", () => {
    configError(["--turn-secret", "s", "--turn-ttl", "0"], /--turn-ttl/);
    configError(["--turn-secret", "s", "--turn-ttl", "1.5"], /--turn-ttl/);
    configError(["--turn-secret", "s", "--turn-ttl", "1h"], /--turn-ttl/);
  });

  it("rejects unknown arguments, a missing value and an empty user", () => {
    configError(["--turn-secret", "s", "--ice-server", "x"], /unknown argument --ice-server/);
    configError(["--turn-secret", "s", "json"], /unknown argument json/);
    configError(["--turn-secret"], /needs a value/);
    configError(["--turn-secret", "s", "--turn-user", ""], /user id is empty/);
  });
});

describe("formatTurnCred", () => {
  const clock = new FakeClock(); // 2026-01-01T00:00:00Z

  it("prints the user name, the password and the expiry", () => {
    const text = formatTurnCred({ secret: "north", ttlSeconds: 86_400, user: "sipwright", json: false }, clock);
    assert.equal(
      text,
      "username: 1767312000:sipwright\npassword: cMZMbI5/yvH5Xj+Qw97xYNZng/Y=\n" +
        "expires:  2026-01-02T00:00:00.000Z (in 86400 s)\n",
    );
  });

  it("prints one JSON line with username, password, ttl and expires_at", () => {
    const text = formatTurnCred({ secret: "k", ttlSeconds: 3600, user: "alice", json: true }, clock);
    assert.ok(text.endsWith("}\n"));
    const body = JSON.parse(text) as Record<string, unknown>;
    const username = "1767229200:alice";
    assert.deepEqual(body, {
      username,
      password: createHmac("sha1", "k").update(username).digest("base64"),
      ttl: 3600,
      expires_at: "2026-01-01T01:00:00.000Z",
    });
  });
});
