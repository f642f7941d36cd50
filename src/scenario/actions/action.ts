/**
 * One action inside a scenario step's `<action>` element. Actions are built once when the scenario loads (attributes
 * checked, regexps and keyword templates compiled) and executed by the engine against one call through ActionHost.
 */
import type { SourceLocation } from "../../shared/errors.js";
import type { ActionHost, ActionResult } from "../runtime.js";

export interface Action {
  /** The element name as written in the scenario (`ereg`, `assign`, `exec`, ...). */
  readonly name: string;
  readonly loc: SourceLocation;
  /** True for actions that drive the call's media: the engine creates the call's pipeline before the step runs. */
  readonly media?: boolean;
  /** Run the action. A `{ ok: false }` result fails the call; SIPp stops executing the remaining actions then. */
  execute(host: ActionHost): ActionResult;
}
