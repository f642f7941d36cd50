/**
 * `<test assign_to="b" variable="x" compare="greater_than" value="3"/>` (or `variable2="y"`): compares two doubles
 * and stores a bool (SIPp E_AT_VAR_TEST, CAction::compare). With check_it a false result fails the call
 * (test_doesnt_match), with check_it_inverse a true one does (test_shouldnt_match); the result is not stored then.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import type { Operand } from "./operand.js";
import { ACTION_OK } from "../runtime.js";
import { operandValue } from "./operand.js";
import { readCheckMode, readOptionalTarget } from "./check-mode.js";
import { sippDouble } from "./sipp-values.js";

export const TEST_ATTRIBUTES = [
  "assign_to",
  "variable",
  "compare",
  "value",
  "variable2",
  "check_it",
  "check_it_inverse",
] as const;

const COMPARATORS = {
  equal: { symbol: "==", test: (l: number, r: number) => l === r },
  not_equal: { symbol: "!=", test: (l: number, r: number) => l !== r },
  greater_than: { symbol: ">", test: (l: number, r: number) => l > r },
  less_than: { symbol: "<", test: (l: number, r: number) => l < r },
  greater_than_equal: { symbol: ">=", test: (l: number, r: number) => l >= r },
  less_than_equal: { symbol: "<=", test: (l: number, r: number) => l <= r },
} as const;
type Comparator = keyof typeof COMPARATORS;
const COMPARATOR_NAMES = Object.keys(COMPARATORS) as Comparator[];

export function buildTest(a: ActionAttributes): Action | undefined {
  const mode = readCheckMode(a);
  const target = readOptionalTarget(a);
  const lhsName = a.variable("variable");
  let rhs: Operand | undefined;
  if (a.has("value")) {
    if (a.has("variable2")) a.problem("can not have both a value and a variable2");
    const value = a.double("value");
    if (value !== undefined) rhs = { value };
  } else {
    const variable = a.variable("variable2");
    if (variable !== undefined) rhs = { variable };
  }
  const compare = a.choice("compare", COMPARATOR_NAMES);
  if (a.failed || lhsName === undefined || rhs === undefined || compare === undefined) return undefined;
  const comparator = COMPARATORS[compare];
  const right = rhs;
  return {
    name: "test",
    loc: a.loc,
    execute: (host) => {
      const lhs = sippDouble(host.state.variables.get(lhsName));
      const rhsValue = operandValue(right, host);
      const result = comparator.test(lhs, rhsValue);
      if ((mode.checkIt && !result) || (mode.checkItInverse && result)) {
        const rhsLabel = "variable" in right ? `${right.variable}:` : "";
        const reason = `test "${lhsName}:${lhs} ${comparator.symbol} ${rhsLabel}${rhsValue}" with check_it${mode.checkIt ? "" : "_inverse"} failed`;
        return { ok: false, failure: mode.checkIt ? "test_doesnt_match" : "test_shouldnt_match", reason };
      }
      if (target !== undefined) host.state.variables.set(target, { type: "bool", value: result });
      return ACTION_OK;
    },
  };
}
