/**
 * The compiled CLI (`bin/sipwright.js` -> `dist/`), for benchmarks and anything that must not pay for tsx.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./sipwright.js";

export const SIPWRIGHT_BIN = join(REPO_ROOT, "bin", "sipwright.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when dist/ is missing or older than the newest file under src/. */
export function buildIsStale(): boolean {
  const built = join(REPO_ROOT, "dist", "cli", "main.js");
  return !existsSync(built) || statSync(built).mtimeMs < newestMtime(join(REPO_ROOT, "src"));
}

/** Runs `npm run build` (bounded to 5 minutes) when the build is stale; throws if the build fails. */
export function ensureCompiledBuild(): void {
  if (!buildIsStale()) return;
  console.log("building dist/ (npm run build) ...");
  const result = spawnSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "inherit", timeout: 300_000 });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status ?? result.signal ?? "?"})`);
}
