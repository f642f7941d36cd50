/** `<index assign_to="v"/>`: the index of the current scenario step as a double (SIPp E_AT_ASSIGN_FROM_INDEX), used
 *  to remember where to come back to from a subroutine. */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";

export const INDEX_ATTRIBUTES = ["assign_to"] as const;

export function buildIndex(a: ActionAttributes): Action | undefined {
  const target = a.variable("assign_to");
  if (a.failed || target === undefined) return undefined;
  return {
    name: "index",
    loc: a.loc,
    execute: (host) => {
      host.state.variables.set(target, { type: "double", value: host.state.msgIndex });
      return ACTION_OK;
    },
  };
}
