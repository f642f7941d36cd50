/** `<gettimeofday assign_to="sec,usec"/>`: the wall clock as two doubles, epoch seconds and microseconds (SIPp
 *  E_AT_ASSIGN_FROM_GETTIMEOFDAY). Wall time is the run's start time plus the run clock, so a fake clock drives it. */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";

export const GETTIMEOFDAY_ATTRIBUTES = ["assign_to"] as const;

export function buildGettimeofday(a: ActionAttributes): Action | undefined {
  const names = a.variableList("assign_to");
  if (names !== undefined && names.length !== 2)
    a.problem('needs exactly two variables: assign_to="seconds,microseconds"');
  const [secName, usecName] = names ?? [];
  if (a.failed || secName === undefined || usecName === undefined) return undefined;
  return {
    name: "gettimeofday",
    loc: a.loc,
    execute: (host) => {
      const wallMs = host.state.run.startWallMs + host.state.run.clockTick();
      const sec = Math.floor(wallMs / 1000);
      const usec = Math.floor((wallMs - sec * 1000) * 1000);
      host.state.variables.set(secName, { type: "double", value: sec });
      host.state.variables.set(usecName, { type: "double", value: usec });
      return ACTION_OK;
    },
  };
}
