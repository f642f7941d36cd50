/**
 * Load check: every variable a scenario reads must be assigned somewhere. SIPp refuses a scenario whose variable is
 * referenced fewer than twice ("Variable $m is referenced 1 times!", variables.cpp AllocVariableTable::validate);
 * we refuse the mistake that rule is there to catch: a read (`[$m]`, `test="m"`, `condexec="m"`, `variable="m"`)
 * of a name that no action, no `<Global>` (which `-set` may set) and no engine variable ever assigns.
 * Works on the element tree, so each problem points at the exact use.
 */
import type { ScenarioProblem, SourceLocation } from "../shared/errors.js";
import { compileMessageTemplate, compileTextTemplate } from "./template.js";
import type { VariableUse } from "./template.js";
import { advance, cdataLocation } from "./xml-document.js";
import type { XmlElement } from "./xml-document.js";

/** Set by the engine when a call jumps to `_unexp.main` (SIPp behaviour). */
const ENGINE_VARIABLES = ["_unexp.retaddr", "_unexp.pausedaddr"];

/** Actions whose `assign_to` is changed in place: the variable must hold a value already. */
const IN_PLACE_ASSIGN_TO = new Set(["trim"]);

const STEP_TAGS = new Set(["send", "recv", "pause", "nop", "timewait"]);

/** Keyword-bearing attributes of each action (they may hold `[$var]`). */
const TEXT_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  assignstr: ["value"],
  exec: ["command"],
  lookup: ["file", "key"],
  insert: ["file", "value"],
  replace: ["file", "line", "value"],
  log: ["message"],
  warning: ["message"],
  error: ["message"],
  setdest: ["host", "port", "protocol"],
  verifyauth: ["username", "password"],
};

interface Read {
  readonly name: string;
  readonly loc: SourceLocation;
}

class VariableUses {
  readonly assigned = new Set<string>(ENGINE_VARIABLES);
  readonly reads: Read[] = [];

  /** A step (or `<init>` nop): condition attributes, pause variable, message, actions. */
  step(el: XmlElement): void {
    for (const attr of ["test", "condexec"]) this.readAttr(el, attr);
    if (el.tag === "pause" || el.tag === "timewait") this.readAttr(el, "variable");
    if (el.tag === "send") this.message(el);
    for (const child of el.children) {
      if (child.tag === "action") for (const item of child.children) this.action(item);
    }
  }

  /** A `<send>` or `<DefaultMessage>` CDATA: its `[$var]` keywords. */
  message(el: XmlElement): void {
    const cdata = el.cdata;
    if (cdata === undefined) return;
    for (const use of compileMessageTemplate(cdata.text).variables) {
      this.reads.push({ name: use.name, loc: cdataLocation(cdata, use.offset) });
    }
  }

  private action(item: XmlElement): void {
    const assignTo = item.attrs.assign_to;
    if (assignTo !== undefined) {
      if (IN_PLACE_ASSIGN_TO.has(item.tag)) this.readAttr(item, "assign_to");
      else for (const name of names(assignTo)) this.assigned.add(name);
    }
    // ereg reads `variable` only with search_in="var".
    if (item.tag !== "ereg" || item.attrs.search_in === "var") this.readAttr(item, "variable");
    this.readAttr(item, "variable2");
    for (const attr of TEXT_ATTRIBUTES[item.tag] ?? []) {
      const raw = item.attrs[attr];
      const start = item.attrValueLocs[attr];
      if (raw === undefined) continue;
      for (const use of compileTextTemplate(raw).variables) this.readTemplate(use, raw, start ?? item.loc);
    }
  }

  private readTemplate(use: VariableUse, raw: string, start: SourceLocation): void {
    this.reads.push({ name: use.name, loc: advance(start, raw.slice(0, use.offset)) });
  }

  private readAttr(el: XmlElement, attr: string): void {
    const raw = el.attrs[attr];
    if (raw === undefined) return;
    const name = raw.trim();
    if (name !== "") this.reads.push({ name, loc: el.attrValueLocs[attr] ?? el.loc });
  }
}

function names(list: string): string[] {
  return list
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
}

/** One problem per variable that is read but never assigned, at its first read (document order). */
export function unassignedVariableProblems(root: XmlElement): ScenarioProblem[] {
  const uses = new VariableUses();
  for (const el of root.children) {
    if (STEP_TAGS.has(el.tag)) uses.step(el);
    else if (el.tag === "init") for (const child of el.children) uses.step(child);
    else if (el.tag === "DefaultMessage") uses.message(el);
    // -set NAME VALUE may set any <Global> (run-option-checks.ts refuses any other name).
    else if (el.tag === "Global") for (const name of names(el.attrs.variables ?? "")) uses.assigned.add(name);
  }
  const counts = new Map<string, { first: Read; count: number }>();
  for (const read of uses.reads) {
    if (uses.assigned.has(read.name)) continue;
    const seen = counts.get(read.name);
    if (seen === undefined) counts.set(read.name, { first: read, count: 1 });
    else seen.count++;
  }
  return [...counts.values()].map(({ first, count }) => ({
    loc: first.loc,
    message:
      `variable $${first.name} is used ${count} time${count > 1 ? "s" : ""} but never assigned ` +
      "(no action assigns it with assign_to, and it is not declared in <Global> for -set)",
  }));
}
