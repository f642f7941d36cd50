/**
 * Reading one element's attributes for the scenario loader: unknown-attribute checks and SIPp's number, boolean and
 * time formats, each bad value reported as a problem at the attribute's own file:line:column.
 */
import type { ScenarioProblem, SourceLocation } from "../shared/errors.js";
import { parseNumberAttribute } from "./c-double.js";
import type { XmlElement } from "./xml-document.js";

export class AttributeReader {
  constructor(
    readonly element: XmlElement,
    private readonly problems: ScenarioProblem[],
    allowed: readonly string[],
  ) {
    for (const name of Object.keys(element.attrs)) {
      if (!allowed.includes(name)) {
        const list = allowed.length > 0 ? `allowed: ${allowed.join(", ")}` : "it takes no attributes";
        this.problem(name, `unknown attribute '${name}' on <${element.tag}> (${list})`);
      }
    }
  }

  has(name: string): boolean {
    return Object.hasOwn(this.element.attrs, name);
  }

  string(name: string): string | undefined {
    return this.has(name) ? this.element.attrs[name] : undefined;
  }

  locOf(name: string | undefined): SourceLocation {
    return (name === undefined ? undefined : this.element.attrLocs[name]) ?? this.element.loc;
  }

  problem(name: string | undefined, message: string): void {
    this.problems.push({ loc: this.locOf(name), message });
  }

  required(name: string): string | undefined {
    const value = this.string(name);
    if (value === undefined)
      this.problem(undefined, `<${this.element.tag}> is missing the required '${name}' attribute`);
    return value;
  }

  /** SIPp get_long: strtol base 0 over the whole string ("500", "0x1f"). */
  integer(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = parseCLong(raw);
    if (value === undefined) this.problem(name, `${name}="${raw}" is not a valid integer`);
    return value;
  }

  double(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = parseNumberAttribute(raw);
    if (value === undefined) this.problem(name, `${name}="${raw}" is not a number`);
    return value;
  }

  /** SIPp get_bool: "true"/"false" in any case, or an integer (non-zero is true). */
  bool(name: string, fallback: boolean): boolean {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (raw.toLowerCase() === "true") return true;
    if (raw.toLowerCase() === "false") return false;
    const value = parseCLong(raw);
    if (value === undefined) {
      this.problem(name, `${name}="${raw}" is not a valid boolean (true or false)`);
      return fallback;
    }
    return value !== 0;
  }

  /** SIPp get_time: a number of milliseconds, optionally suffixed with s, ms, m or h. */
  time(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = parseTime(raw);
    if (value === undefined) this.problem(name, `${name}="${raw}" is not a valid time (e.g. 500, 500ms, 5s, 2m, 1h)`);
    return value;
  }

  /** A name used as a variable, counter or transaction: not empty, no '$' or ','. */
  name(attr: string, what: string): string | undefined {
    const raw = this.string(attr);
    if (raw === undefined) return undefined;
    if (raw === "" || /[$,]/.test(raw)) {
      this.problem(attr, `${what} names may not be empty or contain '$' or ',' (${attr}="${raw}")`);
      return undefined;
    }
    return raw;
  }
}

export function parseCLong(raw: string): number | undefined {
  const t = raw.trim();
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
  if (/^[+-]?\d+$/.test(t)) return Number.parseInt(t, 10);
  return undefined;
}

/** SIPp behaviour (get_time): "1000" ms, "1.5s", "500ms", "2m", "1h"; the result is truncated to whole ms. */
export function parseTime(raw: string): number | undefined {
  const m = /^(\d+\.?\d*|\.\d+)(ms|s|m|h)?$/.exec(raw.trim());
  if (m === null) return undefined;
  const value = Number(m[1]);
  const unit = m[2] ?? "ms";
  const factor = unit === "s" ? 1000 : unit === "m" ? 60_000 : unit === "h" ? 3_600_000 : 1;
  return Math.trunc(value * factor);
}
