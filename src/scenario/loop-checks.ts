/**
 * Load check: a loop that every call entering it would run forever without waiting. Follows only transitions that are
 * certain: `next` with no `test`, `chance` or `condexec`, or falling through to the following step. A loop made only
 * of steps that never wait (send, nop, a pause of 0 ms) along such transitions spins; a loop with a conditional
 * `next` (SIPp's counting loops: `<nop next="l" test="more">`) may end and is allowed (the engine's runtime guard
 * still stops it after 100,000 jumps back without waiting).
 */
import type { ScenarioProblem } from "../shared/errors.js";
import type { Step } from "./model.js";

/** Actions that may leave the loop or end the call whatever the step's `next` says. */
const LEAVING_ACTIONS = new Set(["jump", "exec", "error"]);

function waits(step: Step): boolean {
  switch (step.kind) {
    case "recv":
      return true;
    case "pause":
    case "timewait": {
      const d = step.duration;
      // A variable or -d duration is not known at load: it may wait.
      return !(d.kind === "distribution" && d.distribution.kind === "fixed" && !(d.distribution.value > 0));
    }
    case "send":
    case "nop":
      return false;
  }
}

/** The step a call certainly goes to after `step` without waiting; undefined when not certain (or it waits). */
function certainNext(step: Step): number | undefined {
  if (waits(step) || step.actions.some((a) => LEAVING_ACTIONS.has(a.name))) return undefined;
  const following = step.index + 1;
  if (step.next === undefined || step.next === following) return following;
  const conditional = step.test !== undefined || step.chance < 1 || step.condexec !== undefined;
  return conditional ? undefined : step.next;
}

/** One problem per loop that certainly spins, at the step that jumps back. */
export function endlessLoopProblems(steps: readonly Step[]): ScenarioProblem[] {
  const succ = steps.map(certainNext);
  // 0: not visited; 1: on the current path; 2: done.
  const state = new Uint8Array(steps.length);
  const problems: ScenarioProblem[] = [];
  for (let start = 0; start < steps.length; start++) {
    const path: number[] = [];
    let i: number | undefined = start;
    while (i !== undefined && i < steps.length && state[i] === 0) {
      state[i] = 1;
      path.push(i);
      i = succ[i];
    }
    if (i !== undefined && i < steps.length && state[i] === 1)
      problems.push(...loopProblem(steps, path.slice(path.indexOf(i))));
    for (const p of path) state[p] = 2;
  }
  return problems;
}

function loopProblem(steps: readonly Step[], cycle: readonly number[]): ScenarioProblem[] {
  // Falling through only goes forward: some step of the loop jumps back (to itself or an earlier step) with `next`.
  const closing = cycle.map((i) => steps[i]).find((s) => s?.next !== undefined && s.next <= s.index);
  if (closing?.next === undefined) return [];
  const target = steps[closing.next];
  const where = target === undefined ? "" : ` back to line ${target.loc.line}`;
  return [
    {
      loc: closing.loc,
      message:
        `endless loop: <${closing.kind} next="${closing.nextLabel ?? ""}"> goes${where} unconditionally and no step ` +
        "of the loop waits (a <recv>, or a <pause> that is not 0 ms): every call would spin here " +
        "(add a recv or a pause, or make the next conditional with test=)",
    },
  ];
}
