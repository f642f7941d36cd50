import { SipwrightError } from "../../shared/errors.js";
import type { FailureClass } from "../../shared/failure.js";

/** Why a call's media failed; the call fails with this class. */
export class CallMediaError extends SipwrightError {
  readonly failure: FailureClass;
  constructor(failure: FailureClass, message: string, options?: ErrorOptions) {
    super("MEDIA", message, options);
    this.failure = failure;
  }
}
