/** `<assign assign_to="v" value="1.5"/>` or `variable="w"`: sets a double (SIPp E_AT_ASSIGN_FROM_VALUE). */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { operandValue } from "./operand.js";

export const ASSIGN_ATTRIBUTES = ["assign_to", "value", "variable"] as const;

export function buildAssign(a: ActionAttributes): Action | undefined {
  const target = a.variable("assign_to");
  const operand = a.valueOrVariable();
  if (a.failed || target === undefined || operand === undefined) return undefined;
  return {
    name: "assign",
    loc: a.loc,
    execute: (host) => {
      host.state.variables.set(target, { type: "double", value: operandValue(operand, host) });
      return ACTION_OK;
    },
  };
}
