/**
 * argv -> Command. SIPp style: single-dash options with a separate value (`-r 10`), the positional
 * `remote_host[:port]`, and SIPp's defaults (checked against `sipp -h` of 3.6.1). SIPp behaviour: an option may
 * also be written with two dashes. The options themselves are the table in ./options/ (one file per help section):
 * this file is the loop that reads argv through it.
 */
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "../shared/errors.js";
import { freezeRunConfig, type RunConfig } from "../engine/run/run-config.js";
import { checkLocalAddresses, checkRunOptions, planWebRtcOptions } from "../engine/run/run-option-checks.js";
import { parseHostPort } from "./host-port.js";
import { parseTurnCredArgs, type TurnCredOptions } from "./turn-cred.js";
import { parseServeArgs, type ServeOptions } from "../api/serve-options.js";
import { findOption } from "./options/option-table.js";
import { int, SEE_HELP, type ParseContext } from "./options/option-spec.js";
import { defaultRunConfig, type ParseEnv } from "./run-defaults.js";

export { parseTime } from "./options/option-spec.js";
export { parseDefaultBehaviors } from "./options/call-options.js";
export { defaultRunConfig, DEFAULT_MAX_RTP_PORT, type ParseEnv } from "./run-defaults.js";

export type Command =
  | { kind: "run"; config: RunConfig }
  | { kind: "validate"; files: string[]; keys: Map<string, string>; webrtc: boolean }
  | { kind: "demo"; outDir: string | undefined; calls: number; rtp: boolean }
  | { kind: "turn-cred"; options: TurnCredOptions }
  | { kind: "serve"; options: ServeOptions }
  | { kind: "help" }
  | { kind: "version" };

export const DEMO_DEFAULT_CALLS = 10;

/** Reads a run's options through the table; the config comes back frozen (a write to it throws). */
function parseRun(args: readonly string[], env: ParseEnv): Command {
  const config = defaultRunConfig(env);
  const ctx: ParseContext = { path: (v) => (isAbsolute(v) ? v : resolve(env.cwd, v)), iceServers: [] };
  let positional: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (!arg.startsWith("-") || arg === "-") {
      if (positional !== undefined)
        throw new ConfigError(`unexpected argument '${arg}': only one remote_host[:port] is allowed`);
      positional = arg;
      continue;
    }
    const name = arg.replace(/^--?/, "");
    const option = findOption(name);
    if (option === undefined) throw new ConfigError(`unknown option ${arg} ${SEE_HELP}`);
    const { action } = option;
    if (action.kind === "help" || action.kind === "version") return { kind: action.kind };
    const count = option.values.length;
    const values = args.slice(i + 1, i + 1 + count);
    if (values.length < count) {
      throw new ConfigError(`option ${arg} needs ${count === 1 ? "a value" : `${count} values`} ${SEE_HELP}`);
    }
    i += count;
    if (action.kind === "set") action.apply(config, values, { ...ctx, name });
  }
  if (positional !== undefined) {
    const { host, port } = parseHostPort("remote address", positional, 5060);
    config.remoteHost = host;
    config.remotePort = port;
  }
  // The ICE/TURN options as typed values, checked with the rest now, whatever the scenario: a bad option never
  // reaches a bound socket (issue 9 items 1-2), and the run starts from what was parsed here.
  checkLocalAddresses(config);
  config.webrtcOptions.plan = planWebRtcOptions(config.webrtcOptions, ctx.iceServers);
  checkRunOptions(config);
  return { kind: "run", config: freezeRunConfig(config) };
}

function parseDemo(args: readonly string[], env: ParseEnv): Command {
  let outDir: string | undefined;
  let calls = DEMO_DEFAULT_CALLS;
  let rtp = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const value = args[i + 1];
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    if (arg === "--rtp") {
      rtp = true;
      continue;
    }
    if (arg !== "--out" && arg !== "--calls")
      throw new ConfigError(`demo: unknown option ${arg} (demo [--out DIR] [--calls N] [--rtp])`);
    if (value === undefined) throw new ConfigError(`demo: option ${arg} needs a value`);
    i++;
    if (arg === "--out") outDir = isAbsolute(value) ? value : resolve(env.cwd, value);
    else calls = int("-calls", value, 1);
  }
  return { kind: "demo", outDir, calls, rtp };
}

export function parseArgs(argv: readonly string[], env: ParseEnv): Command {
  const [first, ...rest] = argv;
  switch (first) {
    case "-h":
    case "--help":
    case "help":
      return { kind: "help" };
    case "-v":
    case "--version":
      return { kind: "version" };
    case "validate":
      return parseValidate(rest, env);
    case "demo":
      return parseDemo(rest, env);
    case "turn-cred": {
      const options = parseTurnCredArgs(rest);
      return options === "help" ? { kind: "help" } : { kind: "turn-cred", options };
    }
    case "serve": {
      const options = parseServeArgs(rest, env.cwd);
      return options === "help" ? { kind: "help" } : { kind: "serve", options };
    }
    case "run":
      return parseRun(rest, env);
    case undefined:
    default:
      return parseRun(argv, env);
  }
}

/**
 * `validate [--webrtc] [-key NAME VALUE]... FILE...`: -key names the custom keywords the scenarios may use;
 * --webrtc checks them as a `--webrtc` run would.
 */
function parseValidate(args: readonly string[], env: ParseEnv): Command {
  const files: string[] = [];
  const keys = new Map<string, string>();
  let webrtc = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--webrtc") {
      webrtc = true;
    } else if (arg === "-key" || arg === "--key") {
      const name = args[i + 1];
      const value = args[i + 2];
      if (name === undefined || value === undefined) throw new ConfigError("-key needs a NAME and a VALUE");
      keys.set(name, value);
      i += 2;
    } else if (arg.startsWith("-")) {
      throw new ConfigError(`unknown option ${arg} for validate (only --webrtc and -key NAME VALUE) ${SEE_HELP}`);
    } else {
      files.push(isAbsolute(arg) ? arg : resolve(env.cwd, arg));
    }
  }
  if (files.length === 0) throw new ConfigError("validate needs at least one scenario FILE");
  return { kind: "validate", files, keys, webrtc };
}
