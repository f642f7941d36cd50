/**
 * One command-line option of a run: the table in this folder builds the parser (parse-args.ts), the help
 * (help-text.ts) and is checked against docs/cli.md (test/unit/cli/option-table.test.ts).
 */
import { ConfigError } from "../../shared/errors.js";
import type { RunConfig } from "../../engine/run/run-config.js";
import type { ParsedIceServer } from "../../media/webrtc/ice-servers.js";

export const SEE_HELP = "(see sipwright -h)";

/** What the parser carries between options besides the config: typed values the run needs whole. */
export interface ParseContext {
  /** Resolves a path against the cwd. */
  readonly path: (value: string) => string;
  /** `--ice-server` URLs, parsed as they are read (same order as `webrtcOptions.iceServers`). */
  readonly iceServers: ParsedIceServer[];
}

/** What an option does when read: writes its values into the config being built, or stops the parse. */
export type OptionAction =
  | { readonly kind: "set"; readonly apply: (c: RunConfig, values: readonly string[], ctx: OptionUse) => void }
  | { readonly kind: "help" | "version" | "ignore" };

/** One use of an option: the name as typed (without dashes: messages say `-<name>:`) and the parse context. */
export interface OptionUse extends ParseContext {
  readonly name: string;
}

export interface OptionSpec {
  /** As the help and docs write it: `-sf` (SIPp's options), `--out` (ours); one or two dashes both parse. */
  readonly name: string;
  readonly aliases?: readonly string[];
  /** Names of the values it takes, as the help shows them: the arity is their number (0 = a flag). */
  readonly values: readonly string[];
  readonly action: OptionAction;
  /**
   * The default as the help states it (after "Default: "): read from the RunConfig of an empty command line
   * (run-defaults.ts) when it is a value the option takes, a description (string) when it is not ("the -s value");
   * undefined when there is none.
   */
  readonly default?: string | ValueDefault;
  /** The help line(s), without the default; `\n` starts a continuation line. */
  readonly help: string;
  /** The docs/cli.md section (`## ...` or `### ...` heading) whose option table lists it. */
  readonly doc: string;
  /** `-watchdog_*`: every name with this prefix. */
  readonly prefix?: boolean;
}

/**
 * A default that is a value of the option, read from the defaults: `-name <value>` gives the same RunConfig as an
 * empty command line (test/unit/cli/option-defaults.test.ts), so the help cannot drift from the run.
 */
export interface ValueDefault {
  readonly value: (defaults: RunConfig) => string;
  /** What the help adds after the value: ", unit ms", ", 0 no cap". */
  readonly suffix: string;
}

/** A value default: the field of the defaults as the option takes it, then `suffix`. */
export function shown(value: (defaults: RunConfig) => string | number | boolean, suffix = ""): ValueDefault {
  return { value: (d) => String(value(d)), suffix };
}

/**
 * A time default, written in the option's default unit (whole seconds from 10 s up as `Ns` for an option in ms:
 * 33s, not 33000) and followed by that unit.
 */
export function shownTime(ms: (defaults: RunConfig) => number, unit: "ms" | "s", note = ""): ValueDefault {
  const text = (v: number): string =>
    unit === "s" ? String(v / 1000) : v >= 10_000 && v % 1000 === 0 ? `${v / 1000}s` : String(v);
  return { value: (d) => text(ms(d)), suffix: `${note}, unit ${unit}` };
}

/** The default of an option as the help writes it after "Default: ", given the defaults of a run. */
export function defaultText(option: OptionSpec, defaults: RunConfig): string | undefined {
  const d = option.default;
  return d === undefined || typeof d === "string" ? d : d.value(defaults) + d.suffix;
}

/** One section of the help, one file of this folder. */
export interface OptionGroup {
  readonly title: string;
  /** Lines before the options (e.g. the positional remote_host) and after them, as the help prints them. */
  readonly before?: string;
  readonly after?: string;
  readonly options: readonly OptionSpec[];
}

/** An option that takes one value and writes it. */
export function one(
  name: string,
  value: string,
  apply: (c: RunConfig, v: string, use: OptionUse) => void,
  doc: Omit<OptionSpec, "name" | "values" | "action">,
): OptionSpec {
  return { name, values: [value], action: { kind: "set", apply: (c, v, use) => apply(c, v[0] ?? "", use) }, ...doc };
}

/** A flag (no value). */
export function flag(
  name: string,
  apply: (c: RunConfig) => void,
  doc: Omit<OptionSpec, "name" | "values" | "action">,
): OptionSpec {
  return { name, values: [], action: { kind: "set", apply: (c) => apply(c) }, ...doc };
}

/** A non-negative duration in ms. SIPp behaviour: a plain number is in the option's default unit; ms/s/m/h suffixes. */
export function parseTime(option: string, value: string, defaultUnit: "ms" | "s"): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new ConfigError(`-${option}: '${value}' is not a time (e.g. 500ms, 20s, 2m, 1h) ${SEE_HELP}`);
  const n = Number(m[1]);
  const unit = m[2] ?? defaultUnit;
  const factor = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000;
  return n * factor;
}

export function parseNumber(
  option: string,
  value: string,
  opts: { integer?: boolean; min?: number; max?: number } = {},
): number {
  const n = value.trim() === "" ? NaN : Number(value);
  if (!Number.isFinite(n) || (opts.integer === true && !Number.isInteger(n))) {
    throw new ConfigError(
      `-${option}: '${value}' is not ${opts.integer === true ? "an integer" : "a number"} ${SEE_HELP}`,
    );
  }
  if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    throw new ConfigError(`-${option}: ${value} is out of range (${opts.min ?? "-inf"}..${opts.max ?? "inf"})`);
  }
  return n;
}

export const int = (o: string, v: string, min = 0, max?: number): number =>
  parseNumber(o, v, max === undefined ? { integer: true, min } : { integer: true, min, max });

export function choice<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new ConfigError(`${option}: '${value}' is not one of ${allowed.join(", ")}`);
  return found;
}
