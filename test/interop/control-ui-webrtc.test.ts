/**
 * The monitor's WebRTC strip and a call's `webrtc` block with real WebRTC calls, end to end in headless Chromium
 * (issue 10): `sipwright serve` on port 0, the web UI starts a `webrtc_uas` job and a `webrtc_uac` job against it
 * (3 calls, stereo recording; werift on both sides, trickle ICE over SIP INFO, DTLS-SRTP). Once the UAC job has
 * ended, its strip shows what the records say: every call ended `connected`, every selected pair `host`, no ICE
 * server, no TURN refresh, and the failed records (the built-in's audio checks can fail on a loaded machine) each
 * listed with class and reason. A call's page shows its `webrtc` block (connected, a host pair) and its recording (player with a duration, drawn waveform).
 * Screenshots go to test-artifacts/control-ui/ (git-ignored).
 *
 * Everything runs inside a private network namespace (test/helpers/netns.ts): werift and Chromium see only `lo`.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { CallRecord } from "../../src/records/call-record.js";
import {
  declareUiSuite,
  endState,
  startJobFromForm,
  WAVEFORM_PIXELS,
  type RunningServer,
  type UiBrowser,
} from "../helpers/control-ui.js";
import { freeUdpPort } from "../helpers/free-port.js";

const CALLS = 3;
const STEP_MS = 30_000;
const RUN_MS = 120_000;
const TOKEN = randomBytes(16).toString("hex");

declareUiSuite(
  {
    name: "control UI with real WebRTC calls (serve + Chromium)",
    test: "shows the real WebRTC strip of a webrtc_uac job and a call's webrtc block and recording",
    fileUrl: import.meta.url,
    token: TOKEN,
    timeoutMs: 360_000,
    stepMs: STEP_MS,
    failureShot: "webrtc-failure",
  },
  webrtcEndToEnd,
);

async function webrtcEndToEnd(server: RunningServer, ui: UiBrowser, dir: string): Promise<void> {
  const { page } = ui;
  await page.goto(`${server.url}#token=${TOKEN}`);
  await page.getByRole("heading", { name: "Jobs" }).waitFor();

  const port = await freeUdpPort();
  const common = { "Local IP (-i)": "127.0.0.1", "Stop after N calls (-m)": String(CALLS) };
  const uasId = await startJobFromForm(page, {
    name: "webrtc uas",
    scenario: "webrtc_uas",
    fields: { ...common, "Local port (-p)": String(port), "More arguments": "-timeout 90" },
    flags: [],
  });
  await page.locator('[data-job-status="running"]').waitFor();
  const uacId = await startJobFromForm(page, {
    name: "webrtc uac",
    scenario: "webrtc_uac",
    fields: {
      ...common,
      "Remote address (host:port)": `127.0.0.1:${port}`,
      "Rate, calls/s (-r)": "3",
      "More arguments": "-timeout 90",
    },
    flags: ["Stereo recording (--record-stereo)"],
  });
  // The job's verdict also carries the built-in's audio checks, which a loaded machine can fail (late media);
  // the strip is compared with whatever the records say, and ICE must have connected every call.
  assert.ok(["succeeded", "failed"].includes((await endState(page, RUN_MS)) ?? ""));

  // What the strip must show: the records' own tally.
  const records = (await readFile(join(dir, "data", uacId, "call_records.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as CallRecord);
  const summary = JSON.parse(await readFile(join(dir, "data", uacId, "summary.json"), "utf8")) as {
    calls: { created: number; successful: number; failed: number };
  };
  assert.equal(records.length, CALLS);
  assert.equal(summary.calls.created, CALLS);
  assert.deepEqual(
    records.map((r) => [r.webrtc?.ice.connection, r.webrtc?.ice.selected_pair?.local.type]),
    Array.from({ length: CALLS }, () => ["connected", "host"]),
  );

  const strip = page.locator(".webrtc-strip");
  await strip.waitFor();
  const count = async (selector: string) => Number((await strip.locator(`${selector} dd`).textContent()) ?? NaN);
  // The final counters carry every record's tally (job-monitor.ts reads the records before the last live line).
  await strip.locator('[data-webrtc-ended="connected"] dd', { hasText: String(CALLS) }).waitFor({ timeout: STEP_MS });
  assert.equal(await count('[data-webrtc-ended="connected"]'), CALLS);
  assert.equal(await count('[data-webrtc-ended="failed"]'), 0);
  assert.equal(await count('[data-webrtc-pair="host"]'), CALLS);
  assert.equal(await count('[data-webrtc-pair="relay"]'), 0);
  // No call is in progress any more.
  for (const state of ["new", "checking", "connected", "failed"])
    assert.equal(await count(`[data-webrtc-state="${state}"]`), 0);
  assert.equal(await count("[data-webrtc-turn-refreshes]"), 0);
  const text = (await strip.textContent()) ?? "";
  assert.match(text, /ICE servers\s*none \(host candidates only\)/);
  // Recent failures: one line per failed record, with its class and reason.
  const failed = records.filter((r) => r.failure !== null);
  assert.equal(failed.length, summary.calls.failed);
  if (failed.length === 0) assert.match(text, /Recent failures\s*none/);
  else {
    const lines = await strip.locator("[data-webrtc-failures] li").allTextContents();
    assert.deepEqual(
      lines,
      failed.map((r) => `call ${r.call_number}: ${r.failure?.class} — ${r.failure?.reason}`),
    );
  }
  await ui.screenshot("webrtc-1-uac-monitor-strip");

  await page.goto(`${server.url}#/jobs/${uasId}`);
  assert.ok(["succeeded", "failed"].includes((await endState(page, RUN_MS)) ?? ""));

  // A call: its webrtc block and its recording.
  await page.goto(`${server.url}#/jobs/${uacId}`);
  await page.locator('tr[data-call="1"] a').click();
  await page.getByRole("heading", { name: "Call 1" }).waitFor();
  const block = JSON.parse(
    (await page.locator('section[aria-labelledby="webrtc-block-title"] pre').textContent()) ?? "null",
  ) as CallRecord["webrtc"];
  const first = records.find((r) => r.call_number === 1);
  assert.deepEqual(block, first?.webrtc);
  assert.equal(block?.ice.connection, "connected");
  assert.equal(block.ice.selected_pair?.local.type, "host");
  await recordingPlays(page);
  await ui.screenshot("webrtc-2-call-detail");
  assert.deepEqual(ui.problems, []);
}

/** The call's recording: the player loads it (a duration), and the waveform is drawn. */
async function recordingPlays(page: Page): Promise<void> {
  await page.locator('[data-recording][data-ready="true"]').first().waitFor({ timeout: STEP_MS });
  const duration = await page.waitForFunction(
    `(() => { const a = document.querySelector("[data-recording] audio"); return a !== null && a.readyState >= 1 && a.duration > 0 ? a.duration : false; })()`,
    undefined,
    { timeout: STEP_MS },
  );
  const seconds = Number(await duration.jsonValue());
  assert.ok(seconds > 1 && seconds < 30, `the recording lasts ${seconds} s`);
  const drawn = Number(await page.evaluate(WAVEFORM_PIXELS));
  assert.ok(drawn > 100, `the waveform canvases have ${drawn} non-blank pixels`);
}
