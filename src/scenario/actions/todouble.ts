/**
 * `<todouble assign_to="d" variable="s"/>`: converts a string or regexp match to a double (SIPp
 * E_AT_VAR_TO_DOUBLE: strtod over the whole text). A value that is not a number is a warning; `d` is unchanged.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { sippToDouble } from "./sipp-values.js";

export const TODOUBLE_ATTRIBUTES = ["assign_to", "variable"] as const;

export function buildTodouble(a: ActionAttributes): Action | undefined {
  const target = a.variable("assign_to");
  const source = a.variable("variable");
  if (a.failed || target === undefined || source === undefined) return undefined;
  return {
    name: "todouble",
    loc: a.loc,
    execute: (host) => {
      const value = sippToDouble(host.state.variables.get(source));
      if (value === undefined) host.warning(`todouble: invalid double conversion from $${source} to $${target}`);
      else host.state.variables.set(target, { type: "double", value });
      return ACTION_OK;
    },
  };
}
