/**
 * WebRTC jobs under the control plane, inside a private network namespace (werift gathers every interface
 * address: there, loopback is the only one): a webrtc_uas job and a webrtc_uac job against it. The live counters
 * show the calls in progress connected over ICE (from the engine, each second) and, at the end, every finished
 * call's ICE state and selected pair from its record; the final counts equal summary.json.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../../helpers/netns.js";
import { freeUdpPort } from "../../helpers/free-port.js";
import { SseClient, postJson, startTestPlane } from "../../helpers/control-plane.js";
import type { Job } from "../../../src/api/job.js";
import type { CountersEvent } from "../../../src/api/job-monitor.js";
import type { Summary } from "../../../src/records/summary.js";

const CALLS = 3;

if (insidePrivateNetwork()) {
  describe("WebRTC jobs (inside a private network namespace)", () => {
    it("live ICE states of the calls in progress, then the finished calls' states and pairs", async () => {
      const plane = await startTestPlane();
      try {
        const base = plane.url;
        const port = await freeUdpPort();
        const uas = await postJson(base, "/api/jobs", {
          args: ["-sn", "webrtc_uas", "-i", "127.0.0.1", "-p", String(port), "-m", String(CALLS)],
        });
        assert.equal(uas.status, 201, JSON.stringify(uas.json));
        const uasEvents = await SseClient.open(`${base}/api/jobs/${String(uas.json?.id)}/events`);
        await uasEvents.next((e) => e.type === "counters");
        const uac = await postJson(base, "/api/jobs", {
          args: [
            "-sn",
            "webrtc_uac",
            `127.0.0.1:${port}`,
            "-i",
            "127.0.0.1",
            "-p",
            "0",
            "-m",
            String(CALLS),
            "-r",
            "2",
          ],
        });
        assert.equal(uac.status, 201, JSON.stringify(uac.json));
        const id = String(uac.json?.id);
        const events = await SseClient.open(`${base}/api/jobs/${id}/events`);
        const live = await events.next(
          (e) => e.type === "counters" && ((e.data as unknown as CountersEvent).webrtc?.states.connected ?? 0) > 0,
          120_000,
        );
        assert.ok(live);
        const job = (await events.next((e) => e.type === "end", 180_000)).data.job as Job;
        events.close();
        await uasEvents.next((e) => e.type === "end", 60_000);
        uasEvents.close();
        assert.equal(job.status, "succeeded", JSON.stringify(job));
        const last = events.events.filter((e) => e.type === "counters").at(-1)?.data as unknown as CountersEvent;
        const summary = JSON.parse(await readFile(join(plane.jobs.dataDir, id, "summary.json"), "utf8")) as Summary;
        assert.equal(last.final, true);
        assert.equal(last.calls.succeeded, summary.calls.successful);
        assert.equal(summary.calls.successful, CALLS);
        assert.ok(last.webrtc !== null);
        assert.deepEqual(last.webrtc.states, {});
        assert.equal(last.webrtc.ended_states.connected, CALLS);
        assert.equal(last.webrtc.pairs.host, CALLS);
        assert.deepEqual(last.webrtc.ice_servers, []);
        assert.ok(last.media !== null && last.media.packets_received > 0);
      } finally {
        await plane.close();
      }
    });
  });
} else {
  declarePrivateNetworkRun("WebRTC jobs under sipwright serve", import.meta.url, { timeoutMs: 300_000 });
}
