/**
 * `<pauserestore variable="_unexp.pausedaddr"/>` (or `value`): resume the pause an `_unexp.main` handler interrupted,
 * until that monotonic time in ms (SIPp E_AT_PAUSE_RESTORE sets `paused_until = (int)operand`).
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { operandValue } from "./operand.js";

export const PAUSERESTORE_ATTRIBUTES = ["value", "variable"] as const;

export function buildPauserestore(a: ActionAttributes): Action | undefined {
  const operand = a.valueOrVariable();
  if (a.failed || operand === undefined) return undefined;
  return {
    name: "pauserestore",
    loc: a.loc,
    execute: (host) => {
      host.restorePause(Math.trunc(operandValue(operand, host)));
      return ACTION_OK;
    },
  };
}
