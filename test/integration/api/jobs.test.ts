/**
 * The control plane end to end on 127.0.0.1: a uas job and a uac job against it (real sipwright processes), their
 * live events, artifacts, JUnit, a call's messages, a Range request on a recording, stop / delete, and a restart of
 * the server that keeps every job and file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { freeUdpPort } from "../../helpers/free-port.js";
import { SseClient, postJson, rawGet, startTestPlane } from "../../helpers/control-plane.js";
import type { Job } from "../../../src/api/job.js";
import type { Summary } from "../../../src/records/summary.js";

const CALLS = 8;

async function getJson<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`);
  assert.equal(res.status, 200, `GET ${path}`);
  return (await res.json()) as T;
}

test("jobs: create, watch live, artifacts, JUnit, call messages, Range, stop, delete, restart", async () => {
  let plane = await startTestPlane();
  const dataDir = plane.jobs.dataDir;
  try {
    const base = plane.url;
    const port = await freeUdpPort();
    const uas = await postJson(base, "/api/jobs", {
      name: "answerer",
      args: ["-sn", "rtp_uas", "-i", "127.0.0.1", "-p", String(port), "-m", String(CALLS), "--record"],
    });
    assert.equal(uas.status, 201, JSON.stringify(uas.json));
    const uasId = String(uas.json?.id);
    const uasEvents = await SseClient.open(`${base}/api/jobs/${uasId}/events`);
    // The uas has bound its port once its first live-stats line was written (after the transport opened).
    await uasEvents.next((e) => e.type === "counters");

    const uac = await postJson(base, "/api/jobs", {
      args: ["-sn", "rtp_uac", `127.0.0.1:${port}`, "-i", "127.0.0.1", "-p", "0", "-m", String(CALLS), "-r", "20"],
    });
    assert.equal(uac.status, 201, JSON.stringify(uac.json));
    const uacId = String(uac.json?.id);
    const events = await SseClient.open(`${base}/api/jobs/${uacId}/events`);
    const all = await SseClient.open(`${base}/api/events`);
    assert.equal(events.events[0]?.type ?? (await events.next(() => true)).type, "state");

    const end = await events.next((e) => e.type === "end", 120_000);
    const job = end.data.job as Job;
    assert.equal(job.status, "succeeded", JSON.stringify(job));
    await uasEvents.next((e) => e.type === "end", 60_000);

    // The last counters equal summary.json and the number of JSONL lines; one record event per line.
    const folder = join(dataDir, uacId);
    const summary = JSON.parse(await readFile(join(folder, "summary.json"), "utf8")) as Summary;
    const lines = (await readFile(join(folder, "call_records.jsonl"), "utf8")).trim().split("\n");
    const counters = events.events.filter((e) => e.type === "counters");
    const last = counters.at(-1)?.data as { final: boolean; calls: Record<string, number> } | undefined;
    assert.ok(last?.final, "a final counters event");
    assert.deepEqual(last.calls, {
      created: summary.calls.created,
      active: summary.calls.active,
      succeeded: summary.calls.successful,
      failed: summary.calls.failed,
      aborted: summary.calls.aborted,
    });
    assert.equal(summary.calls.created, CALLS);
    assert.equal(lines.length, CALLS);
    assert.equal(events.events.filter((e) => e.type === "record").length, lines.length);
    assert.equal(all.events.filter((e) => e.type === "record" && e.data.job_id === uacId).length, lines.length);
    assert.deepEqual(job.counts, last.calls);

    // A client that connects late gets the current state first (with the last counters), then the end.
    const late = await SseClient.open(`${base}/api/jobs/${uacId}/events`);
    const lateEnd = await late.next((e) => e.type === "end");
    late.close();
    assert.deepEqual(
      late.events.map((e) => e.type),
      ["state", "end"],
    );
    assert.equal((late.events[0]?.data.job as Job).status, "succeeded");
    assert.deepEqual(late.events[0]?.data.counters, last);
    assert.equal((lateEnd.data.job as Job).id, uacId);

    // JUnit, read by fast-xml-parser (not the writer's code): counts equal the summary.
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(
      await readFile(join(folder, "junit.xml"), "utf8"),
    ) as { testsuites: { testsuite: Record<string, unknown> } };
    const suite = junit.testsuites.testsuite as {
      tests: string;
      failures: string;
      skipped: string;
      testcase: unknown[];
      properties: { property: { name: string; value: string }[] };
    };
    assert.equal(Number(suite.tests), summary.calls.created);
    assert.equal(Number(suite.failures), summary.calls.failed);
    assert.equal(Number(suite.skipped), summary.calls.aborted);
    assert.equal(suite.testcase.length, CALLS);
    assert.deepEqual(
      suite.properties.property.find((p) => p.name === "verdict"),
      { name: "verdict", value: "passed" },
    );

    // Job lists, details, records, summary, a call with its messages in order.
    const list = await getJson<Job[]>(base, "/api/jobs");
    assert.deepEqual(
      list.map((j) => j.id),
      [uacId, uasId],
    );
    const detail = await getJson<Job & { files: string[] }>(base, `/api/jobs/${uacId}`);
    for (const f of ["summary.json", "call_records.jsonl", "junit.xml", "messages.log", "job.json", "job.log"]) {
      assert.ok(detail.files.includes(f), `${f} in ${detail.files.join(",")}`);
    }
    const records = await getJson<{ total: number; records: { call_number: number }[] }>(
      base,
      `/api/jobs/${uacId}/records?result=success&limit=3`,
    );
    assert.equal(records.total, CALLS);
    assert.equal(records.records.length, 3);
    assert.equal((await getJson<Summary>(base, `/api/jobs/${uacId}/summary`)).calls.created, CALLS);
    const call = await getJson<{ messages: { direction: string; first_line: string }[] }>(
      base,
      `/api/jobs/${uacId}/calls/${records.records[0]?.call_number ?? 1}`,
    );
    assert.match(call.messages[0]?.first_line ?? "", /^INVITE /);
    assert.equal(call.messages[0]?.direction, "sent");
    assert.ok(call.messages.some((m) => m.direction === "received" && m.first_line.startsWith("SIP/2.0 200")));
    assert.match(call.messages.at(-1)?.first_line ?? "", /^SIP\/2\.0 200/); // the 200 to the BYE

    // A recording of the uas, read with a Range request.
    const uasFiles = (await getJson<{ files: string[] }>(base, `/api/jobs/${uasId}`)).files;
    const wav = uasFiles.find((f) => f.endsWith(".wav"));
    assert.ok(wav !== undefined, `a WAV among ${uasFiles.join(",")}`);
    const ranged = await rawGet(base, `/api/jobs/${uasId}/files/${wav}`, { range: "bytes=0-43" });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.body.length, 44);
    assert.equal(ranged.body.subarray(0, 4).toString("latin1"), "RIFF");
    assert.match(String(ranged.headers["content-range"]), /^bytes 0-43\/\d+$/);
    assert.equal(ranged.headers["content-type"], "audio/wav");
    events.close();
    all.close();
    uasEvents.close();

    // Stop (drain), delete refused while running, then accepted.
    const endless = await postJson(base, "/api/jobs", {
      args: ["-sn", "uas", "-i", "127.0.0.1", "-p", "0"],
    });
    const endlessId = String(endless.json?.id);
    const watch = await SseClient.open(`${base}/api/jobs/${endlessId}/events`);
    await watch.next((e) => e.type === "counters");
    assert.equal((await fetch(`${base}/api/jobs/${endlessId}`, { method: "DELETE" })).status, 409);
    const stop = await postJson(base, `/api/jobs/${endlessId}/stop`, {});
    assert.equal(stop.status, 202);
    assert.equal((stop.json as unknown as Job).status, "stopping");
    const stopped = (await watch.next((e) => e.type === "end")).data.job as Job;
    assert.equal(stopped.status, "stopped");
    watch.close();
    assert.equal((await postJson(base, `/api/jobs/${endlessId}/stop`, {})).status, 409);
    assert.equal((await fetch(`${base}/api/jobs/${endlessId}`, { method: "DELETE" })).status, 204);
    assert.equal((await fetch(`${base}/api/jobs/${endlessId}`)).status, 404);
    assert.ok(!(await readdir(dataDir)).includes(endlessId));

    // A restarted server lists the same jobs and serves their files.
    await plane.close();
    plane = await startTestPlane({ dataDir });
    const again = await getJson<Job[]>(plane.url, "/api/jobs");
    assert.deepEqual(
      again.map((j) => [j.id, j.status]),
      [
        [uacId, "succeeded"],
        [uasId, "succeeded"],
      ],
    );
    const junitAgain = await rawGet(plane.url, `/api/jobs/${uacId}/files/junit.xml`);
    assert.equal(junitAgain.status, 200);
    assert.match(junitAgain.body.toString("utf8"), /<testsuites /);
  } finally {
    await plane.close();
  }
});
