/**
 * `--junit` output validated against the common JUnit schema (test/fixtures/junit/junit.xsd, our own copy of the
 * Ant / Jenkins junit-10.xsd shape) with `xmllint --noout --schema` (libxml2-utils): a CLI run with passed and
 * failed calls, the same document with a skipped call and characters XML cannot carry, and a job's junit.xml as
 * the API serves it. Broken documents are shown to fail, so a pass means something.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOOPBACK } from "../../helpers/free-port.js";
import { optionsScenario } from "../../helpers/options-scenario.js";
import { stopStartedProcesses } from "../../helpers/processes.js";
import { REPO_ROOT, readSummary, runSipwright } from "../../helpers/sipwright.js";
import { SseClient, postJson, rawGet, startTestPlane } from "../../helpers/control-plane.js";
import { buildJunitXml, readCallRecords } from "../../../src/cli/junit.js";
import type { Job } from "../../../src/api/job.js";

after(stopStartedProcesses);

const XSD = join(REPO_ROOT, "test/fixtures/junit/junit.xsd");
const CALLS = 6;

/** `xmllint --noout --schema junit.xsd FILE`: exit code 0 when valid, its messages otherwise. */
function validate(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile("xmllint", ["--noout", "--schema", XSD, file], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : error.code;
      // Not an exit code: xmllint did not run (not installed: libxml2-utils, see .ci/run) or was killed.
      if (typeof code !== "number") reject(new Error(`xmllint: ${error?.message ?? "no exit code"}`));
      else resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

async function assertValid(xml: string, dir: string, name: string): Promise<void> {
  const file = join(dir, name);
  await writeFile(file, xml);
  const { code, output } = await validate(file);
  assert.equal(code, 0, `${name} is not valid JUnit:\n${output}`);
}

/** An OPTIONS UAS that answers the odd call numbers (From tag) with 200 and ignores the even ones. */
async function halfAnswering(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket("udp4");
  socket.on("message", (datagram, peer) => {
    const text = datagram.toString("utf8");
    const header = (name: string) => new RegExp(`^${name}:.*$`, "mi").exec(text)?.[0] ?? "";
    const tag = Number(/;tag=(\d+)/.exec(header("From"))?.[1] ?? 0);
    if (!text.startsWith("OPTIONS ") || tag % 2 === 0) return;
    const reply = ["SIP/2.0 200 OK", header("Via"), header("From"), `${header("To")};tag=uas`, header("Call-ID")]
      .concat([header("CSeq"), "Content-Length: 0", "", ""])
      .join("\r\n");
    socket.send(reply, peer.port, peer.address);
  });
  socket.bind(0, LOOPBACK);
  await once(socket, "listening");
  return { socket, port: socket.address().port };
}

const OPTIONS = optionsScenario({ name: "options", recvTimeoutMs: 300 });

const runArgs = (port: number) => [`${LOOPBACK}:${port}`, "-i", LOOPBACK, "-p", "0", "-r", "50", "-m", String(CALLS)];

describe("JUnit output against the JUnit schema (xmllint)", () => {
  it("the schema rejects broken documents", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sipwright-junit-xsd-"));
    const good = (suiteAttrs: string, body: string) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="s" tests="1" failures="1" errors="0" ` +
      `time="0.1" timestamp="2026-01-01T00:00:00" hostname="h" id="0" package="p"${suiteAttrs}>${body}` +
      `</testsuite></testsuites>\n`;
    const failing = `<testcase name="c" classname="k" time="0.1"><failure type="t" message="m">x</failure></testcase>`;
    await assertValid(good("", failing), dir, "good.xml");
    const broken: Record<string, string> = {
      "count not a number": good(' skipped="many"', failing),
      "failure without type": good("", `<testcase name="c" classname="k" time="0.1"><failure>x</failure></testcase>`),
      "testcase without name": good("", `<testcase classname="k" time="0.1"/>`),
      "unknown element": good("", `<testcase name="c" classname="k" time="0.1"><oops/></testcase>`),
      "two outcomes": good("", failing.replace("</testcase>", "<skipped/></testcase>")),
      "timestamp with a zone": good("", failing).replace("00:00:00", "00:00:00Z"),
      "not well-formed": good("", failing).replace("</testsuites>", ""),
    };
    for (const [what, xml] of Object.entries(broken)) {
      const file = join(dir, "broken.xml");
      await writeFile(file, xml);
      const { code, output } = await validate(file);
      assert.notEqual(code, 0, `${what}: accepted\n${output}`);
    }
  });

  it("a CLI run with passed and failed calls, and the same records with a skipped call and odd characters", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sipwright-junit-cli-"));
    const { socket, port } = await halfAnswering();
    try {
      const scenario = join(dir, "options.xml");
      await writeFile(scenario, OPTIONS);
      const out = join(dir, "out");
      const junit = join(out, "junit.xml");
      const result = await runSipwright(["-sf", scenario, ...runArgs(port), "--out", out, "--junit", junit], {
        cwd: dir,
        timeoutMs: 60_000,
      });
      assert.equal(result.code, 1, result.stderr);
      const summary = await readSummary(join(out, "summary.json"));
      assert.equal(summary.calls.successful, CALLS / 2);
      assert.equal(summary.calls.failed, CALLS / 2);
      const xml = await readFile(junit, "utf8");
      assert.equal(xml.match(/<failure /g)?.length, CALLS / 2);
      await assertValid(xml, dir, "cli.xml");

      // The writer's other branches on real records: an aborted call (skipped) and text XML cannot carry.
      const records = readCallRecords(join(out, "call_records.jsonl"));
      const [first, second] = records.filter((r) => r.failure !== null);
      assert.ok(first?.failure && second?.failure);
      const odd = {
        ...first,
        call_id: 'a"<&>\u0001\ud800',
        failure: { ...first.failure, reason: "bad\u0000 ]]> \ufffe" },
      };
      const aborted = { ...second, failure: { ...second.failure, class: "aborted" as const } };
      const edited = records.map((r) => (r === first ? odd : r === second ? aborted : r));
      const run = { runId: "r", scenario: "options", startedAt: summary.started_at, durationMs: 1234, exitCode: 1 };
      const built = buildJunitXml({ ...run, records: edited });
      assert.match(built, /<skipped /);
      await assertValid(built, dir, "edited.xml");
    } finally {
      socket.close();
    }
  });

  it("a job's junit.xml as GET /api/jobs/:id/files/junit.xml serves it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sipwright-junit-job-"));
    const { socket, port } = await halfAnswering();
    const plane = await startTestPlane();
    try {
      const created = await postJson(plane.url, "/api/jobs", { args: runArgs(port), scenario_xml: OPTIONS });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const id = String(created.json?.id);
      const events = await SseClient.open(`${plane.url}/api/jobs/${id}/events`);
      const end = await events.next((e) => e.type === "end", 90_000);
      events.close();
      const job = end.data.job as Job;
      assert.equal(job.counts.succeeded, CALLS / 2, JSON.stringify(job));
      assert.equal(job.counts.failed, CALLS / 2, JSON.stringify(job));
      const served = await rawGet(plane.url, `/api/jobs/${id}/files/junit.xml`);
      assert.equal(served.status, 200);
      const xml = served.body.toString("utf8");
      assert.equal(xml.match(/<testcase /g)?.length, CALLS);
      await assertValid(xml, dir, "job.xml");
    } finally {
      await plane.close();
      socket.close();
    }
  });
});
