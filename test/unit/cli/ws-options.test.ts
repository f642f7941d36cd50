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

describe("parseArgs: SIP over WebSocket", () => {
  it("accepts -t ws1, wsn, wss1 and wssn", () => {
    for (const mode of ["ws1", "wsn", "wss1", "wssn"] as const) assert.equal(run("-t", mode).transport, mode);
  });

  it("defaults to path /, no Origin, a ping every 30 s", () => {
    assert.deepEqual(run().ws, { path: "/", origin: undefined, pingIntervalMs: 30_000 });
  });

  it("reads --ws-path, --ws-origin and --ws-ping (ms, or with a unit; 0 turns pings off)", () => {
    const c = run("--ws-path", "/ws?token=1", "--ws-origin", "https://app.example", "--ws-ping", "5s");
    assert.deepEqual(c.ws, { path: "/ws?token=1", origin: "https://app.example", pingIntervalMs: 5000 });
    assert.equal(run("--ws-ping", "0").ws.pingIntervalMs, 0);
  });

  it("refuses a --ws-path that is not a request path", () => {
    for (const bad of ["ws", "/a b", "/x#frag"]) {
      assert.throws(
        () => parseArgs(["--ws-path", bad], env),
        (e: unknown) => e instanceof ConfigError && /--ws-path: .* is not a request path/.test(e.message),
      );
    }
  });
});
