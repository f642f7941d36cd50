/** `<trim assign_to="v"/>`: strips leading and trailing isspace() characters; the result is a string (SIPp
 *  E_AT_VAR_TRIM). A double or bool variable reads as "" and so becomes the empty string. */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { sippString } from "./sipp-values.js";

export const TRIM_ATTRIBUTES = ["assign_to"] as const;

export function buildTrim(a: ActionAttributes): Action | undefined {
  const target = a.variable("assign_to");
  if (a.failed || target === undefined) return undefined;
  return {
    name: "trim",
    loc: a.loc,
    execute: (host) => {
      const value = sippString(host.state.variables.get(target)).replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "");
      host.state.variables.set(target, { type: "string", value });
      return ACTION_OK;
    },
  };
}
