/**
 * Runs what a media action asks of the call's media. A SipwrightError thrown by `host.media()` or the pipeline (the
 * call has no media, an unreadable file, a feature the pipeline lacks, no telephone-event for send_dtmf...) fails the
 * call with `media_error` and the error's message. Any other exception is a bug and propagates.
 */
import { SipwrightError } from "../../shared/errors.js";
import type { ActionHost, ActionResult, CallMediaControl } from "../runtime.js";
import { ACTION_OK } from "../runtime.js";

export function runMedia(
  host: ActionHost,
  what: string,
  drive: (media: CallMediaControl) => ActionResult | undefined,
): ActionResult {
  try {
    return drive(host.media()) ?? ACTION_OK;
  } catch (error) {
    if (!(error instanceof SipwrightError)) throw error;
    return { ok: false, failure: "media_error", reason: `${what}: ${error.message}` };
  }
}
