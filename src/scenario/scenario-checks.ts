/**
 * The checks a run makes on a loaded scenario before its first call, beyond the loader's own: custom keywords
 * against `-key`, and the scenario's SDP against the run's media kind. `sipwright validate` makes the same checks
 * through the same functions, so a file validate accepts is one a run accepts.
 */
import type { ScenarioProblem } from "../shared/errors.js";
import type { FileNote, Scenario } from "./model.js";
import { buildScenario } from "./load-scenario.js";

/**
 * SIPp behaviour: a keyword that is neither built-in nor given with -key is a load error ("Unsupported keyword").
 * Each problem points at the keyword itself (messages, DefaultMessages and action attributes alike).
 */
export function customKeyProblems(scenario: Scenario, keys: ReadonlyMap<string, string>): ScenarioProblem[] {
  return scenario.customKeys
    .filter((use) => !keys.has(use.name))
    .map((use) => ({
      loc: use.loc,
      message: `unknown keyword [${use.name}] (not a built-in keyword, and no -key ${use.name})`,
    }));
}

/**
 * The SDP of the scenario's `<send>` messages against the run's media kind (`webrtc`: `--webrtc` or
 * `<scenario webrtc="true">`). `[webrtc_offer]`/`[webrtc_answer]`/`[webrtc_trickle]` render the bridge's SDP, so
 * they need a WebRTC run; in a WebRTC run an SDP the scenario writes itself (`m=audio [media_port] RTP/AVP ...`)
 * offers plain RTP with no ICE or DTLS, and the bridge could never connect.
 */
export function webrtcSdpProblems(scenario: Scenario, runWebrtc: boolean): ScenarioProblem[] {
  const webrtc = runWebrtc || scenario.webrtc;
  const problems: ScenarioProblem[] = [];
  for (const use of scenario.sdpUses) {
    if (use.kind === "webrtc" && !webrtc) {
      problems.push({
        loc: use.loc,
        message: `[${use.keyword}] needs a WebRTC run: add webrtc="true" to <scenario> or run with --webrtc`,
      });
    } else if (use.kind === "own" && webrtc) {
      problems.push({
        loc: use.loc,
        message:
          "this scenario writes its own SDP; WebRTC needs [webrtc_offer] / [webrtc_answer] " +
          `(${runWebrtc ? "--webrtc" : '<scenario webrtc="true">'} makes every call a WebRTC bridge)`,
      });
    }
  }
  return problems;
}

/** The run's checks on a loaded scenario, all problems at once (empty when it may run). */
export function runProblems(
  scenario: Scenario,
  opts: { readonly keys: ReadonlyMap<string, string>; readonly webrtc: boolean },
): ScenarioProblem[] {
  return [...customKeyProblems(scenario, opts.keys), ...webrtcSdpProblems(scenario, opts.webrtc)];
}

export interface ValidateResult {
  /** Every problem: the loader's, then the run's checks, sorted by location. */
  readonly problems: readonly ScenarioProblem[];
  /** Notes that are not problems (which file a relative media file name resolved to). */
  readonly notes: readonly FileNote[];
}

/** `sipwright validate`: every problem of a scenario text at once, as a run with these options would find them. */
export function validateScenarioText(
  text: string,
  source: string,
  opts: { readonly keys: ReadonlyMap<string, string>; readonly webrtc: boolean },
): ValidateResult {
  const { scenario, problems } = buildScenario(text, source);
  if (scenario === undefined) return { problems, notes: [] };
  const all = [...problems, ...runProblems(scenario, opts)].sort(
    (a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column,
  );
  return { problems: all, notes: scenario.fileNotes };
}
