/**
 * Runs what a media action asks of the call's media. A SipwrightError thrown by `host.media()` or the pipeline (the
 * call has no media, an unreadable file, a feature the pipeline lacks, no telephone-event for send_dtmf...) fails the
 * call with `media_error` and the error's message, thrown at once or rejecting a promise (an audio check answered by
 * a media worker). Any other exception is a bug and propagates.
 */
import { SipwrightError } from "../../shared/errors.js";
import type { ActionHost, ActionResult, CallMediaControl, SettledActionResult } from "../runtime.js";
import { ACTION_OK } from "../runtime.js";

export function runMedia(
  host: ActionHost,
  what: string,
  drive: (media: CallMediaControl) => ActionResult | undefined,
): ActionResult {
  try {
    const result = drive(host.media()) ?? ACTION_OK;
    if (result.ok !== "later") return result;
    return { ok: "later", settled: result.settled.catch((error: unknown) => mediaFailure(what, error)) };
  } catch (error) {
    return mediaFailure(what, error);
  }
}

function mediaFailure(what: string, error: unknown): SettledActionResult {
  if (!(error instanceof SipwrightError)) throw error;
  return { ok: false, failure: "media_error", reason: `${what}: ${error.message}` };
}
