/**
 * One message element (send, recv, pause, timewait, nop) -> one Step, following SIPp's parser (scenario.cpp):
 * per-element attributes, then getCommonAttributes (bookkeeping, actions, branching, display).
 * Labels are resolved later by the loader; here `next` / `ontimeout` stay as label names.
 */
import type { ScenarioProblem, SourceLocation } from "../shared/errors.js";
import { DISTRIBUTION_ATTRIBUTES, parseDistribution } from "./distribution.js";
import { AttributeReader } from "./load-attributes.js";
import type { FileNote, NopStep, PauseDuration, RecvStep, SdpUse, SendStep, Step, StepCommon } from "./model.js";
import { loadActions } from "./load-actions.js";
import { compileMessageTemplate, describeSends } from "./template.js";
import type { MessageTemplate } from "./template.js";
import { cdataLocation } from "./xml-document.js";
import { findSdpUses } from "./find-sdp-uses.js";
import { compilePosixRegexp } from "./actions/posix-regexp.js";
import type { PosixRegexp } from "./actions/posix-regexp.js";
import type { XmlElement } from "./xml-document.js";

export const STEP_TAGS = ["send", "recv", "pause", "nop", "timewait"] as const;
export type StepTag = (typeof STEP_TAGS)[number];

/** Attributes SIPp reads on every message element (getCommonAttributes + getBookKeeping). */
const COMMON = [
  "start_rtd",
  "rtd",
  "repeat_rtd",
  "counter",
  "lost",
  "crlf",
  "ignoresdp",
  "hide",
  "hiderest",
  "display",
  "condexec",
  "condexec_inverse",
  "next",
  "test",
  "chance",
  "ontimeout",
] as const;
const SEND = [...COMMON, "retrans", "timeout", "start_txn", "ack_txn"];
const RECV = [
  ...COMMON,
  "request",
  "response",
  "regexp_match",
  "optional",
  "timeout",
  "rrs",
  "auth",
  "response_txn",
  "advance_state",
];
const PAUSE = [...COMMON, "milliseconds", "variable", "sanity_check", ...DISTRIBUTION_ATTRIBUTES];
const ALLOWED: Record<StepTag, readonly string[]> = {
  send: SEND,
  recv: RECV,
  pause: PAUSE,
  timewait: PAUSE,
  nop: COMMON,
};

/** A transaction name used by start_txn / response_txn / ack_txn, for SIPp's validate_txn_usage checks. */
export interface TxnUse {
  readonly name: string;
  readonly role: "start" | "response" | "ack";
  readonly loc: SourceLocation;
  /** For start: whether the send is a literal INVITE (undefined when the method is not literal). */
  readonly invite: boolean | undefined;
}

/** Loader state shared by every step of one scenario. */
export interface StepLoadState {
  readonly problems: ScenarioProblem[];
  readonly rtdNames: string[];
  readonly counterNames: string[];
  readonly rtdStarted: Map<string, SourceLocation>;
  readonly rtdStopped: Set<string>;
  readonly txns: TxnUse[];
  /** SIPp behaviour: `hiderest` changes the default of `hide` for the following elements. */
  hideDefault: boolean;
  /** The file's declared encoding: message literals go out as the file's own bytes. */
  readonly encoding: "utf8" | "latin1";
  /** Custom keywords found so far, located. */
  readonly customKeys: { name: string; loc: SourceLocation }[];
  /** SDP found in `<send>` messages so far (the scenario's own `m=` lines, WebRTC SDP keywords). */
  readonly sdpUses: SdpUse[];
  /** How media file names were resolved (for `sipwright validate`). */
  readonly fileNotes: FileNote[];
  /** The scenario file's folder (undefined for built-in scenarios): media files are looked for there first. */
  readonly scenarioDir: string | undefined;
}

export interface LoadedStep {
  readonly step: Step;
  readonly nextLoc: SourceLocation | undefined;
  readonly ontimeoutLoc: SourceLocation | undefined;
}

/** Compile a `<send>` / `<DefaultMessage>` CDATA; a missing or empty CDATA is a problem. */
export function loadMessageTemplate(el: XmlElement, state: StepLoadState): MessageTemplate | undefined {
  const cdata = el.cdata;
  if (cdata === undefined || cdata.text.trim() === "") {
    // SIPp behaviour: "No CDATA in 'send' section of xml scenario file".
    state.problems.push({ loc: el.loc, message: `<${el.tag}> needs the message in a CDATA section` });
    return undefined;
  }
  const { template, problems, customKeys } = compileMessageTemplate(cdata.text, state.encoding);
  for (const p of problems) state.problems.push({ loc: cdataLocation(cdata, p.offset), message: p.message });
  for (const k of customKeys) state.customKeys.push({ name: k.name, loc: cdataLocation(cdata, k.offset) });
  return template;
}

export function loadStep(tag: StepTag, el: XmlElement, index: number, state: StepLoadState): LoadedStep | undefined {
  const r = new AttributeReader(el, state.problems, ALLOWED[tag]);
  const common = readCommon(r, index, state, tag === "timewait");
  const loaded = (step: Step): LoadedStep => ({
    step,
    nextLoc: common.nextLabel === undefined ? undefined : r.locOf("next"),
    ontimeoutLoc: common.ontimeoutLabel === undefined ? undefined : r.locOf("ontimeout"),
  });
  switch (tag) {
    case "send": {
      const send = readSend(r, state);
      return send === undefined ? undefined : loaded({ ...common, ...send });
    }
    case "recv":
      return loaded({ ...common, ...readRecv(r, state) });
    case "pause":
      return loaded({ ...common, kind: "pause", duration: readPause(r) });
    case "timewait":
      return loaded({ ...common, kind: "timewait", duration: readPause(r) });
    case "nop":
      return loaded({ ...common, kind: "nop" } satisfies NopStep);
  }
}

function readSend(r: AttributeReader, state: StepLoadState): Omit<SendStep, keyof StepCommon> | undefined {
  const template = loadMessageTemplate(r.element, state);
  if (template === undefined) return undefined;
  if (r.element.cdata !== undefined) state.sdpUses.push(...findSdpUses(r.element.cdata));
  const sends = describeSends(template);
  const method = sends.kind === "request" ? sends.method : undefined;
  const startTxn = r.name("start_txn", "transaction");
  const ackTxn = r.name("ack_txn", "transaction");
  if (startTxn !== undefined) {
    // SIPp behaviour: "Responses can not start a transaction" / "An ACK message can not start a transaction!"
    if (sends.kind === "response") r.problem("start_txn", "a response cannot start a transaction (start_txn)");
    else if (method === "ACK") r.problem("start_txn", "an ACK cannot start a transaction (start_txn)");
    state.txns.push({
      name: startTxn,
      role: "start",
      loc: r.locOf("start_txn"),
      invite: method === undefined ? undefined : method === "INVITE",
    });
    if (ackTxn !== undefined) r.problem("ack_txn", "start_txn and ack_txn cannot both be set");
  } else if (ackTxn !== undefined) {
    // SIPp behaviour: "The ack_txn attribute is valid only for ACK messages!" (checked when the method is literal).
    if (sends.kind === "response" || (method !== undefined && method !== "ACK")) {
      r.problem("ack_txn", "ack_txn is valid only on an ACK");
    }
    state.txns.push({ name: ackTxn, role: "ack", loc: r.locOf("ack_txn"), invite: undefined });
  }
  return {
    kind: "send",
    template,
    sends,
    // SIPp behaviour: no retransmission unless retrans is set; 0 means none.
    retrans: positive(r, "retrans"),
    timeout: positive(r, "timeout"),
    startTxn,
    ackTxn,
  };
}

function readRecv(r: AttributeReader, state: StepLoadState): Omit<RecvStep, keyof StepCommon> {
  const request = r.string("request");
  const response = r.string("response");
  const regexpMatch = r.bool("regexp_match", false);
  if ((request === undefined) === (response === undefined)) {
    r.problem(undefined, "<recv> needs exactly one of 'request' or 'response'");
  }
  if (response !== undefined && !regexpMatch) {
    const code = r.integer("response");
    if (code !== undefined && (code < 100 || code > 699)) {
      r.problem("response", `response="${response}" is not a SIP status code (100-699)`);
    }
  }
  let pattern: PosixRegexp | undefined;
  const source = request ?? response;
  if (regexpMatch && source !== undefined) {
    // SIPp behaviour: regcomp(REG_EXTENDED|REG_NOSUB), unanchored; matched in linear time (a peer picks the method).
    const compiled = compilePosixRegexp(source);
    const attr = request !== undefined ? "request" : "response";
    if (compiled.ok) pattern = compiled.regexp;
    else r.problem(attr, `invalid regular expression /${source}/: ${compiled.error}`);
  }
  const optional = readOptional(r);
  const advanceState = r.bool("advance_state", true);
  if (!advanceState && optional === false) {
    // SIPp behaviour: "advance_state is allowed only for optional messages".
    r.problem("advance_state", "advance_state is allowed only on an optional <recv>");
  }
  const responseTxn = r.name("response_txn", "transaction");
  if (responseTxn !== undefined) {
    if (response === undefined) r.problem("response_txn", "response_txn can only be used on a received response");
    state.txns.push({ name: responseTxn, role: "response", loc: r.locOf("response_txn"), invite: undefined });
  }
  return {
    kind: "recv",
    request,
    response,
    regexpMatch,
    pattern,
    optional,
    timeout: positive(r, "timeout"),
    rrs: r.bool("rrs", false),
    auth: r.bool("auth", false),
    responseTxn,
    advanceState,
    ignoresdp: r.bool("ignoresdp", false),
  };
}

function readOptional(r: AttributeReader): RecvStep["optional"] {
  const raw = r.string("optional");
  switch (raw) {
    case undefined:
    case "false":
      return false;
    case "true":
    case "global":
      return raw;
    default:
      r.problem("optional", `optional="${raw}" must be true, false or global`);
      return false;
  }
}

/** SIPp behaviour (pause): variable, else distribution (or min/max -> uniform), else milliseconds, else -d. */
function readPause(r: AttributeReader): PauseDuration {
  r.bool("sanity_check", true);
  const variable = r.name("variable", "variable");
  if (variable !== undefined) return { kind: "variable", variable };
  const name = r.string("distribution") ?? (r.has("min") || r.has("max") ? "uniform" : undefined);
  if (name !== undefined) {
    const parsed = parseDistribution(name, r.element.attrs);
    if (parsed.ok) return { kind: "distribution", distribution: parsed.distribution };
    for (const p of parsed.problems) r.problem(p.attr, p.message);
    return { kind: "default" };
  }
  const ms = r.time("milliseconds");
  return ms === undefined ? { kind: "default" } : { kind: "distribution", distribution: { kind: "fixed", value: ms } };
}

function readCommon(r: AttributeReader, index: number, state: StepLoadState, timewait: boolean): StepCommon {
  const rtd = rtdList(r, "rtd");
  const startRtd = rtdList(r, "start_rtd");
  for (const name of [...startRtd, ...rtd]) if (!state.rtdNames.includes(name)) state.rtdNames.push(name);
  for (const name of startRtd) if (!state.rtdStarted.has(name)) state.rtdStarted.set(name, r.locOf("start_rtd"));
  for (const name of rtd) state.rtdStopped.add(name);
  const repeatRtd = r.bool("repeat_rtd", false);
  if (r.has("repeat_rtd") && rtd.length === 0) r.problem("repeat_rtd", "repeat_rtd needs an rtd attribute");

  const counter = r.name("counter", "counter");
  if (counter !== undefined && !state.counterNames.includes(counter)) state.counterNames.push(counter);

  const lost = r.double("lost");
  if (lost !== undefined && (lost < 0 || lost > 100)) r.problem("lost", `lost="${lost}" must be a percentage 0-100`);

  if (r.has("hiderest")) state.hideDefault = r.bool("hiderest", false);
  const chance = r.double("chance");
  if (chance !== undefined && (chance < 0 || chance > 1)) {
    r.problem("chance", `chance="${r.string("chance") ?? ""}" is not in range [0..1]`);
  }
  const nextLabel = r.string("next");
  const ontimeoutLabel = r.string("ontimeout");
  if (timewait && nextLabel !== undefined) r.problem("next", "next labels are not allowed in <timewait>");
  if (timewait && ontimeoutLabel !== undefined)
    r.problem("ontimeout", "ontimeout labels are not allowed in <timewait>");

  return {
    index,
    loc: r.element.loc,
    next: undefined,
    nextLabel,
    test: r.name("test", "variable"),
    chance: chance ?? 1,
    condexec: r.name("condexec", "variable"),
    condexecInverse: r.bool("condexec_inverse", false),
    ontimeout: undefined,
    ontimeoutLabel,
    startRtd,
    rtd,
    repeatRtd,
    counter,
    display: r.string("display"),
    // SIPp behaviour: crlf is on whenever the attribute is present, whatever its value.
    crlf: r.has("crlf"),
    hide: r.bool("hide", state.hideDefault),
    lost,
    actions: loadActions(r.element, state),
  };
}

/** SIPp behaviour (get_rtd): "true" is RTD "1", "false" is none; we also accept comma lists. */
function rtdList(r: AttributeReader, attr: string): string[] {
  const raw = r.string(attr);
  if (raw === undefined || raw === "false") return [];
  const names = raw.split(",").map((s) => (s.trim() === "true" ? "1" : s.trim()));
  if (names.some((n) => n === "")) r.problem(attr, `${attr}="${raw}" has an empty RTD name`);
  return names.filter((n) => n !== "");
}

function positive(r: AttributeReader, attr: string): number | undefined {
  const value = r.integer(attr);
  if (value !== undefined && value < 0) r.problem(attr, `${attr}="${value}" must not be negative`);
  return value === undefined || value <= 0 ? undefined : value;
}
