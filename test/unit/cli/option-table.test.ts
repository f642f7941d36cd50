/**
 * One option table (src/cli/options/) builds the parser and the help, and docs/cli.md lists exactly its options
 * (issue 11): every option once in the help's option lines, every option in the docs section its entry names, no
 * option in the docs' option tables that the table lacks. A parsed RunConfig is frozen, WebRTC/TURN options typed.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { helpText, usageOf } from "../../../src/cli/help-text.js";
import { optionNames, RUN_OPTIONS } from "../../../src/cli/options/option-table.js";
import { defaultText } from "../../../src/cli/options/option-spec.js";
import { defaultRunConfig, parseArgs } from "../../../src/cli/parse-args.js";
import type { RunConfig } from "../../../src/engine/run/run-config.js";

const DOCS = new URL("../../../docs/cli.md", import.meta.url);
const env = { isTTY: false, cwd: "/work/here", primaryIp: "192.0.2.10" };

/** Option name -> the docs sections (`##`/`###` headings) whose tables list it in their first column. */
async function documentedOptions(): Promise<Map<string, Set<string>>> {
  const found = new Map<string, Set<string>>();
  let section = "";
  for (const line of (await readFile(DOCS, "utf8")).split("\n")) {
    const heading = /^#{2,3} (.+)$/.exec(line);
    if (heading) section = heading[1] ?? "";
    const firstCell = /^\|((?:[^|\\]|\\.)*)\|/.exec(line)?.[1] ?? "";
    for (const m of firstCell.matchAll(/`(--?[A-Za-z][\w-]*\*?)/g)) {
      const name = m[1] ?? "";
      found.set(name, (found.get(name) ?? new Set()).add(section));
    }
  }
  return found;
}

function run(...argv: string[]): RunConfig {
  const command = parseArgs(argv, env);
  assert.equal(command.kind, "run");
  return command.config;
}

describe("the option table", () => {
  it("names each option once", () => {
    const names = RUN_OPTIONS.flatMap(optionNames).map((n) => n.replace(/^--?/, ""));
    assert.deepEqual(
      names.filter((n, i) => names.indexOf(n) !== i),
      [],
    );
    assert.ok(RUN_OPTIONS.length >= 88, `${RUN_OPTIONS.length} options`);
  });

  it("docs/cli.md lists exactly the options the table has, each in its section", async () => {
    const docs = await documentedOptions();
    const table = new Set(RUN_OPTIONS.flatMap(optionNames));
    assert.deepEqual(
      [...table].filter((n) => !docs.has(n)),
      [],
      "options the docs do not list",
    );
    assert.deepEqual(
      [...docs.keys()].filter((n) => !table.has(n)),
      [],
      "options the docs list that do not exist",
    );
    for (const option of RUN_OPTIONS) {
      const sections = docs.get(option.name) ?? new Set();
      assert.ok(
        sections.has(option.doc),
        `${option.name} is not in docs/cli.md "${option.doc}": ${[...sections].join(", ")}`,
      );
    }
  });

  it("the help is made from the table: every option starts exactly one of its option lines", () => {
    const runPart = helpText().split("*** turn-cred")[0] ?? "";
    const lineOptions = [...runPart.matchAll(/^ {3}(--?[^\s,]+)/gm)].map((m) => m[1] ?? "");
    assert.deepEqual(lineOptions.sort(), RUN_OPTIONS.map((o) => o.name).sort());
    for (const option of RUN_OPTIONS) {
      const usage = usageOf(option);
      assert.ok(runPart.includes(`   ${usage} `) || runPart.includes(`   ${usage}\n`), `help line of ${usage}`);
      const shown = defaultText(option, defaultRunConfig(env));
      if (shown !== undefined) assert.ok(runPart.includes(`Default: ${shown}`), option.name);
    }
  });
});

describe("parseArgs: the RunConfig it returns", () => {
  it("is frozen all the way down: a write throws in strict mode", () => {
    const c = run("-sn", "uas", "-key", "k", "v", "-inf", "users.csv", "--ice-server", "stun:127.0.0.1");
    assert.throws(() => Object.assign(c, { rate: 5 }), TypeError);
    assert.throws(() => Object.assign(c.trace, { msg: true }), TypeError);
    assert.throws(() => Object.assign(c.tls, { insecure: true }), TypeError);
    assert.throws(() => Object.assign(c.injectionFiles[0] ?? {}, { indexField: 1 }), TypeError);
    assert.throws(() => c.webrtcOptions.iceServers.push("stun:127.0.0.2"), TypeError);
    assert.throws(() => c.codecs.splice(0, 1), TypeError);
    assert.throws(() => c.keys.set("k", "w"), TypeError);
    assert.throws(() => c.setVariables.clear(), TypeError);
    assert.throws(() => (c.defaultBehaviors as Set<string>).add("x"), TypeError);
    assert.equal(c.rate, 10);
    assert.equal(c.keys.get("k"), "v");
    // A copy with overrides (the demo, the API) still works.
    assert.equal({ ...c, rate: 5 }.rate, 5);
  });

  it("carries the WebRTC and TURN options as typed values, parsed when the arguments were read", () => {
    const c = run(
      ...["-sn", "uas", "--ice-server", "stun:127.0.0.1:3478", "--ice-server", "turn:127.0.0.1?transport=tcp"],
      ...["--turn-secret", "s3", "--turn-ttl", "600", "--gather-timeout", "1s"],
    );
    const plan = c.webrtcOptions.plan;
    assert.ok(plan !== undefined);
    assert.deepEqual(
      plan.servers.map((s) => [s.scheme, s.port]),
      [
        ["stun", 3478],
        ["turn", 3478],
      ],
    );
    assert.equal(plan.turnPlan.mode, "rest");
    assert.deepEqual([c.webrtcOptions.turnTtlS, c.webrtcOptions.gatherTimeoutMs], [600, 1000]);
    assert.ok(Object.isFrozen(plan.servers));
  });
});
