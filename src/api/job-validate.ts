/**
 * The checks `POST /api/jobs` and `POST /api/validate` make in the server's own process before anything starts:
 * the CLI's own argument parser and scenario loader (so a refused job gets the same messages the CLI prints), and
 * the refusal of `exec command` (a shell command) unless the server was started with --allow-exec.
 */
import { readFile } from "node:fs/promises";
import { ConfigError, SipwrightError, formatLocation, type ScenarioProblem } from "../shared/errors.js";
import { parseArgs } from "../cli/parse-args.js";
import { validateScenarioText } from "../scenario/scenario-checks.js";
import { parseXmlDocument, type XmlElement } from "../scenario/xml-document.js";
import { builtinScenarioPath, isBuiltinScenario } from "../scenario/builtin-scenarios.js";
import type { RunConfig } from "../engine/run/run-config.js";
import { SCENARIO_FILE } from "./job.js";

export interface ProblemJson {
  line: number;
  column: number;
  message: string;
}

export type CheckResult =
  | { readonly ok: true; readonly config: RunConfig }
  | { readonly ok: false; readonly error: string; readonly errors?: ProblemJson[] };

/** Options the server sets itself on every job (docs/api.md). */
const SERVER_OPTIONS = new Set(["out", "junit", "live-stats"]);
const SUBCOMMANDS = new Set(["serve", "demo", "validate", "turn-cred", "help", "run"]);

function problemsJson(problems: readonly ScenarioProblem[]): ProblemJson[] {
  return problems.map((p) => ({ line: p.loc.line, column: p.loc.column, message: p.message }));
}

/** As the CLI prints them (main.ts reportError): `file:line:column: error: message`. */
function problemsText(problems: readonly ScenarioProblem[]): string {
  return problems.map((p) => `${formatLocation(p.loc)}: error: ${p.message}`).join("\n");
}

function refused(problems: readonly ScenarioProblem[]): CheckResult {
  return { ok: false, error: problemsText(problems), errors: problemsJson(problems) };
}

/** Every `<exec command="...">` of a document (SIPp's `system` form), as problems. */
export function execCommandProblems(text: string, source: string): ScenarioProblem[] {
  const doc = parseXmlDocument(text, source);
  if ("problems" in doc) return [];
  const found: ScenarioProblem[] = [];
  const walk = (el: XmlElement): void => {
    if (el.tag === "exec" && el.attrs.command !== undefined) {
      found.push({
        loc: el.attrLocs.command ?? el.loc,
        message: "exec command runs a shell command: refused (start the server with --allow-exec to allow it)",
      });
    }
    el.children.forEach(walk);
  };
  walk(doc.root);
  return found;
}

/** `POST /api/validate`: every problem `sipwright validate` would print for this text. */
export function validateXml(text: string, opts: { readonly webrtc?: boolean } = {}): ProblemJson[] {
  return problemsJson(
    validateScenarioText(text, SCENARIO_FILE, { keys: new Map(), webrtc: opts.webrtc ?? false }).problems,
  );
}

async function scenarioText(config: RunConfig): Promise<{ text: string; source: string } | undefined> {
  if (config.scenarioFile !== undefined) {
    return { text: await readFile(config.scenarioFile, "latin1"), source: config.scenarioFile };
  }
  const name = config.scenarioName;
  if (name !== undefined && isBuiltinScenario(name)) {
    return { text: await readFile(builtinScenarioPath(name), "latin1"), source: `builtin:${name}` };
  }
  return undefined;
}

/** Parses a job's arguments and checks its scenario; `scenarioXml` stands for `-sf scenario.xml`. */
export async function checkJobRequest(
  args: readonly string[],
  scenarioXml: string | undefined,
  opts: { readonly allowExec: boolean; readonly cwd: string },
): Promise<CheckResult> {
  const first = args[0];
  if (first !== undefined && SUBCOMMANDS.has(first)) {
    return { ok: false, error: `sipwright: a job is a run: '${first}' is not allowed as a job's first argument` };
  }
  for (const arg of args) {
    const name = arg.replace(/^--?/, "");
    if (arg.startsWith("-") && SERVER_OPTIONS.has(name)) {
      return { ok: false, error: `sipwright: ${arg} is set by the server for every job (docs/api.md)` };
    }
    if (arg === "-h" || arg === "--help" || arg === "-v" || arg === "--version") {
      return { ok: false, error: `sipwright: ${arg} does not start a run` };
    }
  }
  let config: RunConfig;
  try {
    const command = parseArgs(["run", ...args], { isTTY: false, cwd: opts.cwd });
    if (command.kind !== "run") return { ok: false, error: "sipwright: these arguments do not start a run" };
    config = command.config;
  } catch (error) {
    if (error instanceof SipwrightError) return { ok: false, error: `sipwright: ${error.message}` };
    throw error;
  }
  let scenario: { text: string; source: string } | undefined;
  try {
    scenario = scenarioXml !== undefined ? { text: scenarioXml, source: SCENARIO_FILE } : await scenarioText(config);
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `sipwright: cannot read the scenario: ${cause}` };
  }
  if (scenario === undefined) {
    return { ok: false, error: `sipwright: ${new ConfigError("no scenario: give -sf FILE or -sn NAME").message}` };
  }
  const checked = validateScenarioText(scenario.text, scenario.source, { keys: config.keys, webrtc: config.webrtc });
  if (checked.problems.length > 0) return refused(checked.problems);
  if (!opts.allowExec) {
    const ooc = config.oocScenarioFile;
    const oocText = ooc === undefined ? undefined : await readFile(ooc, "latin1").catch(() => undefined);
    const exec = [
      ...execCommandProblems(scenario.text, scenario.source),
      ...(ooc === undefined || oocText === undefined ? [] : execCommandProblems(oocText, ooc)),
    ];
    if (exec.length > 0) return refused(exec);
  }
  return { ok: true, config };
}
