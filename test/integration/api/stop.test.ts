/**
 * Stopping a job: the first stop drains (SIGUSR1: no new calls, the running ones go on), a second one ends it at
 * once (SIGTERM): the calls still running are aborted and the job is `stopped` with its outputs written.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { udpListener } from "../../helpers/udp-listener.js";
import { optionsScenario } from "../../helpers/options-scenario.js";
import { SseClient, postJson, startTestPlane } from "../../helpers/control-plane.js";
import type { Job } from "../../../src/api/job.js";
import type { Summary } from "../../../src/records/summary.js";

/** Each call waits 10 minutes before its first message: a drain alone would not end them. */
const LONG_PAUSE = optionsScenario({ name: "long pause", pauseMs: 600_000 });

test("stop: first drains (still running), second ends at once; aborted calls counted", async () => {
  const { socket, port } = await udpListener();
  const plane = await startTestPlane();
  try {
    const base = plane.url;
    const created = await postJson(base, "/api/jobs", {
      name: "long calls",
      args: [`127.0.0.1:${port}`, "-i", "127.0.0.1", "-p", "0", "-r", "100", "-m", "3"],
      scenario_xml: LONG_PAUSE,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = String(created.json?.id);
    assert.equal(created.json?.scenario, "scenario.xml");
    const events = await SseClient.open(`${base}/api/jobs/${id}/events`);
    const calls = (e: { data: Record<string, unknown> }) => e.data.calls as Record<string, number>;
    await events.next((e) => e.type === "counters" && calls(e).active === 3);

    const first = await postJson(base, `/api/jobs/${id}/stop`, {});
    assert.equal(first.status, 202);
    await events.next((e) => e.type === "state" && (e.data.job as Job).status === "stopping");
    // Draining: the calls go on (a later counters event still has all 3 active, and the job has not ended).
    const seen = events.events.length;
    await events.next((e) => e.type === "counters" && events.events.indexOf(e) >= seen && calls(e).active === 3);
    assert.equal(plane.jobs.get(id)?.status, "stopping");

    assert.equal((await postJson(base, `/api/jobs/${id}/stop`, {})).status, 202);
    const job = (await events.next((e) => e.type === "end", 30_000)).data.job as Job;
    events.close();
    assert.equal(job.status, "stopped");
    const summary = JSON.parse(await readFile(join(plane.jobs.dataDir, id, "summary.json"), "utf8")) as Summary;
    assert.equal(summary.calls.aborted, 3);
    assert.deepEqual(job.counts, { created: 3, active: 0, succeeded: 0, failed: 0, aborted: 3 });
  } finally {
    socket.close();
    await plane.close();
  }
});
