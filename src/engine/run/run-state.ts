/**
 * Where a run is, how it is stopped and how it ended: the RunController's state and its allowed transitions.
 */
import { SipwrightError } from "../../shared/errors.js";

export type StopMode = "graceful" | "now";

export type StopReason = "completed" | "signal" | "global_timeout" | "internal_command" | "rate_max" | "fatal";

/**
 * Where the run is:
 *   running --stop(graceful)--> draining --stop(now)--> stopping
 *   running --stop(now)--> stopping
 *   running | draining | stopping --(no call left, and stopped or every call created)--> ended
 * running: calls are opened; draining: no new calls, running calls finish; stopping: every call was aborted
 * (stop now: a signal, the global timeout, `stop_now`, a fatal error); ended: the outcome is resolved.
 */
export type RunState = "running" | "draining" | "stopping" | "ended";

const ALLOWED_FROM: Readonly<Record<RunState, readonly RunState[]>> = {
  running: [],
  draining: ["running"],
  stopping: ["running", "draining"],
  ended: ["running", "draining", "stopping"],
};

/** The state after `from -> to`; throws on a transition the diagram above does not have (a programming error). */
export function nextRunState(from: RunState, to: RunState): RunState {
  if (from === to) return to;
  if (!ALLOWED_FROM[to].includes(from))
    throw new SipwrightError("INTERNAL", `RunController: ${from} -> ${to} is not allowed`);
  return to;
}

export interface RunOutcome {
  readonly exitCode: number;
  readonly reason: StopReason;
  readonly fatalMessage: string | undefined;
}
