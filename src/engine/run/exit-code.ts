/**
 * SIPp's exit codes (sipp.hpp EXIT_*): 0 all calls succeeded, 1 at least one failed, 97 the global timeout or an
 * internal `stop_now` ended the run, 99 no call was processed, 255 fatal error. (254, a bind failure, happens before
 * any run and is the CLI's.)
 */
export const EXIT_ALL_SUCCEEDED = 0;
export const EXIT_SOME_FAILED = 1;
export const EXIT_STOPPED = 97;
export const EXIT_NO_CALL = 99;
export const EXIT_FATAL = 255;
export const EXIT_BIND = 254;

export interface ExitInput {
  readonly reason: "completed" | "signal" | "global_timeout" | "internal_command" | "rate_max" | "fatal";
  /** The run was ended by `exec int_cmd="stop_now"`. */
  readonly stoppedNow: boolean;
  /** -timeout_error: the global timeout counts as a failure. */
  readonly timeoutError: boolean;
  readonly succeeded: number;
  readonly failed: number;
}

export function sippExitCode(input: ExitInput): number {
  if (input.reason === "fatal") return EXIT_FATAL;
  if (input.reason === "global_timeout") return input.timeoutError ? EXIT_SOME_FAILED : EXIT_STOPPED;
  if (input.reason === "internal_command" && input.stoppedNow) return EXIT_STOPPED;
  if (input.succeeded + input.failed === 0) return EXIT_NO_CALL;
  return input.failed > 0 ? EXIT_SOME_FAILED : EXIT_ALL_SUCCEEDED;
}
