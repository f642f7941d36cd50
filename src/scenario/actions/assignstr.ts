/** `<assignstr assign_to="v" value="[call_id]-x"/>`: keywords are expanded, the result is a string variable. */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { renderText } from "../render-message.js";

export const ASSIGNSTR_ATTRIBUTES = ["assign_to", "value"] as const;

export function buildAssignstr(a: ActionAttributes): Action | undefined {
  const target = a.variable("assign_to");
  const value = a.text("value");
  if (a.failed || target === undefined || value === undefined) return undefined;
  return {
    name: "assignstr",
    loc: a.loc,
    execute: (host) => {
      host.state.variables.set(target, { type: "string", value: renderText(value, host.state) });
      return ACTION_OK;
    },
  };
}
