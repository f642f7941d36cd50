/**
 * The control UI (web/dist, served by `sipwright serve`) in headless Chromium for the end-to-end test: the server
 * as a child process on port 0 with its own data folder, the UI built when web/dist is missing, and a page with
 * the launch flags the other Chromium tests use (loopback excepted from the no-DNS rule).
 */
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumUnavailable } from "./chromium-peer.js";
import { ensureCompiledBuild } from "./compiled-build.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "./netns.js";
import { startProcess, stopStartedProcesses, waitExit, type StartedProcess } from "./processes.js";
import { REPO_ROOT, startSipwright } from "./sipwright.js";

export const ARTIFACTS_DIR = join(REPO_ROOT, "test-artifacts", "control-ui");

/** Builds web/dist with Vite when it is not there (npm ci builds it; a tree without it still tests). */
export async function ensureUiBuilt(timeoutMs: number): Promise<void> {
  if (existsSync(join(REPO_ROOT, "web", "dist", "index.html"))) return;
  const vite = join(REPO_ROOT, "node_modules", "vite", "bin", "vite.js");
  const build = await startProcess(process.execPath, [vite, "build", "--config", "web/vite.config.js"], {
    cwd: REPO_ROOT,
  });
  const status = await waitExit(build, timeoutMs);
  if (status.code !== 0) throw new Error(`vite build failed (${status.code ?? status.signal}):\n${build.stderr()}`);
}

export interface RunningServer {
  readonly process: StartedProcess;
  readonly url: string;
}

/**
 * `sipwright serve --listen 127.0.0.1:0 --data DIR --token TOKEN` (a token is then required on loopback too);
 * resolves once it printed `listening on http://...`.
 */
export async function startServe(dataDir: string, token: string, timeoutMs: number): Promise<RunningServer> {
  const proc = await startSipwright(["serve", "--listen", "127.0.0.1:0", "--data", dataDir, "--token", token]);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /listening on (http:\/\/[^\s/]+\/)/.exec(`${proc.stdout()}\n${proc.stderr()}`);
    if (match?.[1] !== undefined) return { process: proc, url: match[1] };
    if (!proc.isAlive()) throw new Error(`serve exited before listening:\n${proc.stdout()}\n${proc.stderr()}`);
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`serve did not print its address within ${timeoutMs} ms:\n${proc.stdout()}\n${proc.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface UiBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and failed requests the page reported. */
  readonly problems: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openUi(profileDir: string, timeoutMs: number): Promise<UiBrowser> {
  const args = CHROMIUM_ARGS.map((arg) =>
    arg.startsWith("--host-resolver-rules=") ? `${arg}, EXCLUDE 127.0.0.1` : arg,
  );
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
    timeout: timeoutMs,
    viewport: { width: 1366, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeoutMs);
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return {
    context,
    page,
    problems,
    async screenshot(name) {
      const path = join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => context.close(),
  };
}

export interface JobFormInput {
  readonly name: string;
  readonly scenario: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly flags: readonly string[];
}

/** Fills the New-job form, starts the job, and returns its id once the monitor shows it. */
export async function startJobFromForm(page: Page, input: JobFormInput): Promise<string> {
  await page.getByRole("link", { name: "New job", exact: true }).first().click();
  await page.getByRole("heading", { name: "New job" }).waitFor();
  await page.getByLabel("Built-in", { exact: true }).check();
  await page.getByLabel("Job name (optional)").fill(input.name);
  await page.getByLabel("Built-in scenario (-sn)").selectOption(input.scenario);
  for (const [label, value] of Object.entries(input.fields)) await page.getByLabel(label, { exact: true }).fill(value);
  for (const label of input.flags) await page.getByLabel(label, { exact: true }).check();
  await page.getByRole("button", { name: "Start job" }).click();
  await page.waitForURL(/#\/jobs\/[^/]+$/);
  await page.getByRole("heading", { name: input.name }).waitFor();
  const id = decodeURIComponent(/#\/jobs\/([^/]+)$/.exec(page.url())?.[1] ?? "");
  assert.ok(id !== "", page.url());
  return id;
}

/** Waits (bounded) for the monitor to show the job ended and returns its end status. */
export async function endState(page: Page, timeoutMs: number): Promise<string | null> {
  const ended = page.locator(FINISHED.map((status) => `[data-job-status="${status}"]`).join(", "));
  await ended.waitFor({ timeout: timeoutMs });
  return ended.getAttribute("data-job-status");
}

const FINISHED = ["succeeded", "failed", "stopped"];

/** Counts the pixels with some opacity on the canvases wavesurfer draws inside its (open) shadow root. */
export const WAVEFORM_PIXELS = `(() => {
  let count = 0;
  for (const host of document.querySelectorAll("[data-waveform] > *")) {
    const root = host.shadowRoot ?? host;
    for (const canvas of root.querySelectorAll("canvas")) {
      if (canvas.width === 0 || canvas.height === 0) continue;
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
    }
  }
  return count;
})()`;

export interface UiSuite {
  /** The describe() name. */
  readonly name: string;
  /** The it() name. */
  readonly test: string;
  /** The test file's import.meta.url (re-run inside a private network namespace). */
  readonly fileUrl: string;
  readonly token: string;
  /** Bound of the whole run inside the namespace. */
  readonly timeoutMs: number;
  readonly stepMs: number;
  /** Name of the screenshot taken when `body` throws. */
  readonly failureShot: string;
}

/**
 * Declares an end-to-end UI test file: outside the namespace one test that re-runs the file inside it (skipped
 * without Chromium); inside, a suite with `sipwright serve` (compiled build, UI built) and a Chromium page, whose
 * one test runs `body` and, when it throws, adds a screenshot, the page's problems and the job list to the error.
 */
export function declareUiSuite(
  suite: UiSuite,
  body: (server: RunningServer, ui: UiBrowser, dir: string) => Promise<void>,
): void {
  if (!insidePrivateNetwork()) {
    declarePrivateNetworkRun(suite.name, suite.fileUrl, {
      timeoutMs: suite.timeoutMs + 60_000,
      unavailable: chromiumUnavailable(),
    });
    return;
  }
  describe(suite.name, { timeout: suite.timeoutMs }, () => {
    let dir = "";
    let server: RunningServer | undefined;
    let ui: UiBrowser | undefined;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "sipwright-control-ui-"));
      // The server runs each job as `node bin/sipwright.js` (dist/), as installed: build it when src/ is newer.
      ensureCompiledBuild();
      await ensureUiBuilt(120_000);
      server = await startServe(join(dir, "data"), suite.token, suite.stepMs);
      ui = await openUi(join(dir, "profile"), suite.stepMs);
    });

    after(async () => {
      await ui?.close();
      if (server?.process.isAlive() === true) {
        server.process.kill("SIGTERM");
        await waitExit(server.process, 10_000).catch(() => undefined);
      }
      await stopStartedProcesses();
      await rm(dir, { recursive: true, force: true });
    });

    it(suite.test, async () => {
      assert.ok(server !== undefined && ui !== undefined);
      try {
        await body(server, ui, dir);
      } catch (error) {
        // What the page and the server saw, for the failure message; the screenshot stays in test-artifacts/.
        await ui.screenshot(suite.failureShot).catch(() => undefined);
        const jobs = await fetch(`${server.url}api/jobs?token=${suite.token}`).then((r) => r.text(), String);
        throw new Error(
          `${String(error)}\npage: ${ui.page.url()}\nproblems: ${ui.problems.join("; ")}\njobs: ${jobs}`,
          {
            cause: error,
          },
        );
      }
    });
  });
}
