/**
 * The help's "Default:" strings come from the defaults of a run (src/cli/run-defaults.ts): an option whose default
 * is a value it takes reads it from the RunConfig of an empty command line, and giving that value on the command
 * line changes nothing. Only defaults that are not values (a description such as "the -s value") are written as
 * text, and docs/cli.md states the same values.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { helpText } from "../../../src/cli/help-text.js";
import { defaultText } from "../../../src/cli/options/option-spec.js";
import { RUN_OPTIONS } from "../../../src/cli/options/option-table.js";
import { defaultRunConfig, parseArgs } from "../../../src/cli/parse-args.js";
import type { RunConfig } from "../../../src/engine/run/run-config.js";

const env = { isTTY: false, cwd: "/work/here", primaryIp: "192.0.2.10" };
const DOCS = new URL("../../../docs/cli.md", import.meta.url);

/** The options whose default is not a value they take: described, not derived. */
const DESCRIBED = [
  "--out",
  "--summary-json",
  "--records",
  "--status",
  "--ice-address",
  "-mi",
  "-rate_interval",
  "-l",
  "-tls_ca",
  "--tls-servername",
  "--ws-origin",
  "-i",
  "-auth_uri",
  "-au",
  // One per core: the value depends on the machine.
  "--media-workers",
];

function config(argv: string[]): RunConfig {
  const command = parseArgs(argv, env);
  assert.equal(command.kind, "run");
  return command.config;
}

/** Option name -> the Default cell (second column) of the docs/cli.md table rows whose first cell names it. */
async function docsDefaults(): Promise<Map<string, string>> {
  const cells = new Map<string, string>();
  for (const line of (await readFile(DOCS, "utf8")).split("\n")) {
    const row = /^\|((?:[^|\\]|\\.)*)\|((?:[^|\\]|\\.)*)\|/.exec(line);
    if (!row) continue;
    for (const m of (row[1] ?? "").matchAll(/`(--?[A-Za-z][\w-]*)/g)) cells.set(m[1] ?? "", row[2] ?? "");
  }
  return cells;
}

const valueDefaults = RUN_OPTIONS.filter((o) => o.default !== undefined && typeof o.default !== "string");

describe("the help's defaults", () => {
  it("are values read from the defaults, except the ones that are descriptions", () => {
    const described = RUN_OPTIONS.filter((o) => typeof o.default === "string").map((o) => o.name);
    assert.deepEqual(described.sort(), [...DESCRIBED].sort());
    assert.ok(valueDefaults.length >= 40, `${valueDefaults.length} value defaults`);
  });

  it("are the parsed defaults: `-name <shown default>` gives the RunConfig of an empty command line", () => {
    const empty = config([]);
    const defaults = defaultRunConfig(env);
    for (const option of valueDefaults) {
      const text = defaultText(option, defaults) ?? "";
      const value = typeof option.default === "object" ? option.default.value(defaults) : "";
      assert.ok(text.startsWith(value), option.name);
      assert.deepEqual(config([option.name, value]), empty, `${option.name} ${value} (help: Default: ${text})`);
    }
  });

  it("are what sipwright -h prints and what docs/cli.md states", async () => {
    const help = helpText();
    const docs = await docsDefaults();
    const defaults = defaultRunConfig(env);
    for (const option of valueDefaults) {
      assert.ok(help.includes(`Default: ${defaultText(option, defaults)}`), option.name);
      const value = typeof option.default === "object" ? option.default.value(defaults) : "";
      const cell = docs.get(option.name) ?? "";
      const word = new RegExp(`(^|[^\\w])${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^\\w]|$)`);
      assert.ok(word.test(cell), `docs/cli.md states ${option.name}'s default as '${cell.trim()}', not ${value}`);
    }
  });

  it("catch a shown default that the option would not parse to the default", () => {
    // The check above, on a default written one unit off: -fd 60 (s) is the default, -fd 60000 is not.
    const fd = RUN_OPTIONS.find((o) => o.name === "-fd");
    assert.ok(fd !== undefined);
    assert.notDeepEqual(config(["-fd", "60000"]), config([]));
    assert.deepEqual(config(["-fd", defaultText(fd, defaultRunConfig(env))?.split(",")[0] ?? ""]), config([]));
  });
});
