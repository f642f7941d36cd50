/** SIPp's `check_it` / `check_it_inverse` pair on ereg, test and strcmp: at most one of them may be given. */
import type { ActionAttributes } from "./action-attributes.js";

export interface CheckMode {
  readonly checkIt: boolean;
  readonly checkItInverse: boolean;
}

export function readCheckMode(a: ActionAttributes): CheckMode {
  if (a.has("check_it") && a.has("check_it_inverse")) a.problem("can not have both check_it and check_it_inverse");
  return { checkIt: a.bool("check_it", false), checkItInverse: a.bool("check_it_inverse", false) };
}

/** SIPp behaviour: `assign_to` is optional when check_it or check_it_inverse is given. */
export function readOptionalTarget(a: ActionAttributes): string | undefined {
  if (a.has("assign_to") || (!a.has("check_it") && !a.has("check_it_inverse"))) return a.variable("assign_to");
  return undefined;
}
