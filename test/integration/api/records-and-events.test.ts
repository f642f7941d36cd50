/**
 * `GET /api/jobs/:id/records` on a big finished run (50,000 generated lines, multi-byte Call-IDs, spread over many
 * read chunks): offset/limit pages, every filter and their totals equal a plain reading of the file; a partial last
 * line being written is not returned until its newline; a replaced file and a restarted server index again.
 * `GET /api/events` to a client that connects late: a `state` for every job first, finished and running.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freeUdpPort } from "../../helpers/free-port.js";
import { SseClient, postJson, startTestPlane, tempDataDir } from "../../helpers/control-plane.js";
import type { CallRecord } from "../../../src/records/call-record.js";
import type { Job } from "../../../src/api/job.js";

const LINES = 50_000;

function record(n: number): Record<string, unknown> {
  const failureClass = n % 7 === 0 ? "timeout_on_recv" : n % 11 === 0 ? "unexpected_msg" : null;
  return {
    schema: "sipwright.call-record/1",
    run_id: "big",
    call_number: n,
    // Multi-byte characters: byte offsets differ from character offsets.
    call_id: n % 3 === 0 ? `${n}-grüße-€@big` : `${n}-big`,
    scenario: "uac",
    result: failureClass === null ? "success" : "failure",
    failure: failureClass === null ? null : { class: failureClass, step: 2, reason: `reason of ${n}` },
    duration_ms: n % 1000,
    padding: "x".repeat(n % 500),
  };
}

interface Page {
  total: number;
  records: CallRecord[];
}

async function page(base: string, query: string): Promise<Page> {
  const res = await fetch(`${base}/api/jobs/big/records?${query}`);
  assert.equal(res.status, 200, query);
  return (await res.json()) as Page;
}

const numbers = (p: Page) => p.records.map((r) => r.call_number);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function writeBigRun(dataDir: string): Promise<string> {
  const folder = join(dataDir, "big");
  await mkdir(folder, { recursive: true });
  const all = range(1, LINES).map(record);
  await writeFile(join(folder, "call_records.jsonl"), all.map((r) => `${JSON.stringify(r)}\n`).join(""));
  const failed = all.filter((r) => r.result === "failure").length;
  const summary = {
    schema: "sipwright.summary/1",
    run_id: "big",
    scenario: "uac",
    started_at: "2026-01-01T00:00:00.000Z",
    ended_at: "2026-01-01T01:00:00.000Z",
    exit_code: 1,
    calls: { created: LINES, successful: LINES - failed, failed, aborted: 0, active: 0 },
  };
  await writeFile(join(folder, "summary.json"), JSON.stringify(summary));
  return folder;
}

test("records of a 50,000-line run: pages, filters, a partial last line, a replaced file, a restart", async () => {
  const dataDir = await tempDataDir();
  const folder = await writeBigRun(dataDir);
  const expected = range(1, LINES).map(record);
  const failures = expected.filter((r) => r.result === "failure").map((r) => r.call_number as number);
  const unexpected = expected
    .filter((r) => (r.failure as { class: string } | null)?.class === "unexpected_msg")
    .map((r) => r.call_number as number);
  let plane = await startTestPlane({ dataDir });
  try {
    const base = plane.url;
    assert.equal((await fetch(`${base}/api/jobs`)).status, 200); // The run appears as a finished job.

    let p = await page(base, "");
    assert.equal(p.total, LINES);
    assert.deepEqual(numbers(p), range(1, 100));
    assert.deepEqual(p.records[2], expected[2]);
    assert.deepEqual(numbers(await page(base, "offset=12345&limit=1000")), range(12346, 13345));
    assert.deepEqual(numbers(await page(base, "offset=49998&limit=1000")), [49999, 50000]);
    p = await page(base, "offset=50000");
    assert.deepEqual([p.total, p.records.length], [LINES, 0]);

    p = await page(base, "result=failure&offset=100&limit=50");
    assert.equal(p.total, failures.length);
    assert.deepEqual(numbers(p), failures.slice(100, 150));
    p = await page(base, "result=success&limit=1000&offset=40000");
    assert.equal(p.total, LINES - failures.length);
    assert.deepEqual(
      numbers(p),
      range(1, LINES)
        .filter((n) => !failures.includes(n))
        .slice(40000, 41000),
    );
    p = await page(base, "failure_class=unexpected_msg&result=failure&limit=1000&offset=3000");
    assert.equal(p.total, unexpected.length);
    assert.deepEqual(numbers(p), unexpected.slice(3000, 4000));
    p = await page(base, `call_id=${encodeURIComponent("33333-grüße-€@big")}`);
    assert.deepEqual([p.total, numbers(p)], [1, [33333]]);
    // Exact match: "1-big" is inside "11-big", "21-big"..., only call 1 has it.
    p = await page(base, "call_id=1-big");
    assert.deepEqual([p.total, numbers(p)], [1, [1]]);
    assert.equal((await page(base, "call_id=nobody")).total, 0);
    const call = await fetch(`${base}/api/jobs/big/calls/45678`);
    assert.equal(call.status, 200);
    assert.deepEqual(((await call.json()) as { record: unknown }).record, record(45678));
    assert.equal((await fetch(`${base}/api/jobs/big/calls/${LINES + 1}`)).status, 404);

    // A record being written: its first half is not a line yet.
    const next = `${JSON.stringify(record(LINES + 1))}\n`;
    const half = Math.floor(next.length / 2);
    await appendFile(join(folder, "call_records.jsonl"), next.slice(0, half));
    p = await page(base, "offset=49999");
    assert.deepEqual([p.total, numbers(p)], [LINES, [50000]]);
    assert.equal((await page(base, "result=success&limit=1")).total, LINES - failures.length);
    assert.equal((await fetch(`${base}/api/jobs/big/calls/${LINES + 1}`)).status, 404);
    await appendFile(join(folder, "call_records.jsonl"), next.slice(half));
    p = await page(base, "offset=49999");
    assert.deepEqual([p.total, numbers(p)], [LINES + 1, [50000, 50001]]);
    assert.deepEqual(p.records[1], record(LINES + 1));

    // A line not in the writer's compact form is still found by a filter (parsed, not skipped by the pre-check).
    const spaced = {
      ...record(LINES + 2),
      result: "failure",
      failure: { class: "unexpected_msg", step: 1, reason: "r" },
    };
    await appendFile(join(folder, "call_records.jsonl"), `${JSON.stringify(spaced, null, 1).replace(/\n/g, "")}\n`);
    p = await page(base, "failure_class=unexpected_msg&offset=" + String(unexpected.length));
    assert.deepEqual([p.total, numbers(p)], [unexpected.length + 1, [LINES + 2]]);

    // Replaced by a shorter file (a new inode): indexed again from the start.
    const small = range(1, 10).map((n) => `${JSON.stringify(record(n + 100))}\n`);
    await writeFile(join(folder, "call_records.new"), small.join(""));
    await rename(join(folder, "call_records.new"), join(folder, "call_records.jsonl"));
    p = await page(base, "offset=8");
    assert.deepEqual([p.total, numbers(p)], [10, [109, 110]]);

    // A restarted server builds its index again.
    await writeFile(join(folder, "call_records.jsonl"), expected.map((r) => `${JSON.stringify(r)}\n`).join(""));
    await plane.close();
    plane = await startTestPlane({ dataDir });
    p = await page(plane.url, "offset=20000&limit=3");
    assert.deepEqual([p.total, numbers(p)], [LINES, [20001, 20002, 20003]]);
  } finally {
    await plane.close();
  }
});

test("GET /api/events to a late client: a state for every job first, finished and running", async () => {
  const dataDir = await tempDataDir();
  await writeBigRun(dataDir);
  const plane = await startTestPlane({ dataDir });
  try {
    const base = plane.url;
    const port = await freeUdpPort();
    const created = await postJson(base, "/api/jobs", {
      name: "waiting",
      args: ["-sn", "uas", "-i", "127.0.0.1", "-p", String(port), "-m", "1"],
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = String(created.json?.id);
    const own = await SseClient.open(`${base}/api/jobs/${id}/events`);
    await own.next((e) => e.type === "counters", 60_000); // Running, with counters.

    const late = await SseClient.open(`${base}/api/events`);
    const first = [await late.next(() => true), await late.next((e) => e !== late.events[0])];
    assert.deepEqual(
      first.map((e) => e.type),
      ["state", "state"],
    );
    const byId = new Map(first.map((e) => [e.data.job_id, e.data as { job: Job; counters: unknown }]));
    const finished = byId.get("big");
    assert.ok(finished !== undefined);
    assert.equal(finished.job.status, "failed");
    assert.equal(finished.job.counts.created, LINES);
    assert.equal(finished.job.exit_code, 1);
    const running = byId.get(id);
    assert.ok(running !== undefined);
    assert.equal(running.job.status, "running");
    assert.notEqual(running.counters, null, "a running job's state carries its current counters");

    const stop = await postJson(base, `/api/jobs/${id}/stop`, {});
    assert.equal(stop.status, 202);
    const end = await late.next((e) => e.type === "end" && e.data.job_id === id, 60_000);
    own.close();
    late.close();

    // Connecting after the job ended: its final state.
    const later = await SseClient.open(`${base}/api/events`);
    const again = [await later.next(() => true), await later.next((e) => e !== later.events[0])];
    later.close();
    const mine = again.find((e) => e.data.job_id === id)?.data as { job: Job } | undefined;
    assert.ok(mine !== undefined);
    assert.equal(mine.job.status, (end.data.job as Job).status);
    assert.notEqual(mine.job.status, "running");
    assert.ok(again.some((e) => e.data.job_id === "big"));
  } finally {
    await plane.close();
  }
});
