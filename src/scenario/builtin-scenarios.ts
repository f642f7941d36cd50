/**
 * Built-in scenarios (`-sn NAME`): XML files in the package's `scenarios/` folder, with the same message flows and
 * keywords as SIPp's built-ins so that each side interoperates with `sipp -sn`.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SipwrightError } from "../shared/errors.js";
import { loadScenarioText, readScenarioFile } from "./load-scenario.js";
import type { Scenario } from "./model.js";

export const BUILTIN_SCENARIOS = [
  "uac",
  "uas",
  "regexp",
  "branchc",
  "branchs",
  "ooc_default",
  "rtp_uac",
  "rtp_uas",
  "webrtc_uac",
  "webrtc_uas",
  "register",
  "registrar",
] as const;
export type BuiltinScenarioName = (typeof BUILTIN_SCENARIOS)[number];

export function isBuiltinScenario(name: string): name is BuiltinScenarioName {
  return (BUILTIN_SCENARIOS as readonly string[]).includes(name);
}

let packageRoot: string | undefined;

/**
 * The folder holding package.json and scenarios/. Found by walking up from this module, so it works from src/
 * under tsx and from dist/ once compiled.
 */
export function findPackageRoot(): string {
  if (packageRoot !== undefined) return packageRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && isDirectory(join(dir, "scenarios"))) {
      packageRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new SipwrightError("FILE_ERROR", "cannot find the sipwright package root (package.json + scenarios/)");
    }
    dir = parent;
  }
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

export function builtinScenarioPath(name: BuiltinScenarioName): string {
  return join(findPackageRoot(), "scenarios", `${name}.xml`);
}

/** Load a built-in scenario; its `source` (and every problem location) reads `builtin:NAME`. */
export async function loadBuiltinScenario(name: BuiltinScenarioName): Promise<Scenario> {
  return loadScenarioText(await readScenarioFile(builtinScenarioPath(name)), `builtin:${name}`);
}
