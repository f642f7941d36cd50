/**
 * Typed, checked access to the attributes of one action element. Every problem names the action and, for unknown
 * attributes, the allowed list; the builder returns no action when any problem was reported.
 */
import type { TextTemplate } from "../template.js";
import type { SourceLocation } from "../../shared/errors.js";
import type { ActionBuildContext } from "./create-action.js";
import { parseCDouble } from "../c-double.js";
import { describeMediaFile, resolveMediaFile } from "./media-file-path.js";

// SIPp behaviour: variable names are alphanumeric (plus `_` and `.` as in `_unexp.retaddr`); no `$` prefix.
const VARIABLE_NAME = /^[A-Za-z0-9_.-]+$/;

export class ActionAttributes {
  readonly tag: string;
  readonly loc: SourceLocation;
  private readonly attrs: Readonly<Record<string, string>>;
  private readonly ctx: ActionBuildContext;
  private problems = 0;

  constructor(tag: string, attrs: Readonly<Record<string, string>>, ctx: ActionBuildContext) {
    this.tag = tag;
    this.attrs = attrs;
    this.ctx = ctx;
    this.loc = ctx.loc;
  }

  /** True once any problem was reported for this element. */
  get failed(): boolean {
    return this.problems > 0;
  }

  problem(message: string): void {
    this.problems++;
    this.ctx.problem(`<${this.tag}>: ${message}`);
  }

  /** The path to read a media file from (next to the scenario first, then the cwd: SIPp's find_file), noted. */
  mediaFile(attribute: string, file: string): string {
    const found = resolveMediaFile(file, this.ctx.scenarioDir);
    this.ctx.note?.(describeMediaFile(attribute, file, found));
    return found.path;
  }

  /** Report every attribute that is not in `allowed`, naming the allowed ones. */
  allowOnly(allowed: readonly string[]): void {
    for (const name of Object.keys(this.attrs)) {
      if (!allowed.includes(name)) {
        const list = allowed.length > 0 ? allowed.join(", ") : "none";
        this.problem(`unknown attribute '${name}' (allowed: ${list})`);
      }
    }
  }

  /** Every attribute as written (for parsers shared with other elements). */
  all(): Readonly<Record<string, string>> {
    return this.attrs;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.attrs, name);
  }

  /** The raw value, or undefined when absent. */
  optional(name: string): string | undefined {
    return Object.hasOwn(this.attrs, name) ? this.attrs[name] : undefined;
  }

  /** The raw value; a problem when absent. */
  required(name: string): string | undefined {
    const value = this.optional(name);
    if (value === undefined) this.problem(`missing required attribute '${name}'`);
    return value;
  }

  /** A keyword-bearing value compiled once (SIPp builds a SendingMessage for these). */
  text(name: string): TextTemplate | undefined {
    const raw = this.required(name);
    return raw === undefined ? undefined : this.ctx.compileText(raw);
  }

  /** A variable name (SIPp xp_get_var). */
  variable(name: string): string | undefined {
    const raw = this.required(name);
    if (raw === undefined) return undefined;
    return this.checkVariableName(name, raw.trim());
  }

  /** A comma-separated list of variable names (SIPp createStringTable). */
  variableList(name: string): string[] | undefined {
    const raw = this.required(name);
    if (raw === undefined) return undefined;
    const names = raw.split(",").map((n) => n.trim());
    for (const n of names) {
      if (this.checkVariableName(name, n) === undefined) return undefined;
    }
    return names;
  }

  /** SIPp get_double: strtod over the whole value. */
  double(name: string): number | undefined {
    const raw = this.required(name);
    if (raw === undefined) return undefined;
    const value = parseCDouble(raw);
    if (value === undefined) this.problem(`attribute '${name}': "${raw}" is not a number`);
    return value;
  }

  /** SIPp get_bool: "true", "false" or an integer (non-zero is true); `fallback` when absent. */
  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (raw === "true") return true;
    if (raw === "false") return false;
    if (/^\s*[+-]?(?:0x[0-9a-f]+|\d+)$/i.test(raw)) return Number(raw.trim()) !== 0;
    this.problem(`attribute '${name}': "${raw}" is not a valid boolean (true or false)`);
    return fallback;
  }

  /** One of `choices`; a problem naming them otherwise. */
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const raw = this.required(name);
    if (raw === undefined) return undefined;
    const found = choices.find((c) => c === raw);
    if (found === undefined) this.problem(`attribute '${name}': "${raw}" is not one of ${choices.join(", ")}`);
    return found;
  }

  /** SIPp handle_rhs: exactly one of `value` (a number) and `variable` (a variable name). */
  valueOrVariable(): { readonly value: number } | { readonly variable: string } | undefined {
    const hasValue = this.has("value");
    const hasVariable = this.has("variable");
    if (hasValue && hasVariable) {
      this.problem("'value' and 'variable' are mutually exclusive");
      return undefined;
    }
    if (!hasValue && !hasVariable) {
      this.problem("needs a 'value' or a 'variable' attribute");
      return undefined;
    }
    if (hasValue) {
      const value = this.double("value");
      return value === undefined ? undefined : { value };
    }
    const variable = this.variable("variable");
    return variable === undefined ? undefined : { variable };
  }

  private checkVariableName(attribute: string, name: string): string | undefined {
    if (VARIABLE_NAME.test(name)) return name;
    this.problem(`attribute '${attribute}': "${name}" is not a variable name (letters, digits, '_' or '.'; no '$')`);
    return undefined;
  }
}
