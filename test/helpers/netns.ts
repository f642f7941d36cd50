/**
 * Runs a test file's body inside a private network namespace (`unshare -n`, only `lo` up). werift gathers a host
 * candidate on every interface address; inside the namespace the only one is 127.0.0.1, so tests stay on loopback
 * and a datagram meant for anywhere else cannot leave the machine.
 *
 * A test file calls {@link insidePrivateNetwork} first: inside, it declares its real tests; outside, it declares
 * one test that calls {@link runInPrivateNetwork}, which re-executes the file under `unshare -n` and asserts the
 * inner run passed (forwarding its output on failure). When `unshare -n` is not permitted, the outer test is
 * skipped with the reason.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const FLAG = "SIPWRIGHT_PRIVATE_NETNS";

export function insidePrivateNetwork(): boolean {
  return process.env[FLAG] === "1";
}

/** Why `unshare -n` cannot be used here, or undefined when it can. */
export function privateNetworkUnavailable(): string | undefined {
  const probe = spawnSync("unshare", ["-n", "sh", "-c", "ip link set lo up"], { encoding: "utf8", timeout: 10_000 });
  if (probe.error !== undefined) return `unshare is not available: ${probe.error.message}`;
  if (probe.status !== 0) return `unshare -n is not permitted here: ${probe.stderr.trim() || `exit ${probe.status}`}`;
  return undefined;
}

export interface PrivateNetworkRun {
  readonly passed: boolean;
  readonly output: string;
}

/** Runs `fileUrl` (a test file's import.meta.url) with Node's test runner inside a fresh network namespace. */
export function runInPrivateNetwork(fileUrl: string, timeoutMs: number): Promise<PrivateNetworkRun> {
  const file = fileURLToPath(fileUrl);
  const command = `ip link set lo up && exec "${process.execPath}" --import tsx --test --test-reporter=spec "${file}"`;
  return new Promise((resolve) => {
    const child = spawn("unshare", ["-n", "sh", "-c", command], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      // NODE_TEST_CONTEXT would make the inner runner report to ours as a child and exit 0 whatever happened.
      env: { ...withoutTestContext(process.env), [FLAG]: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    const timer = setTimeout(() => {
      chunks.push(Buffer.from(`\n[netns] killed after ${timeoutMs} ms\n`));
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ passed: code === 0, output: Buffer.concat(chunks).toString("utf8") });
    });
  });
}

function withoutTestContext(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.NODE_TEST_CONTEXT;
  return copy;
}

/**
 * Outside the namespace: declares the one test that re-runs `fileUrl` inside it and asserts that its tests passed
 * (their output in the failure message). Skipped, with the reason, when `unshare -n` is not permitted or when
 * `unavailable` names something else the tests need (a browser, a TURN server).
 */
export function declarePrivateNetworkRun(
  name: string,
  fileUrl: string,
  options: { readonly timeoutMs: number; readonly unavailable?: string | undefined },
): void {
  const skip = options.unavailable ?? privateNetworkUnavailable() ?? false;
  describe(name, () => {
    it("passes its tests inside a private network namespace (unshare -n, lo only)", { skip }, async () => {
      const run = await runInPrivateNetwork(fileUrl, options.timeoutMs);
      assert.ok(run.passed, `the tests inside the namespace failed:\n${run.output}`);
    });
  });
}
