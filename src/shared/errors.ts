/** Errors with stable codes. Every failure either propagates as one of these or becomes a call outcome. */
export type ErrorCode =
  | "SCENARIO_INVALID"
  | "CONFIG_INVALID"
  | "BIND_FAILED"
  | "CONNECT_FAILED"
  | "FILE_ERROR"
  | "CLOSED"
  | "UNSUPPORTED"
  | "MEDIA"
  | "INTERNAL";

export class SipwrightError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

export interface ScenarioProblem {
  readonly loc: SourceLocation;
  readonly message: string;
}

/** A scenario that cannot run: carries every problem found, each with file:line:column. */
export class ScenarioError extends SipwrightError {
  readonly problems: readonly ScenarioProblem[];
  constructor(problems: readonly ScenarioProblem[]) {
    super("SCENARIO_INVALID", problems.map((p) => `${formatLocation(p.loc)}: ${p.message}`).join("\n"));
    this.problems = problems;
  }
}

export class ConfigError extends SipwrightError {
  constructor(message: string) {
    super("CONFIG_INVALID", message);
  }
}

export class BindError extends SipwrightError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("BIND_FAILED", message, options);
  }
}

export class ClosedError extends SipwrightError {
  constructor(what: string) {
    super("CLOSED", `${what} is closed`);
  }
}
