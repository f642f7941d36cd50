/**
 * Registration against real sipp (3.6.1), both directions, UDP, digest MD5 (sipp 3.6.1 answers only MD5 and
 * AKAv1-MD5 challenges: "createAuthHeader: authentication must use MD5 or AKAv1-MD5"):
 * - sipp runs sipwright's scenarios/register.xml (it is SIPp-compatible) against sipwright's built-in registrar;
 * - sipwright's built-in register runs against a sipp registrar that challenges and checks with verifyauth.
 * sipwright runs in this process (the engine, no CLI); sipp is spawned and ended by pid.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultRunConfig } from "../../src/cli/parse-args.js";
import { prepareRun, type RunResult } from "../../src/engine/run/execute-run.js";
import type { RunConfig } from "../../src/engine/run/run-config.js";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../helpers/free-port.js";
import { stopStartedProcesses, waitExit } from "../helpers/processes.js";
import { runSipp, SIPP_EXIT, sippSkipReason, startSipp } from "../helpers/sipp.js";

after(stopStartedProcesses);

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const SIPP_REGISTRAR = join(REPO, "test/fixtures/scenarios/interop/sipp-registrar.xml");
const RUN_BOUND_MS = 30_000;

function config(outDir: string, overrides: Partial<RunConfig>): RunConfig {
  const base = defaultRunConfig({ isTTY: false, cwd: outDir, primaryIp: LOOPBACK });
  return {
    ...base,
    localIp: LOOPBACK,
    localPort: 0,
    statusMode: "none",
    globalTimeoutMs: RUN_BOUND_MS,
    outDir,
    ...overrides,
  };
}

function counterOf(result: RunResult, name: string): number {
  return result.snapshot.counters.find((c) => c.name === name)?.value.cumulative ?? 0;
}

describe("registration interoperates with sipp", { skip: await sippSkipReason() }, () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-register-interop-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("sipp runs scenarios/register.xml against sipwright's registrar: challenge, refresh, unREGISTER", async () => {
    const caseDir = await mkdtemp(join(dir, "sipp-uac-"));
    const registrar = await prepareRun({
      config: config(join(caseDir, "sipwright"), {
        scenarioName: "registrar",
        maxCalls: 1,
        authUsername: "alice",
        authPassword: "secret",
        setVariables: new Map([["max_expires", "2"]]),
      }),
    });
    const port = registrar.environment.values.localPort;
    const running = registrar.run();
    const sipp = await runSipp(
      [`${LOOPBACK}:${port}`, "-sf", join(REPO, "scenarios/register.xml"), "-i", LOOPBACK, "-p", "0"].concat([
        "-m",
        "1",
        "-s",
        "alice",
        "-ap",
        "secret",
        "-set",
        "refreshes",
        "1",
        "-timeout",
        "20s",
      ]),
      { cwd: caseDir, timeoutMs: RUN_BOUND_MS },
    );
    const result = await running;
    assert.equal(sipp.code, SIPP_EXIT.allSucceeded, `sipp exit code; stdout:\n${sipp.stdout.slice(-2000)}`);
    assert.equal(result.exitCode, 0);
    assert.equal(counterOf(result, "registered"), 2, "registration + 1 refresh");
    assert.equal(counterOf(result, "unregistered"), 1);
    assert.equal(counterOf(result, "auth_rejected"), 0);
  });

  for (const [password, expectOk] of [
    ["secret", true],
    ["not-the-secret", false],
  ] as const) {
    it(`sipwright's register against a sipp registrar with verifyauth (${expectOk ? "right" : "wrong"} password)`, async () => {
      const caseDir = await mkdtemp(join(dir, "sipp-uas-"));
      const sippPort = await freeUdpPort();
      const uas = await startSipp(
        ["-sf", SIPP_REGISTRAR, "-i", LOOPBACK, "-p", String(sippPort), "-m", "1", "-timeout", "20s"],
        { cwd: caseDir },
      );
      await waitUntilBound(sippPort, "udp", 5_000, () => !uas.isAlive());
      const uac = await prepareRun({
        config: config(join(caseDir, "sipwright"), {
          scenarioName: "register",
          remoteHost: LOOPBACK,
          remotePort: sippPort,
          maxCalls: 1,
          service: "alice",
          authPassword: password,
          setVariables: new Map([["refreshes", "0"]]),
        }),
      });
      const result = await uac.run();
      if (expectOk) {
        assert.equal(result.exitCode, 0);
        assert.equal(result.snapshot.succeeded.cumulative, 1);
        const exit = await waitExit(uas, RUN_BOUND_MS);
        assert.equal(exit.code, SIPP_EXIT.allSucceeded, `sipp exit code; stdout:\n${uas.stdout().slice(-2000)}`);
      } else {
        assert.equal(result.exitCode, 1);
        assert.equal(result.snapshot.failures.unexpected_message.cumulative, 1);
        await waitExit(uas, RUN_BOUND_MS);
      }
    });
  }
});
