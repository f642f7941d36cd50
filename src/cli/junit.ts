/**
 * `--junit FILE`: the run as JUnit XML for CI systems. One `<testcase>` per call (its record), a `<failure>` with the
 * failure class, step and reason for a failed call, `<skipped>` for a call aborted when the run stopped, and the
 * run's verdict and exit code as `<property>` elements of the `<testsuite>`. The shape follows the common JUnit schema
 * (Ant's / Jenkins' junit-10.xsd): `testsuites > testsuite > properties, testcase*`. Written once, at the end of
 * the run (SIGINT / SIGTERM end there too), through a temporary file and a rename so it is never half written.
 */
import { hostname } from "node:os";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { readFileSync } from "node:fs";
import type { CallRecord } from "../records/call-record.js";
import { SipwrightError } from "../shared/errors.js";

export interface JunitRun {
  readonly runId: string;
  readonly scenario: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly exitCode: number;
  readonly records: readonly CallRecord[];
}

// Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/U+FFFF).
const INVALID_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text safe inside an attribute value or element content. */
export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join("");
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function testcase(record: CallRecord, scenario: string): string {
  const head = `    <testcase${attrs({
    name: `call ${record.call_number} ${record.call_id}`,
    classname: `sipwright.${scenario}`,
    time: seconds(record.duration_ms),
  })}`;
  const failure = record.failure;
  if (record.result === "success" || failure === null) return `${head}/>\n`;
  const detail = `${failure.class} at step ${failure.step}: ${failure.reason}`;
  if (failure.class === "aborted") return `${head}>\n      <skipped${attrs({ message: detail })}/>\n    </testcase>\n`;
  return (
    `${head}>\n      <failure${attrs({ message: failure.reason, type: failure.class })}>` +
    `${xmlEscape(detail)}</failure>\n    </testcase>\n`
  );
}

/** The JUnit document for a finished run. */
export function buildJunitXml(run: JunitRun): string {
  const tests = run.records.length;
  const skipped = run.records.filter((r) => r.result === "failure" && r.failure?.class === "aborted").length;
  const failures = run.records.filter((r) => r.result === "failure").length - skipped;
  const counts = { tests, failures, errors: 0, skipped, time: seconds(run.durationMs) };
  const verdict = run.exitCode === 0 ? "passed" : "failed";
  const properties = { verdict, exit_code: String(run.exitCode), run_id: run.runId, scenario: run.scenario };
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites${attrs({ name: "sipwright", ...counts })}>\n` +
    `  <testsuite${attrs({
      name: run.scenario,
      ...counts,
      timestamp: run.startedAt.replace(/\.\d+Z$/, "").replace(/Z$/, ""),
      hostname: hostname() || "localhost",
      id: 0,
      package: "sipwright",
    })}>\n` +
    `    <properties>\n` +
    Object.entries(properties)
      .map(([name, value]) => `      <property${attrs({ name, value })}/>\n`)
      .join("") +
    `    </properties>\n` +
    run.records.map((r) => testcase(r, run.scenario)).join("") +
    `  </testsuite>\n</testsuites>\n`
  );
}

/** The records of a call_records.jsonl (a torn last line, from a killed writer, is skipped). */
export function readCallRecords(path: string): CallRecord[] {
  const records: CallRecord[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as CallRecord);
    } catch {
      // A partial last line: not a record.
    }
  }
  return records;
}

export async function writeJunit(path: string, run: JunitRun): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, buildJunitXml(run), "utf8");
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new SipwrightError(
      "FILE_ERROR",
      `cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
