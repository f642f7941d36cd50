#!/usr/bin/env node
// Runs the test suite with Node's built-in runner (Node 20 has no glob support in `node --test`).
// Usage: node test/run.mjs [unit|integration|interop ...] [--only-file-substring]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const suites = args.filter((a) => ["unit", "integration", "interop"].includes(a));
const filters = args.filter((a) => !suites.includes(a));
const chosen = suites.length > 0 ? suites : ["unit", "integration", "interop"];

function collect(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(collect(path));
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

const files = chosen
  .flatMap((suite) => collect(join(root, "test", suite)))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-timeout=300000", ...files], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
