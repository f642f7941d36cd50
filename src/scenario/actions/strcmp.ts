/**
 * `<strcmp assign_to="r" variable="s" value="abc"/>` (or `variable2="t"`): C strcmp of two strings, stored as a
 * double (0 means equal; SIPp E_AT_VAR_STRCMP). `value` is a literal (no keywords). Doubles and bools read as "".
 * With check_it a difference fails the call (strcmp_doesnt_match), with check_it_inverse equality does
 * (strcmp_shouldnt_match); the result is not stored then.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { readCheckMode, readOptionalTarget } from "./check-mode.js";
import { cStrcmp, sippString } from "./sipp-values.js";

export const STRCMP_ATTRIBUTES = [
  "assign_to",
  "variable",
  "value",
  "variable2",
  "check_it",
  "check_it_inverse",
] as const;

export function buildStrcmp(a: ActionAttributes): Action | undefined {
  const mode = readCheckMode(a);
  const target = readOptionalTarget(a);
  const lhsName = a.variable("variable");
  let rhs: { readonly value: string } | { readonly variable: string } | undefined;
  if (a.has("value")) {
    if (a.has("variable2")) a.problem("can not have both a value and a variable2");
    rhs = { value: a.optional("value") ?? "" };
  } else {
    const variable = a.variable("variable2");
    if (variable !== undefined) rhs = { variable };
  }
  if (a.failed || lhsName === undefined || rhs === undefined) return undefined;
  const right = rhs;
  return {
    name: "strcmp",
    loc: a.loc,
    execute: (host) => {
      const lhs = sippString(host.state.variables.get(lhsName));
      const rhsValue = "value" in right ? right.value : sippString(host.state.variables.get(right.variable));
      const result = cStrcmp(lhs, rhsValue);
      if ((mode.checkIt && result !== 0) || (mode.checkItInverse && result === 0)) {
        const rhsLabel = "variable" in right ? right.variable : "";
        const reason = `strcmp ${lhsName}:"${lhs}" and ${rhsLabel}:"${rhsValue}" with check_it${mode.checkIt ? "" : "_inverse"} returned ${result}`;
        return { ok: false, failure: mode.checkIt ? "strcmp_doesnt_match" : "strcmp_shouldnt_match", reason };
      }
      if (target !== undefined) host.state.variables.set(target, { type: "double", value: result });
      return ACTION_OK;
    },
  };
}
