/**
 * `<ereg regexp="..." search_in="msg|hdr|body|var" assign_to="whole,g1,g2">` — SIPp's regular-expression
 * extraction (scenario.cpp parseAction, call.cpp executeAction E_AT_ASSIGN_FROM_REGEXP, actions.cpp executeRegExp).
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import type { ActionHost, ActionResult } from "../runtime.js";
import { ACTION_OK } from "../runtime.js";
import type { PosixRegexp } from "./posix-regexp.js";
import { compilePosixRegexp } from "./posix-regexp.js";
import { extractHeaderValue } from "./extract-header-value.js";
import { sippString } from "./sipp-values.js";
import type { CheckMode } from "./check-mode.js";
import { readCheckMode } from "./check-mode.js";

export const EREG_ATTRIBUTES = [
  "regexp",
  "search_in",
  "header",
  "variable",
  "case_indep",
  "occurrence",
  "occurence",
  "start_line",
  "check_it",
  "check_it_inverse",
  "assign_to",
] as const;

const SEARCH_IN = ["msg", "hdr", "body", "var"] as const;

type Place =
  | { readonly kind: "msg" }
  | { readonly kind: "body" }
  | { readonly kind: "var"; readonly variable: string }
  | {
      readonly kind: "hdr";
      readonly header: string;
      readonly caseIndep: boolean;
      readonly startLine: boolean;
      readonly occurrence: number;
    };

// SIPp behaviour: regexec gets 10 match slots, the whole match plus nine groups.
const MAX_GROUPS = 9;

export function buildEreg(a: ActionAttributes): Action | undefined {
  const pattern = a.required("regexp");
  const place = readPlace(a);
  const mode = readCheckMode(a);
  const targets = a.variableList("assign_to");
  if (targets !== undefined && targets.length > MAX_GROUPS + 1) {
    a.problem(`assign_to names ${targets.length} variables; SIPp allows the whole match plus ${MAX_GROUPS} groups`);
  }
  let regexp: PosixRegexp | undefined;
  if (pattern !== undefined) {
    const compiled = compilePosixRegexp(pattern);
    if (compiled.ok) regexp = compiled.regexp;
    else a.problem(`invalid regular expression "${pattern}": ${compiled.error}`);
  }
  if (a.failed || pattern === undefined || regexp === undefined || place === undefined || targets === undefined) {
    return undefined;
  }
  const compiled: CompiledEreg = { regexp, pattern, place, targets, mode };
  return { name: "ereg", loc: a.loc, execute: (host) => executeEreg(host, compiled) };
}

function readPlace(a: ActionAttributes): Place | undefined {
  if (!a.has("search_in")) return { kind: "msg" };
  const searchIn = a.choice("search_in", SEARCH_IN);
  switch (searchIn) {
    case undefined:
      return undefined;
    case "msg":
    case "body":
      return { kind: searchIn };
    case "var": {
      const variable = a.variable("variable");
      return variable === undefined ? undefined : { kind: "var", variable };
    }
    case "hdr": {
      const header = a.optional("header");
      if (header === undefined || header === "") {
        a.problem(`search_in="hdr" requires a non-empty 'header' attribute (e.g. header="To:")`);
        return undefined;
      }
      const occurrence = readOccurrence(a);
      if (occurrence === undefined) return undefined;
      return {
        kind: "hdr",
        header,
        occurrence,
        // SIPp behaviour: case_indep and start_line only change how the header name is found.
        caseIndep: a.bool("case_indep", false),
        startLine: a.bool("start_line", false),
      };
    }
  }
}

function readOccurrence(a: ActionAttributes): number | undefined {
  // SIPp behaviour: `occurrence`, or the old misspelling `occurence`; default 1.
  const name = a.has("occurrence") ? "occurrence" : a.has("occurence") ? "occurence" : undefined;
  if (name === undefined) return 1;
  const raw = a.optional(name) ?? "";
  if (!/^\s*\d+\s*$/.test(raw)) {
    a.problem(`attribute '${name}': "${raw}" is not a non-negative integer`);
    return undefined;
  }
  return Number(raw);
}

function fail(
  failure: "regexp_doesnt_match" | "regexp_shouldnt_match" | "regexp_hdr_not_found",
  reason: string,
): ActionResult {
  return { ok: false, failure, reason };
}

interface CompiledEreg {
  readonly regexp: PosixRegexp;
  /** As written in the scenario, for failure reasons. */
  readonly pattern: string;
  readonly place: Place;
  readonly targets: readonly string[];
  readonly mode: CheckMode;
}

function executeEreg(host: ActionHost, { regexp, pattern, place, targets, mode }: CompiledEreg): ActionResult {
  const message = host.actionMessage ?? host.state.lastMessage;
  let haystack: string;
  switch (place.kind) {
    case "msg":
      haystack = message?.text() ?? "";
      break;
    case "body":
      if (message === undefined && mode.checkIt) return fail("regexp_hdr_not_found", "no message body to search");
      haystack = message?.bodyText() ?? "";
      break;
    case "var":
      haystack = sippString(host.state.variables.get(place.variable));
      break;
    case "hdr":
      haystack = extractHeaderValue(message?.text() ?? "", place.header, place);
      if (mode.checkIt && haystack === "") {
        return fail("regexp_hdr_not_found", `header ${place.header} not found in the message`);
      }
      break;
  }
  const match = regexp.exec(haystack);
  if (match !== null) assignCaptures(host, match, targets);
  if (match === null && mode.checkIt) {
    return fail("regexp_doesnt_match", `regexp '${pattern}' does not match '${haystack}'`);
  }
  if (match !== null && mode.checkItInverse) {
    return fail("regexp_shouldnt_match", `regexp '${pattern}' matched '${haystack}' but should not`);
  }
  return ACTION_OK;
}

/** SIPp behaviour: the first variable gets the whole match, the next ones the groups; a group that did not take
 *  part in the match leaves its variable unchanged. */
function assignCaptures(host: ActionHost, match: readonly (string | undefined)[], targets: readonly string[]): void {
  targets.forEach((name, i) => {
    const value = match[i];
    if (value !== undefined) host.state.variables.set(name, { type: "regexp", value });
  });
}
