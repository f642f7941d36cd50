/**
 * The control plane's defences on a real server: validation before anything starts (invalid XML, bad arguments,
 * exec), the token off loopback, a foreign Origin, path escapes out of a job folder, an oversized body; and a job
 * whose process is killed with SIGKILL is marked failed while the server keeps serving.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SseClient, postJson, rawGet, startTestPlane, tempDataDir } from "../../helpers/control-plane.js";
import type { Job } from "../../../src/api/job.js";

const BAD_XML = `<?xml version="1.0"?>
<scenario name="bad">
  <send>
    <![CDATA[INVITE sip:x SIP/2.0]]>
  </send>
  <recv response="200" nonsense="1"/>
</scenario>
`;

const EXEC_XML = `<?xml version="1.0"?>
<scenario name="exec">
  <send><![CDATA[
OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:a@[local_ip]>;tag=[call_number]
To: <sip:b@[remote_ip]>
Call-ID: [call_id]
CSeq: 1 OPTIONS
Content-Length: 0
]]></send>
  <recv response="200">
    <action><exec command="touch /tmp/sipwright-should-not-run"/></action>
  </recv>
</scenario>
`;

test("validation: invalid XML, bad arguments and exec are refused with their messages, nothing started", async () => {
  const plane = await startTestPlane();
  try {
    const base = plane.url;
    const bad = await postJson(base, "/api/jobs", { args: ["127.0.0.1:5999", "-m", "1"], scenario_xml: BAD_XML });
    assert.equal(bad.status, 400);
    const errors = bad.json?.errors as { line: number; column: number; message: string }[];
    const attr = errors.find((e) => e.message.includes("nonsense"));
    assert.deepEqual(attr && [attr.line, attr.column], [6, 24]);
    assert.match(String(bad.json?.error), /^scenario\.xml:6:24: error: /m);

    const args = await postJson(base, "/api/jobs", { args: ["-sn", "uac", "-r", "fast"] });
    assert.equal(args.status, 400);
    assert.equal(args.json?.error, "sipwright: -r: 'fast' is not a number (see sipwright -h)");
    const unknownOption = await postJson(base, "/api/jobs", { args: ["-sn", "uac", "--nope"] });
    assert.match(String(unknownOption.json?.error), /unknown option --nope/);
    const serverOption = await postJson(base, "/api/jobs", { args: ["-sn", "uac", "--out", "/tmp/x"] });
    assert.equal(serverOption.status, 400);

    const exec = await postJson(base, "/api/jobs", { args: ["127.0.0.1:5999", "-m", "1"], scenario_xml: EXEC_XML });
    assert.equal(exec.status, 400);
    assert.match(String(exec.json?.error), /exec command .*--allow-exec/);
    assert.equal((exec.json?.errors as { line: number }[])[0]?.line, 13);

    const validate = await postJson(base, "/api/validate", { scenario_xml: BAD_XML });
    assert.equal(validate.status, 200);
    assert.equal(validate.json?.ok, false);
    assert.ok((validate.json as { errors: unknown[] }).errors.length >= 1);
    assert.deepEqual((await postJson(base, "/api/validate", { scenario_xml: EXEC_XML })).json, { ok: true });

    // Nothing was started: no job, no folder, no process.
    assert.deepEqual(await (await fetch(`${base}/api/jobs`)).json(), []);
    assert.deepEqual(await readdir(plane.jobs.dataDir), []);
    assert.equal(plane.jobs.runningCount(), 0);
  } finally {
    await plane.close();
  }
});

test("exec command is accepted with --allow-exec", async () => {
  const plane = await startTestPlane({ allowExec: true });
  try {
    const res = await postJson(plane.url, "/api/jobs", { args: ["-sn", "uac", "-i", "127.0.0.1", "-p", "0"] });
    assert.equal(res.status, 201);
    await postJson(plane.url, `/api/jobs/${String(res.json?.id)}/stop`, {});
    await postJson(plane.url, `/api/jobs/${String(res.json?.id)}/stop`, {});
    await plane.jobs.ended(String(res.json?.id));
    const check = await plane.jobs.check({ args: ["127.0.0.1:5999"], scenario_xml: EXEC_XML });
    assert.equal(check.ok, true);
  } finally {
    await plane.close();
  }
});

test("token: required when the listen address counts as non-loopback; header or query", async () => {
  // 127.0.0.2 stands for a non-loopback address (the test option); the decision itself is unit-tested.
  const plane = await startTestPlane({ host: "127.0.0.2", treatAsRemote: true });
  assert.match(plane.url, /^http:\/\/127\.0\.0\.2:\d+$/);
  try {
    assert.ok(plane.token !== undefined && plane.token.length >= 20, "a token is generated");
    assert.equal((await fetch(`${plane.url}/api/health`)).status, 401);
    assert.equal((await fetch(`${plane.url}/api/jobs`, { headers: { authorization: "Bearer wrong" } })).status, 401);
    assert.equal((await fetch(`${plane.url}/metrics`)).status, 401);
    const ok = await fetch(`${plane.url}/api/health`, { headers: { authorization: `Bearer ${plane.token}` } });
    assert.equal(ok.status, 200);
    assert.equal((await fetch(`${plane.url}/api/jobs?token=${plane.token}`)).status, 200);
    const noTokenSse = await SseClient.open(`${plane.url}/api/events`);
    assert.equal(noTokenSse.status, 401);
    noTokenSse.close();
    const sse = await SseClient.open(`${plane.url}/api/events?token=${plane.token}`);
    assert.equal(sse.status, 200);
    sse.close();
    // The UI's page itself is not secret (it holds no data); the API behind it is.
    assert.equal((await fetch(`${plane.url}/`)).status, 200);
  } finally {
    await plane.close();
  }
});

test("origin: a foreign Origin is refused on POST, DELETE and SSE; same origin and no Origin accepted", async () => {
  const plane = await startTestPlane();
  try {
    const base = plane.url;
    const evil = { origin: "http://evil.example" };
    const post = await postJson(base, "/api/jobs", { args: ["-sn", "uas", "-p", "0"] }, evil);
    assert.equal(post.status, 403);
    assert.equal(plane.jobs.runningCount(), 0);
    assert.equal((await fetch(`${base}/api/jobs/x`, { method: "DELETE", headers: evil })).status, 403);
    const sse = await SseClient.open(`${base}/api/events`, evil);
    assert.equal(sse.status, 403);
    sse.close();
    const same = await postJson(base, "/api/validate", { scenario_xml: "<scenario/>" }, { origin: base });
    assert.equal(same.status, 200);
    assert.equal((await postJson(base, "/api/validate", { scenario_xml: "<scenario/>" })).status, 200);
    // A GET without side effects is not Origin-checked (the browser's same-origin policy keeps its answer away).
    assert.equal((await fetch(`${base}/api/jobs`, { headers: evil })).status, 200);
  } finally {
    await plane.close();
  }
});

test("files: .., %2e%2e and a symlink out of the job folder are refused; oversized body refused", async () => {
  const dataDir = await tempDataDir();
  // A CLI run's folder (summary.json, no job.json) is listed as a finished job.
  const folder = join(dataDir, "cli-run");
  await mkdir(folder);
  await writeFile(
    join(folder, "summary.json"),
    JSON.stringify({
      run_id: "r",
      scenario: "uac",
      started_at: "2026-01-01T00:00:00.000Z",
      ended_at: "2026-01-01T00:00:01.000Z",
      exit_code: 0,
      calls: { created: 1, successful: 1, failed: 0, aborted: 0, active: 0 },
    }),
  );
  await writeFile(join(folder, "inside.txt"), "inside");
  await writeFile(join(dataDir, "secret.txt"), "secret");
  await symlink(join(dataDir, "secret.txt"), join(folder, "link.txt"));
  const plane = await startTestPlane({ dataDir });
  try {
    const base = plane.url;
    const jobs = (await (await fetch(`${base}/api/jobs`)).json()) as Job[];
    assert.deepEqual(
      jobs.map((j) => [j.id, j.status, j.counts.succeeded]),
      [["cli-run", "succeeded", 1]],
    );
    // A CLI run made into the data folder while the server runs appears in the next listing.
    await mkdir(join(dataDir, "cli-run-2"));
    const summary = await readFile(join(folder, "summary.json"));
    await writeFile(join(dataDir, "cli-run-2", "summary.json"), summary);
    const listed = (await (await fetch(`${base}/api/jobs`)).json()) as Job[];
    assert.deepEqual(listed.map((j) => j.id).sort(), ["cli-run", "cli-run-2"]);
    const inside = await rawGet(base, "/api/jobs/cli-run/files/inside.txt");
    assert.equal(inside.status, 200);
    assert.equal(inside.body.toString(), "inside");
    for (const path of [
      "/api/jobs/cli-run/files/../secret.txt",
      "/api/jobs/cli-run/files/%2e%2e/secret.txt",
      "/api/jobs/cli-run/files/%2E%2E%2Fsecret.txt",
      "/api/jobs/cli-run/files/%252e%252e/secret.txt",
      "/api/jobs/cli-run/files/..%5csecret.txt",
      "/api/jobs/cli-run/files/link.txt",
    ]) {
      const res = await rawGet(base, path);
      assert.ok(res.status === 403 || res.status === 404, `${path}: ${res.status}`);
      assert.ok(!res.body.toString().includes("secret\n") && res.body.toString() !== "secret", path);
    }
    const form = await fetch(`${base}/api/jobs`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ args: ["-sn", "uas", "-p", "0"] }),
    });
    assert.equal(form.status, 415);
    const big = await postJson(base, "/api/validate", { scenario_xml: "x".repeat(3 * 1024 * 1024) });
    assert.equal(big.status, 413);
  } finally {
    await plane.close();
  }
});

test("kill -9 of a job's process: the job is failed with the signal and its log tail; the server keeps serving", async () => {
  const plane = await startTestPlane();
  try {
    const base = plane.url;
    // Status lines every 100 ms go to the job's log: its tail is kept with the failure.
    const args = ["-sn", "uas", "-i", "127.0.0.1", "-p", "0", "--status", "lines", "-f", "100ms"];
    const created = await postJson(base, "/api/jobs", { args });
    const id = String(created.json?.id);
    const events = await SseClient.open(`${base}/api/jobs/${id}/events`);
    await events.next((e) => e.type === "counters" && Number(e.data.t_ms) >= 1000);
    const pid = plane.jobs.pid(id);
    assert.ok(pid !== undefined);
    process.kill(pid, "SIGKILL");
    const job = (await events.next((e) => e.type === "end")).data.job as Job;
    events.close();
    assert.equal(job.status, "failed");
    assert.equal(job.signal, "SIGKILL");
    assert.equal(job.reason, "killed by signal SIGKILL");
    assert.match(job.log_tail ?? "", /\S/);
    assert.equal((await fetch(`${base}/api/health`)).status, 200);
    const listed = (await (await fetch(`${base}/api/jobs/${id}`)).json()) as Job;
    assert.equal(listed.status, "failed");
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /sipwright_jobs\{status="failed"\} 1/);
  } finally {
    await plane.close();
  }
});
