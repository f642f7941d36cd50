/**
 * End to end in real headless Chromium (issue 10): `sipwright serve` on port 0, the web UI starts an `rtp_uas` job
 * and then an `rtp_uac` job against it (stereo recording), the monitor's live counters reach the final numbers,
 * which equal summary.json and the JSONL lines; a call's page shows its SIP ladder (a message opens whole), plays
 * its recording (the <audio> element loads, has a duration and plays) and draws the waveform (non-blank canvas
 * pixels). Screenshots go to test-artifacts/control-ui/ (git-ignored).
 *
 * Chromium runs inside a private network namespace (test/helpers/netns.ts): only `lo`, nothing leaves the machine.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
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
    name: "control UI end to end (serve + Chromium)",
    test: "starts a UAS and a UAC job from the UI, watches them live, opens a call, its ladder and its recording",
    fileUrl: import.meta.url,
    token: TOKEN,
    timeoutMs: 420_000,
    stepMs: STEP_MS,
    failureShot: "failure",
  },
  endToEnd,
);

async function endToEnd(server: RunningServer, ui: UiBrowser, dir: string): Promise<void> {
  const { page } = ui;
  // Without the token the page shows the server's refusal; with `#token=` it keeps it for every request (fetch,
  // event stream, recordings) and takes it out of the address bar.
  await page.goto(server.url);
  await page.getByRole("alert").filter({ hasText: "Could not list the jobs" }).waitFor();
  ui.problems.length = 0; // the refused requests' console errors, expected here
  await page.goto(`${server.url}#token=${TOKEN}`);
  await page.waitForURL(/#\/$/);
  await page.getByRole("heading", { name: "Jobs" }).waitFor();
  await page.getByText("No jobs yet.").waitFor();
  await ui.screenshot("1-empty-job-list");

  // An uploaded scenario is checked at once: its problems come with line and column, and it cannot be started.
  await page.getByRole("link", { name: "New job", exact: true }).first().click();
  await page.getByLabel("Upload XML").check();
  await page.getByLabel("Scenario file (-sf)").setInputFiles({
    name: "broken.xml",
    mimeType: "text/xml",
    buffer: Buffer.from('<?xml version="1.0"?>\n<scenario name="broken">\n  <send>\n</scenario>\n'),
  });
  const problems = (await page.locator("[data-validation]").textContent()) ?? "";
  assert.match(problems, /line \d+, column \d+/);
  assert.ok(await page.getByRole("button", { name: "Start job" }).isDisabled());
  await ui.screenshot("1b-xml-validation");

  const port = await freeUdpPort();
  const uasId = await startJobFromForm(page, {
    name: "ui uas",
    scenario: "rtp_uas",
    fields: {
      "Local IP (-i)": "127.0.0.1",
      "Local port (-p)": String(port),
      "Stop after N calls (-m)": String(CALLS),
    },
    flags: [],
  });
  await page.locator('[data-job-status="running"]').waitFor();

  const uacId = await startJobFromForm(page, {
    name: "ui uac",
    scenario: "rtp_uac",
    fields: {
      "Remote address (host:port)": `127.0.0.1:${port}`,
      "Local IP (-i)": "127.0.0.1",
      "Rate, calls/s (-r)": "3",
      "Stop after N calls (-m)": String(CALLS),
      "More arguments": "-timeout 90",
    },
    flags: ["Stereo recording (--record-stereo)"],
  });
  assert.notEqual(uacId, uasId);
  // Live: the monitor connected to the job's stream while it ran, and its chart got points.
  await page.getByText("· live").waitFor();
  assert.equal(await endState(page, RUN_MS), "succeeded");
  await ui.screenshot("2-uac-monitor-finished");

  const summary = JSON.parse(await readFile(join(dir, "data", uacId, "summary.json"), "utf8")) as {
    calls: { created: number; successful: number; failed: number; active: number };
  };
  const jsonl = (await readFile(join(dir, "data", uacId, "call_records.jsonl"), "utf8")).trim().split("\n");
  assert.equal(summary.calls.created, CALLS);
  assert.equal(jsonl.length, CALLS);
  assert.deepEqual(await kpis(page), {
    created: summary.calls.created,
    active: summary.calls.active,
    succeeded: summary.calls.successful,
    failed: summary.calls.failed,
  });
  await page.locator("[data-calls-total]", { hasText: `${jsonl.length} calls` }).waitFor();
  const chartPoints = Number(/\((\d+) points\)/.exec((await page.locator("figure.chart").textContent()) ?? "")?.[1]);
  assert.ok(chartPoints >= 1, `the live chart got ${chartPoints} points`);

  // The UAS job ended too, after its CALLS calls; the job list shows both.
  await page.goto(`${server.url}#/jobs/${uasId}`);
  assert.equal(await endState(page, RUN_MS), "succeeded");
  await page.goto(`${server.url}#/`);
  await page.locator(`tr[data-job-id="${uacId}"]`, { hasText: "succeeded" }).waitFor();
  await page.locator(`tr[data-job-id="${uasId}"]`, { hasText: "succeeded" }).waitFor();
  await ui.screenshot("3-job-list");

  // A call: its ladder, one message opened whole.
  await page.goto(`${server.url}#/jobs/${uacId}`);
  await page.locator('tr[data-call="1"] a').click();
  await page.getByRole("heading", { name: "Call 1" }).waitFor();
  const arrows = page.locator(".ladder button.arrow");
  await arrows.first().waitFor();
  const firstLines = await arrows.allTextContents();
  assert.ok(firstLines.length >= 5, `ladder: ${firstLines.join(" | ")}`);
  assert.match(firstLines[0] ?? "", /^INVITE sip:/);
  assert.ok(
    firstLines.some((line) => line.startsWith("SIP/2.0 200")),
    firstLines.join(" | "),
  );
  assert.ok(
    firstLines.some((line) => line.startsWith("BYE ")),
    firstLines.join(" | "),
  );
  await arrows.first().click();
  const whole = (await page.locator("[data-message-text]").textContent()) ?? "";
  assert.match(whole, /^INVITE sip:[^\n]*\n[\s\S]*Call-ID: /);
  assert.match(whole, /m=audio \d+ RTP\/AVP/);

  // Its stereo recording: the player loads the file and plays it, the waveform is drawn.
  const recording = page.locator("[data-recording]").first();
  await recording.waitFor();
  await page.locator('[data-recording][data-ready="true"]').first().waitFor({ timeout: STEP_MS });
  const duration = await page.waitForFunction(
    `(() => { const a = document.querySelector("[data-recording] audio"); return a !== null && a.readyState >= 1 && a.duration > 0 ? a.duration : false; })()`,
    undefined,
    { timeout: STEP_MS },
  );
  const seconds = Number(await duration.jsonValue());
  assert.ok(seconds > 1 && seconds < 30, `the recording lasts ${seconds} s`);
  await recording.getByRole("button", { name: "Play" }).click();
  await recording.getByRole("button", { name: "Pause" }).waitFor();
  await page.waitForFunction(`document.querySelector("[data-recording] audio").currentTime > 0.2`, undefined, {
    timeout: STEP_MS,
  });
  const drawn = Number(await page.evaluate(WAVEFORM_PIXELS));
  assert.ok(drawn > 100, `the waveform canvases have ${drawn} non-blank pixels`);
  await ui.screenshot("4-call-detail");
  assert.deepEqual(ui.problems, []);
}

async function kpis(page: Page): Promise<Record<string, number>> {
  const read = async (id: string) =>
    Number(((await page.locator(`[data-kpi="${id}"] .kpi-value`).textContent()) ?? "").replace(/\D/g, ""));
  return {
    created: await read("created"),
    active: await read("active"),
    succeeded: await read("succeeded"),
    failed: await read("failed"),
  };
}
