/**
 * `<jump value="3"/>` or `variable="_unexp.retaddr"`: continue at that step index once the current step is done
 * (SIPp E_AT_JUMP; the operand is truncated to an integer as C's `(int)` does). A jump to the current step would
 * loop forever: SIPp stops with a fatal error, so do we. The range is checked by the engine.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { operandValue } from "./operand.js";
import { fatalResult } from "./fatal-result.js";

export const JUMP_ATTRIBUTES = ["value", "variable"] as const;

export function buildJump(a: ActionAttributes): Action | undefined {
  const operand = a.valueOrVariable();
  if (a.failed || operand === undefined) return undefined;
  return {
    name: "jump",
    loc: a.loc,
    execute: (host) => {
      const index = Math.trunc(operandValue(operand, host));
      if (index === host.state.msgIndex) {
        return fatalResult(host, `jump statement at index ${index} jumps to itself and causes an infinite loop`);
      }
      host.jumpTo(index);
      return ACTION_OK;
    },
  };
}
