/**
 * Scenario variables of one call with SIPp's three scopes: the call's own, `<Global>` (shared by the run) and
 * `<User>` (shared by the calls of one `-users` user). Plus SIPp's conversions (variables.cpp CCallVariable).
 */
import type { VariableStore, VariableValue } from "./runtime.js";

export interface VariableTableOptions {
  readonly globals: Map<string, VariableValue>;
  /** The user's map in -users mode; undefined otherwise (User names then live in the call's own map). */
  readonly user: Map<string, VariableValue> | undefined;
  readonly globalNames: ReadonlySet<string>;
  readonly userNames: ReadonlySet<string>;
}

export class VariableTable implements VariableStore {
  /** The call's own variables, created with the first one set (most calls of a load test have none). */
  #own: Map<string, VariableValue> | undefined;
  readonly #opts: VariableTableOptions;

  constructor(opts: VariableTableOptions) {
    this.#opts = opts;
  }

  get(name: string): VariableValue | undefined {
    const shared = this.#shared(name);
    return shared === undefined ? this.#own?.get(name) : shared.get(name);
  }

  set(name: string, value: VariableValue): void {
    (this.#shared(name) ?? (this.#own ??= new Map())).set(name, value);
  }

  /** The Global or User map that holds `name`; undefined when it is the call's own. */
  #shared(name: string): Map<string, VariableValue> | undefined {
    if (this.#opts.globalNames.has(name)) return this.#opts.globals;
    if (this.#opts.user !== undefined && this.#opts.userNames.has(name)) return this.#opts.user;
    return undefined;
  }
}

/**
 * SIPp behaviour (CCallVariable::isSet), used by `test` and `condexec`: a regexp variable is set once it matched,
 * a bool when true, a double when non-zero, a string whenever it was assigned (even empty); unset otherwise.
 */
export function isVariableSet(v: VariableValue | undefined): boolean {
  if (v === undefined) return false;
  switch (v.type) {
    case "regexp":
    case "string":
      return true;
    case "bool":
      return v.value;
    case "double":
      // C++ double -> bool: NaN is true.
      return v.value !== 0;
  }
}

/**
 * The text `[$var]` renders (call.cpp E_Message_Variable): a string or regexp match as is, a double as C `%lf`
 * (`1.000000`), a bool as `true`/`false`; unset renders empty.
 */
export function variableToString(v: VariableValue | undefined): string {
  if (v === undefined) return "";
  switch (v.type) {
    case "string":
    case "regexp":
      return v.value;
    case "double":
      return formatLf(v.value);
    case "bool":
      return v.value ? "true" : "false";
  }
}

/**
 * A number for durations and arithmetic: a double as is, a bool as 1/0, a string or regexp match when the whole text
 * is a C number (strtod), else 0 (SIPp's getDouble returns 0.0 for anything that is not a usable double).
 */
export function variableToNumber(v: VariableValue | undefined): number {
  return variableToDouble(v) ?? 0;
}

/** SIPp behaviour (CCallVariable::toDouble, the `todouble` action): undefined when the value is not a number. */
export function variableToDouble(v: VariableValue | undefined): number | undefined {
  if (v === undefined) return undefined;
  switch (v.type) {
    case "double":
      return v.value;
    case "bool":
      return v.value ? 1 : 0;
    case "string":
    case "regexp":
      return parseCNumber(v.value);
  }
}

// strtod accepts leading white space, then a decimal or hex float, inf or nan; the whole string must be consumed.
const C_NUMBER =
  /^[\t\n\v\f\r ]*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|inf(inity)?|nan)$/i;

function parseCNumber(text: string): number | undefined {
  if (!C_NUMBER.test(text)) return undefined;
  const t = text.trim().toLowerCase();
  const negative = t.startsWith("-");
  const body = t.replace(/^[+-]/, "");
  let n: number;
  if (body.startsWith("inf")) n = Infinity;
  else if (body === "nan") n = NaN;
  else if (body.startsWith("0x")) n = parseInt(body.slice(2), 16);
  else n = Number(body);
  return negative ? -n : n;
}

/** C `printf("%lf", v)`: six decimals, `inf`/`-inf`/`nan`, no exponent even for huge values. */
export function formatLf(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v < 0 ? "-inf" : "inf";
  if (Math.abs(v) < 1e21) return v.toFixed(6);
  return `${BigInt(Math.trunc(v)).toString()}.000000`;
}
