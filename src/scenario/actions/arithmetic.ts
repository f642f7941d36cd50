/**
 * `<add|subtract|multiply|divide assign_to="v" value="2"/>` (or `variable="w"`): double arithmetic in place
 * (SIPp E_AT_VAR_ADD ... E_AT_VAR_DIVIDE). A target that does not hold a double counts as 0.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { operandValue } from "./operand.js";
import { sippDouble } from "./sipp-values.js";

export const ARITHMETIC_ATTRIBUTES = ["assign_to", "value", "variable"] as const;

export type ArithmeticOperator = "add" | "subtract" | "multiply" | "divide";

export function buildArithmetic(operator: ArithmeticOperator, a: ActionAttributes): Action | undefined {
  const target = a.variable("assign_to");
  const operand = a.valueOrVariable();
  // SIPp behaviour: "divide actions can not have a value of zero!" is a load error.
  if (operator === "divide" && operand !== undefined && "value" in operand && operand.value === 0) {
    a.problem("can not divide by a value of zero");
  }
  if (a.failed || target === undefined || operand === undefined) return undefined;
  return {
    name: operator,
    loc: a.loc,
    execute: (host) => {
      const current = sippDouble(host.state.variables.get(target));
      const rhs = operandValue(operand, host);
      let result: number;
      switch (operator) {
        case "add":
          result = current + rhs;
          break;
        case "subtract":
          result = current - rhs;
          break;
        case "multiply":
          result = current * rhs;
          break;
        case "divide":
          if (rhs === 0) {
            // SIPp behaviour: a run-time zero divisor is a warning and the variable keeps its value.
            host.warning(`divide: can not divide $${target} by zero`);
            return ACTION_OK;
          }
          result = current / rhs;
          break;
      }
      host.state.variables.set(target, { type: "double", value: result });
      return ACTION_OK;
    },
  };
}
