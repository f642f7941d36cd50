/**
 * The injection-file actions (SIPp E_AT_LOOKUP, E_AT_INSERT, E_AT_REPLACE); every attribute expands keywords.
 * - `<lookup assign_to="line" file="users.csv" key="[$user]"/>`: the line number of `key` in a file indexed with
 *   `-infindex`, as a double (-1 when absent).
 * - `<insert file="users.csv" value="alice;secret"/>`: append a line.
 * - `<replace file="users.csv" line="[$line]" value="alice;newsecret"/>`: overwrite a line.
 * SIPp behaviour: a file that is not loaded with -inf, or a line that is not a number, is a fatal error.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import type { ActionHost, ActionResult } from "../runtime.js";
import type { TextTemplate } from "../template.js";
import { ACTION_OK } from "../runtime.js";
import { renderText } from "../render-message.js";
import { parseCDouble } from "../c-double.js";
import { fatalResult } from "./fatal-result.js";

export const LOOKUP_ATTRIBUTES = ["assign_to", "file", "key"] as const;
export const INSERT_ATTRIBUTES = ["file", "value"] as const;
export const REPLACE_ATTRIBUTES = ["file", "line", "value"] as const;

/** Render the file name and check it names a loaded injection file. */
function injectionFile(host: ActionHost, file: TextTemplate, action: string): string | ActionResult {
  const name = renderText(file, host.state);
  if (!host.state.injection.has(name)) return fatalResult(host, `invalid injection file for ${action}: ${name}`);
  return name;
}

export function buildLookup(a: ActionAttributes): Action | undefined {
  const target = a.variable("assign_to");
  const file = a.text("file");
  const key = a.text("key");
  if (a.failed || target === undefined || file === undefined || key === undefined) return undefined;
  return {
    name: "lookup",
    loc: a.loc,
    execute: (host) => {
      const name = injectionFile(host, file, "lookup");
      if (typeof name !== "string") return name;
      const line = host.state.injection.lookup(name, renderText(key, host.state));
      host.state.variables.set(target, { type: "double", value: line });
      return ACTION_OK;
    },
  };
}

export function buildInsert(a: ActionAttributes): Action | undefined {
  const file = a.text("file");
  const value = a.text("value");
  if (a.failed || file === undefined || value === undefined) return undefined;
  return {
    name: "insert",
    loc: a.loc,
    execute: (host) => {
      const name = injectionFile(host, file, "insert");
      if (typeof name !== "string") return name;
      host.state.injection.insert(name, renderText(value, host.state));
      return ACTION_OK;
    },
  };
}

export function buildReplace(a: ActionAttributes): Action | undefined {
  const file = a.text("file");
  const line = a.text("line");
  const value = a.text("value");
  if (a.failed || file === undefined || line === undefined || value === undefined) return undefined;
  return {
    name: "replace",
    loc: a.loc,
    execute: (host) => {
      const name = injectionFile(host, file, "replace");
      if (typeof name !== "string") return name;
      const lineText = renderText(line, host.state);
      const lineNumber = parseCDouble(lineText);
      if (lineNumber === undefined) return fatalResult(host, `invalid line number for replace: ${lineText}`);
      host.state.injection.replace(name, Math.trunc(lineNumber), renderText(value, host.state));
      return ACTION_OK;
    },
  };
}
