/** `<closecon/>`: close this call's socket (SIPp E_AT_CLOSE_CON); the engine opens a new one when needed. */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";

export const CLOSECON_ATTRIBUTES = [] as const;

export function buildClosecon(a: ActionAttributes): Action | undefined {
  if (a.failed) return undefined;
  return {
    name: "closecon",
    loc: a.loc,
    execute: (host) => {
      host.closeConnection();
      return ACTION_OK;
    },
  };
}
