import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseArgs } from "../../../src/cli/parse-args.js";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import { ConfigError } from "../../../src/shared/errors.js";

const env = { isTTY: false, cwd: "/work/here", primaryIp: "192.0.2.10" };

function run(...argv: string[]): RunConfig {
  const command = parseArgs(argv, env);
  assert.equal(command.kind, "run");
  return command.config;
}

describe("parseArgs: --max-connections and --idle-timeout", () => {
  it("defaults to 10000 connections and 300 s", () => {
    assert.deepEqual(run().connectionLimits, { maxConnections: 10_000, idleTimeoutMs: 300_000 });
  });

  it("reads both (idle in seconds by default, or with a unit; 0 turns either off)", () => {
    assert.deepEqual(run("--max-connections", "50", "--idle-timeout", "30").connectionLimits, {
      maxConnections: 50,
      idleTimeoutMs: 30_000,
    });
    assert.equal(run("--idle-timeout", "1500ms").connectionLimits.idleTimeoutMs, 1500);
    assert.deepEqual(run("--max-connections", "0", "--idle-timeout", "0").connectionLimits, {
      maxConnections: 0,
      idleTimeoutMs: 0,
    });
  });

  it("refuses a negative or fractional cap", () => {
    assert.throws(() => run("--max-connections", "-1"), ConfigError);
    assert.throws(() => run("--max-connections", "2.5"), ConfigError);
  });
});
