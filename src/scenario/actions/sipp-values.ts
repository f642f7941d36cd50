/**
 * How SIPp reads its variables and numeric attributes (variables.cpp CCallVariable, scenario.cpp get_double). Kept
 * local to the actions so every action converts exactly as SIPp's executeAction does.
 */
import type { VariableValue } from "../runtime.js";
import { parseCDouble } from "../c-double.js";

/** SIPp behaviour (CCallVariable::getDouble): the value of a double variable, 0 for every other type or unset. */
export function sippDouble(v: VariableValue | undefined): number {
  return v?.type === "double" ? v.value : 0;
}

/** SIPp behaviour (CCallVariable::getString): a string or a regexp match; "" for doubles, bools and unset. */
export function sippString(v: VariableValue | undefined): string {
  return v?.type === "string" || v?.type === "regexp" ? v.value : "";
}

/**
 * SIPp behaviour (CCallVariable::toDouble, used by `todouble`): strings and regexp matches through strtod over the
 * whole text, doubles as they are, bools as 0/1; unset or unparsable gives undefined.
 */
export function sippToDouble(v: VariableValue | undefined): number | undefined {
  if (v === undefined) return undefined;
  switch (v.type) {
    case "string":
    case "regexp":
      return parseCDouble(v.value);
    case "double":
      return v.value;
    case "bool":
      return v.value ? 1 : 0;
  }
}

/** C `strcmp` on the UTF-8 bytes: the difference of the first differing bytes (glibc's result), 0 when equal. */
export function cStrcmp(a: string, b: string): number {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return (x[n] ?? 0) - (y[n] ?? 0);
}
