/**
 * SIPp XML scenario -> typed Scenario. Follows SIPp's parser (scenario.cpp) but collects every problem, each with
 * file:line:column, instead of stopping at the first.
 */
import { dirname, resolve } from "node:path";
import { ScenarioError, SipwrightError } from "../shared/errors.js";
import { INPUT_FILES, readInputFile } from "../shared/input-files.js";
import type { ScenarioProblem, SourceLocation } from "../shared/errors.js";
import { AttributeReader, parseCLong } from "./load-attributes.js";
import { loadMessageTemplate, loadStep, STEP_TAGS } from "./load-step.js";
import type { LoadedStep, StepLoadState, StepTag } from "./load-step.js";
import { DEFAULT_CALL_LENGTH_REPARTITION, DEFAULT_RESPONSE_TIME_REPARTITION } from "./model.js";
import type { NopStep, Repartition, Scenario, Step } from "./model.js";
import type { MessageTemplate } from "./template.js";
import { declaredEncoding, decodeXmlBytes, parseXmlDocument } from "./xml-document.js";
import { endlessLoopProblems } from "./loop-checks.js";
import { unassignedVariableProblems } from "./variable-checks.js";
import type { XmlElement } from "./xml-document.js";

const TOP_LEVEL = [
  ...STEP_TAGS,
  "label",
  "init",
  "ResponseTimeRepartition",
  "CallLengthRepartition",
  "Global",
  "User",
  "Reference",
  "DefaultMessage",
] as const;

/** SIPp behaviour (set_default_message): the messages a scenario may override. */
const DEFAULT_MESSAGE_IDS = ["3pcc_abort", "ack", "ack2", "bye", "cancel", "200"];

/**
 * Read a scenario file as text (latin1 unless it declares UTF-8): a regular file within the scenario size limit
 * (input-files.ts), for a run and for `sipwright validate` alike.
 */
export function readScenarioFile(path: string): Promise<string> {
  try {
    return Promise.resolve(decodeXmlBytes(readInputFile(path, INPUT_FILES.scenario)));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return Promise.reject(
      new SipwrightError("FILE_ERROR", `cannot read scenario file ${path}: ${reason}`, { cause: error }),
    );
  }
}

export async function loadScenarioFile(path: string): Promise<Scenario> {
  return loadScenarioText(await readScenarioFile(path), path);
}

/** @throws ScenarioError listing every problem found. */
export function loadScenarioText(text: string, source: string): Scenario {
  const { scenario, problems } = buildScenario(text, source);
  if (scenario === undefined || problems.length > 0) throw new ScenarioError(problems);
  return scenario;
}

/** Every problem of a scenario (empty when it loads), for `sipwright validate`. */
export function checkScenario(text: string, source: string): ScenarioProblem[] {
  return buildScenario(text, source).problems;
}

/**
 * The scenario as far as it loads, and every problem found: `scenario` is defined whenever the document has a
 * `<scenario>` root, even with problems, so later checks (keywords, WebRTC) can still run and report theirs too.
 */
export function buildScenario(
  text: string,
  source: string,
): { scenario: Scenario | undefined; problems: ScenarioProblem[] } {
  const doc = parseXmlDocument(text, source);
  if ("problems" in doc) return { scenario: undefined, problems: doc.problems };
  const loader = new ScenarioLoader(source, declaredEncoding(text));
  const scenario = loader.load(doc.root);
  const checks =
    scenario === undefined ? [] : [...unassignedVariableProblems(doc.root), ...endlessLoopProblems(scenario.steps)];
  const problems = [...loader.state.problems, ...checks].sort(
    (a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column,
  );
  return { scenario, problems };
}

class ScenarioLoader {
  readonly state: StepLoadState;
  private readonly steps: LoadedStep[] = [];
  private readonly initSteps: LoadedStep[] = [];
  private readonly labels = new Map<string, number>();
  private readonly initLabels = new Map<string, number>();
  private readonly defaultMessages = new Map<string, MessageTemplate>();
  private readonly globalVariables: string[] = [];
  private readonly userVariables: string[] = [];
  private responseTimeRepartition = DEFAULT_RESPONSE_TIME_REPARTITION;
  private callLengthRepartition = DEFAULT_CALL_LENGTH_REPARTITION;
  private timewait: XmlElement | undefined;
  /** SIPp behaviour (checkOptionalRecv): an optional recv must be followed by a mandatory one before a send. */
  private lastRecvOptional = false;

  constructor(
    private readonly source: string,
    encoding: "utf8" | "latin1",
  ) {
    this.state = {
      problems: [],
      rtdNames: [],
      counterNames: [],
      rtdStarted: new Map(),
      rtdStopped: new Set(),
      txns: [],
      hideDefault: false,
      encoding,
      customKeys: [],
      sdpUses: [],
      fileNotes: [],
      // SIPp's find_file: relative media files are looked for next to the scenario file first.
      scenarioDir: source.startsWith("builtin:") ? undefined : dirname(resolve(source)),
    };
  }

  private problem(loc: SourceLocation, message: string): void {
    this.state.problems.push({ loc, message });
  }

  load(root: XmlElement): Scenario | undefined {
    if (root.tag !== "scenario") {
      this.problem(root.loc, `the root element must be <scenario>, not <${root.tag}>`);
      return undefined;
    }
    const r = new AttributeReader(root, this.state.problems, ["name", "webrtc"]);
    for (const el of root.children) this.topLevel(el);

    const steps = this.steps.map((s) => resolveLabels(s, this.labels, this.state.problems));
    const initSteps = this.initSteps.map((s) => resolveLabels(s, this.initLabels, this.state.problems) as NopStep);
    this.checkRtds();
    this.checkTransactions();
    if (steps.length === 0) this.problem(root.loc, "the scenario has no messages (send, recv, pause, nop)");
    // SIPp behaviour (computeSippMode): pauses and nops may come first; the first send/recv decides the mode.
    const first = steps.find((s) => s.kind === "send" || s.kind === "recv");
    if (steps.length > 0 && first === undefined) {
      this.problem(root.loc, "cannot tell client from server: the scenario has no <send> or <recv>");
    }
    return {
      name: r.string("name") ?? "",
      source: this.source,
      steps,
      labels: this.labels,
      initSteps,
      unexpectedHandler: this.labels.get("_unexp.main"),
      isClient: first?.kind === "send",
      responseTimeRepartition: this.responseTimeRepartition,
      callLengthRepartition: this.callLengthRepartition,
      globalVariables: this.globalVariables,
      userVariables: this.userVariables,
      defaultMessages: this.defaultMessages,
      rtdNames: this.state.rtdNames,
      counterNames: this.state.counterNames,
      customKeys: this.state.customKeys,
      webrtc: r.bool("webrtc", false),
      sdpUses: this.state.sdpUses,
      fileNotes: this.state.fileNotes,
    };
  }

  private topLevel(el: XmlElement): void {
    switch (el.tag) {
      case "send":
      case "recv":
      case "pause":
      case "nop":
      case "timewait":
        this.message(el.tag, el);
        return;
      case "label": {
        this.label(el, this.labels, this.steps.length);
        return;
      }
      case "init":
        this.init(el);
        return;
      case "ResponseTimeRepartition":
        this.responseTimeRepartition = this.repartition(el) ?? this.responseTimeRepartition;
        return;
      case "CallLengthRepartition":
        this.callLengthRepartition = this.repartition(el) ?? this.callLengthRepartition;
        return;
      case "Global":
        this.globalVariables.push(...this.variables(el));
        return;
      case "User":
        this.userVariables.push(...this.variables(el));
        return;
      case "Reference":
        this.variables(el);
        return;
      case "DefaultMessage":
        this.defaultMessage(el);
        return;
      case "sendCmd":
      case "recvCmd":
        this.problem(el.loc, "3PCC (sendCmd/recvCmd) is not supported");
        return;
      default:
        this.problem(el.loc, `unknown element <${el.tag}> (allowed: ${TOP_LEVEL.join(", ")})`);
    }
  }

  private message(tag: StepTag, el: XmlElement): void {
    if (this.timewait !== undefined) {
      this.problem(el.loc, "<timewait> can only be the last message in a scenario");
    }
    if (tag !== "recv" && this.lastRecvOptional) {
      this.problem(
        el.loc,
        `<${tag}> follows an optional <recv> with no mandatory <recv> in between (SIPp rejects this: remove one optional="true")`,
      );
    }
    const loaded = loadStep(tag, el, this.steps.length, this.state);
    if (loaded === undefined) return;
    if (tag === "timewait") this.timewait = el;
    this.lastRecvOptional = loaded.step.kind === "recv" && loaded.step.optional !== false;
    this.steps.push(loaded);
  }

  /** A label's index is the index of the next message (steps.length when it ends the scenario). */
  private label(el: XmlElement, labels: Map<string, number>, index: number): void {
    const r = new AttributeReader(el, this.state.problems, ["id"]);
    noChildren(el, this.state.problems);
    const id = r.required("id");
    if (id === undefined) return;
    if (labels.has(id)) r.problem("id", `the label '${id}' is defined twice`);
    else labels.set(id, index);
  }

  /** SIPp behaviour: <init> holds only nop and label; it runs once at start-up. */
  private init(el: XmlElement): void {
    new AttributeReader(el, this.state.problems, []);
    for (const child of el.children) {
      if (child.tag === "nop") {
        const loaded = loadStep("nop", child, this.initSteps.length, this.state);
        if (loaded !== undefined) this.initSteps.push(loaded);
      } else if (child.tag === "label") {
        this.label(child, this.initLabels, this.initSteps.length);
      } else {
        this.problem(child.loc, `<init> may hold only <nop> and <label>, not <${child.tag}>`);
      }
    }
  }

  /** `value="10, 20, 30"`: bucket edges in ms. */
  private repartition(el: XmlElement): Repartition | undefined {
    const r = new AttributeReader(el, this.state.problems, ["value"]);
    noChildren(el, this.state.problems);
    const raw = r.required("value");
    if (raw === undefined) return undefined;
    const edges = raw.split(",").map((s) => parseCLong(s));
    if (edges.some((e) => e === undefined || e < 0)) {
      r.problem("value", `value="${raw}" must be a comma-separated list of non-negative integers`);
      return undefined;
    }
    return { edges: (edges as number[]).sort((a, b) => a - b) };
  }

  private variables(el: XmlElement): string[] {
    const r = new AttributeReader(el, this.state.problems, ["variables"]);
    noChildren(el, this.state.problems);
    const raw = r.required("variables");
    if (raw === undefined) return [];
    const names = raw.split(",").map((s) => s.trim());
    if (names.some((n) => n === "" || n.includes("$"))) {
      r.problem("variables", `variables="${raw}" must be a comma-separated list of variable names`);
    }
    return names.filter((n) => n !== "");
  }

  private defaultMessage(el: XmlElement): void {
    const r = new AttributeReader(el, this.state.problems, ["id"]);
    noChildren(el, this.state.problems);
    const id = r.required("id");
    const template = loadMessageTemplate(el, this.state);
    if (id === undefined || template === undefined) return;
    if (!DEFAULT_MESSAGE_IDS.includes(id)) {
      r.problem("id", `unknown DefaultMessage id '${id}' (allowed: ${DEFAULT_MESSAGE_IDS.join(", ")})`);
      return;
    }
    this.defaultMessages.set(id, template);
  }

  /** SIPp behaviour (validateRtds): an RTD that is started must also be stopped somewhere. */
  private checkRtds(): void {
    for (const [name, loc] of this.state.rtdStarted) {
      if (!this.state.rtdStopped.has(name)) this.problem(loc, `response time '${name}' is started but never stopped`);
    }
  }

  /** SIPp behaviour (validate_txn_usage). */
  private checkTransactions(): void {
    const uses = this.state.txns;
    for (const use of uses) {
      const started = uses.some((u) => u.name === use.name && u.role === "start");
      if (use.role !== "start" && !started) {
        this.problem(use.loc, `${use.role}_txn '${use.name}' names no transaction started with start_txn`);
      }
      if (use.role !== "start") continue;
      if (!uses.some((u) => u.name === use.name && u.role === "response")) {
        this.problem(use.loc, `transaction '${use.name}' has no <recv response_txn="${use.name}">`);
      }
      const acked = uses.some((u) => u.name === use.name && u.role === "ack");
      if (use.invite === true && !acked) {
        this.problem(use.loc, `INVITE transaction '${use.name}' has no ACK with ack_txn="${use.name}"`);
      }
      if (use.invite === false && acked) {
        this.problem(use.loc, `non-INVITE transaction '${use.name}' cannot have an ACK (ack_txn)`);
      }
    }
  }
}

function resolveLabels(loaded: LoadedStep, labels: ReadonlyMap<string, number>, problems: ScenarioProblem[]): Step {
  const { step } = loaded;
  const resolve = (label: string | undefined, loc: SourceLocation | undefined, attr: string): number | undefined => {
    if (label === undefined) return undefined;
    const index = labels.get(label);
    if (index === undefined) {
      problems.push({ loc: loc ?? step.loc, message: `the label '${label}' is not defined (${attr} attribute)` });
    }
    return index;
  };
  return {
    ...step,
    next: resolve(step.nextLabel, loaded.nextLoc, "next"),
    ontimeout: resolve(step.ontimeoutLabel, loaded.ontimeoutLoc, "ontimeout"),
  };
}

function noChildren(el: XmlElement, problems: ScenarioProblem[]): void {
  for (const child of el.children) {
    problems.push({ loc: child.loc, message: `unexpected element <${child.tag}> inside <${el.tag}>` });
  }
}
