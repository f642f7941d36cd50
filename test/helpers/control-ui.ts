/**
 * The control UI (web/dist, served by `sipwright serve`) in headless Chromium for the end-to-end test: the server
 * as a child process on port 0 with its own data folder, the UI built when web/dist is missing, and a page with
 * the launch flags the other Chromium tests use (loopback excepted from the no-DNS rule).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium-peer.js";
import { startProcess, waitExit, type StartedProcess } from "./processes.js";
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
