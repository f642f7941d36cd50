/** SIPp stops with ERROR(...) on some run-time action errors: report it as fatal and stop this call's actions. */
import type { ActionHost, ActionResult } from "../runtime.js";

export function fatalResult(host: ActionHost, reason: string): ActionResult {
  host.fatal(reason);
  return { ok: false, failure: "scenario_error", reason };
}
