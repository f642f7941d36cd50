/** SIPp handle_rhs / get_rhs: a literal double, or a variable read as a double (0 unless it holds a double). */
import type { ActionHost } from "../runtime.js";
import { sippDouble } from "./sipp-values.js";

export type Operand = { readonly value: number } | { readonly variable: string };

export function operandValue(operand: Operand, host: ActionHost): number {
  return "value" in operand ? operand.value : sippDouble(host.state.variables.get(operand.variable));
}
