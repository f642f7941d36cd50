/**
 * `--junit FILE`: parsed by fast-xml-parser (independent of the hand-written writer), its counts equal summary.json,
 * for a run that ends normally (a failed call among them) and for one ended by SIGTERM (aborted calls: skipped).
 * Also `--live-stats FILE`: its final line's call counts equal the summary.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { LOOPBACK } from "../../helpers/free-port.js";
import { optionsScenario } from "../../helpers/options-scenario.js";
import { stopStartedProcesses, waitExit, waitForStderr } from "../../helpers/processes.js";
import { udpListener } from "../../helpers/udp-listener.js";
import { readSummary, runSipwright, startSipwright } from "../../helpers/sipwright.js";
import type { Summary } from "../../../src/records/summary.js";

after(stopStartedProcesses);

interface Suite {
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  testcase: { name: string; failure?: { type: string; "#text": string }; skipped?: unknown }[];
  properties: { property: { name: string; value: string }[] };
}

async function readJunit(path: string): Promise<Suite> {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    isArray: (name) => name === "testcase" || name === "property",
  });
  const doc = parser.parse(await readFile(path, "utf8")) as { testsuites: { testsuite: Suite; tests: string } };
  assert.equal(doc.testsuites.tests, doc.testsuites.testsuite.tests);
  return doc.testsuites.testsuite;
}

function assertMatchesSummary(suite: Suite, summary: Summary): void {
  assert.equal(Number(suite.tests), summary.calls.created);
  assert.equal(suite.testcase.length, summary.calls.created);
  assert.equal(Number(suite.failures), summary.calls.failed);
  assert.equal(suite.testcase.filter((t) => t.failure !== undefined).length, summary.calls.failed);
  assert.equal(Number(suite.skipped), summary.calls.aborted);
  assert.equal(suite.errors, "0");
  const verdict = suite.properties.property.find((p) => p.name === "verdict")?.value;
  assert.equal(verdict, summary.exit_code === 0 ? "passed" : "failed");
}

/** OPTIONS answered by nobody: each call times out on its recv (a failed call), or is aborted by SIGTERM. */
const OPTIONS = (timeout: string) => optionsScenario({ name: "options", recvTimeoutMs: Number(timeout) });

describe("--junit", () => {
  it("a normal run with failed calls: counts equal summary.json, failures carry class and step", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sipwright-junit-"));
    const { socket, port } = await udpListener();
    try {
      const scenario = join(dir, "options.xml");
      await writeFile(scenario, OPTIONS("200"));
      const out = join(dir, "out");
      const result = await runSipwright(
        ["-sf", scenario, `${LOOPBACK}:${port}`, "-i", LOOPBACK, "-p", "0", "-r", "50", "-m", "4", "--out", out].concat(
          ["--junit", join(out, "junit.xml")],
        ),
        { cwd: dir, timeoutMs: 60_000 },
      );
      assert.equal(result.code, 1, result.stderr);
      const summary = await readSummary(join(out, "summary.json"));
      const suite = await readJunit(join(out, "junit.xml"));
      assertMatchesSummary(suite, summary);
      assert.equal(summary.calls.failed, 4);
      assert.equal(summary.failures.timeout_on_recv, 4);
      const failure = suite.testcase[0]?.failure;
      assert.ok(failure !== undefined);
      assert.equal(failure.type, "timeout_on_recv");
      assert.match(failure["#text"], /^timeout_on_recv at step 1: /);
    } finally {
      socket.close();
    }
  });

  it("after SIGTERM: written, valid, aborted calls skipped, counts equal summary.json; live stats final", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sipwright-junit-term-"));
    const { socket, port } = await udpListener();
    try {
      const scenario = join(dir, "options.xml");
      await writeFile(scenario, OPTIONS("600000"));
      const out = join(dir, "out");
      const uac = await startSipwright(
        ["-sf", scenario, `${LOOPBACK}:${port}`, "-i", LOOPBACK, "-p", "0", "-r", "100", "-m", "3"].concat([
          "--out",
          out,
          "--status",
          "lines",
          "-f",
          "0.05",
          "--junit",
          join(out, "junit.xml"),
          "--live-stats",
          join(out, "live.ndjson"),
        ]),
        { cwd: dir },
      );
      await waitForStderr(uac, /calls 3 started, 3 active/, 30_000);
      assert.ok(uac.kill("SIGTERM"));
      await waitExit(uac, 30_000);
      const summary = await readSummary(join(out, "summary.json"));
      const suite = await readJunit(join(out, "junit.xml"));
      assertMatchesSummary(suite, summary);
      assert.equal(summary.calls.aborted, 3);
      const lines = (await readFile(join(out, "live.ndjson"), "utf8")).trim().split("\n");
      const last = JSON.parse(lines.at(-1) ?? "{}") as { final: boolean; calls: Record<string, number> };
      assert.equal(last.final, true);
      assert.deepEqual(last.calls, {
        created: summary.calls.created,
        active: summary.calls.active,
        succeeded: summary.calls.successful,
        failed: summary.calls.failed,
        aborted: summary.calls.aborted,
      });
    } finally {
      socket.close();
    }
  });
});
