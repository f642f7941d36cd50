/**
 * docs/cli.md describes the same commands as `sipwright -h` (issue 9 item 13: `demo --rtp` was in the help and the
 * README but not in docs/cli.md): every usage line of the help is in the docs' synopsis, and every subcommand's
 * options appear in the docs' command table.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { helpText } from "../../../src/cli/help-text.js";

const DOCS = new URL("../../../docs/cli.md", import.meta.url);

function usageLines(): string[] {
  const usage = helpText().split("\n\n")[1] ?? "";
  return usage
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("sipwright "));
}

describe("docs/cli.md and sipwright -h", () => {
  it("the docs' synopsis holds every usage line of the help", async () => {
    const docs = await readFile(DOCS, "utf8");
    const lines = usageLines();
    assert.ok(lines.length >= 5, `usage lines found in the help: ${lines.join(" / ")}`);
    for (const line of lines) assert.ok(docs.includes(`\n${line}\n`), `docs/cli.md synopsis lacks: ${line}`);
  });

  it("the command table names every option of demo", async () => {
    const docs = await readFile(DOCS, "utf8");
    const demo = usageLines().find((l) => l.startsWith("sipwright demo "));
    assert.ok(demo !== undefined);
    const row = docs.split("\n").find((l) => l.startsWith("| `demo "));
    assert.ok(row !== undefined, "no demo row in the command table");
    for (const option of demo.match(/--[a-z]+/g) ?? []) assert.ok(row.includes(option), `demo row lacks ${option}`);
  });
});
