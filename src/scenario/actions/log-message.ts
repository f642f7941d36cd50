/**
 * `<log message="..."/>`, `<warning message="..."/>`, `<error message="..."/>`: keywords in `message` are expanded.
 * SIPp behaviour: `log` writes to the `_logs.log` trace, `warning` to the error log, and `error` is a fatal ERROR
 * that stops SIPp at once — here host.fatal, and the call stops executing actions (scenario_error).
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { renderText } from "../render-message.js";
import { fatalResult } from "./fatal-result.js";

export const LOG_MESSAGE_ATTRIBUTES = ["message"] as const;

export type LogLevelAction = "log" | "warning" | "error";

export function buildLogMessage(level: LogLevelAction, a: ActionAttributes): Action | undefined {
  const message = a.text("message");
  if (a.failed || message === undefined) return undefined;
  return {
    name: level,
    loc: a.loc,
    execute: (host) => {
      const text = renderText(message, host.state);
      switch (level) {
        case "log":
          host.log(text);
          return ACTION_OK;
        case "warning":
          host.warning(text);
          return ACTION_OK;
        case "error":
          return fatalResult(host, text);
      }
    },
  };
}
