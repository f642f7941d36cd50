/**
 * `<exec command="sh ..."/>`: run a shell command, fire and forget (SIPp forks twice and does not wait); keywords in
 * the command are expanded. `<exec int_cmd="stop_call|stop_gracefully|stop_now"/>`: SIPp's internal commands —
 * stop_call ends this call, stop_gracefully quits like 'q', stop_now quits at once (exit 97). The media forms
 * (`rtp_stream`, `play_pcap_audio`, `play_dtmf`, ...) are built by media-actions.ts. One exec does one thing.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { renderText } from "../render-message.js";
import { MEDIA_EXEC_ATTRIBUTES, buildMediaExec } from "./media-actions.js";

export const EXEC_ATTRIBUTES = ["command", "int_cmd", ...MEDIA_EXEC_ATTRIBUTES] as const;

const INTERNAL_COMMANDS = ["stop_call", "stop_gracefully", "stop_now"] as const;

export function buildExec(a: ActionAttributes): Action | undefined {
  const forms = EXEC_ATTRIBUTES.filter((name) => a.has(name));
  if (forms.length > 1) {
    a.problem(`${forms.map((f) => `'${f}'`).join(" and ")} are mutually exclusive`);
    return undefined;
  }
  const media = MEDIA_EXEC_ATTRIBUTES.find((name) => a.has(name));
  if (media !== undefined) return buildMediaExec(a, media);
  if (a.has("command")) {
    const command = a.text("command");
    if (a.failed || command === undefined) return undefined;
    return {
      name: "exec",
      loc: a.loc,
      execute: (host) => {
        host.execCommand(renderText(command, host.state));
        return ACTION_OK;
      },
    };
  }
  if (a.has("int_cmd")) {
    const internal = a.choice("int_cmd", INTERNAL_COMMANDS);
    if (a.failed || internal === undefined) return undefined;
    return {
      name: "exec",
      loc: a.loc,
      execute: (host) => {
        host.internalCommand(internal);
        return ACTION_OK;
      },
    };
  }
  a.problem(`needs a 'command' or an 'int_cmd' attribute (or a media form: ${MEDIA_EXEC_ATTRIBUTES.join(", ")})`);
  return undefined;
}
