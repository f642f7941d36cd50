/**
 * `sipwright turn-cred --turn-secret S [--turn-ttl T] [--turn-user U] [--json]`: prints one TURN REST credential
 * (coturn `use-auth-secret`), the same a run with `--turn-secret` would use, e.g. for a browser or another client.
 * `--json` prints the draft-uberti-behave-turn-rest-00 response fields (username, password, ttl) plus expires_at.
 */
import { systemClock, type Clock } from "../shared/clock.js";
import { ConfigError } from "../shared/errors.js";
import { DEFAULT_TURN_TTL_S, DEFAULT_TURN_USER, issueRestCredential } from "../media/webrtc/turn-credentials.js";

export interface TurnCredOptions {
  readonly secret: string;
  readonly ttlSeconds: number;
  readonly user: string;
  readonly json: boolean;
}

/** The text `turn-cred` prints for a credential issued at the clock's wall-clock now. */
export function formatTurnCred(options: TurnCredOptions, clock: Clock = systemClock): string {
  const issued = issueRestCredential({ ...options, nowMs: clock.wallNow() });
  const expiresAt = new Date(issued.expiresAtMs).toISOString();
  if (options.json) {
    const body = {
      username: issued.username,
      password: issued.credential,
      ttl: options.ttlSeconds,
      expires_at: expiresAt,
    };
    return `${JSON.stringify(body)}\n`;
  }
  return `username: ${issued.username}\npassword: ${issued.credential}\nexpires:  ${expiresAt} (in ${options.ttlSeconds} s)\n`;
}

export function runTurnCred(options: TurnCredOptions): number {
  process.stdout.write(formatTurnCred(options));
  return 0;
}

const TURN_CRED_USAGE = "turn-cred --turn-secret SECRET [--turn-ttl SECONDS] [--turn-user ID] [--json]";

/** `turn-cred --turn-secret S [--turn-ttl T] [--turn-user U] [--json]` (one or two dashes, like every option). */
export function parseTurnCredArgs(args: readonly string[]): TurnCredOptions | "help" {
  let secret: string | undefined;
  let ttlSeconds = DEFAULT_TURN_TTL_S;
  let user = DEFAULT_TURN_USER;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const name = arg.replace(/^--?/, "");
    if (name === "h" || name === "help") return "help";
    if (name === "json" && arg !== name) {
      json = true;
      continue;
    }
    if (arg === name || !["turn-secret", "turn-ttl", "turn-user"].includes(name)) {
      throw new ConfigError(`turn-cred: unknown argument ${arg} (${TURN_CRED_USAGE})`);
    }
    const value = args[++i];
    if (value === undefined) throw new ConfigError(`turn-cred: option ${arg} needs a value`);
    if (name === "turn-secret") secret = value;
    else if (name === "turn-ttl") ttlSeconds = positiveInteger("--turn-ttl", value);
    else user = value;
  }
  if (secret === undefined) throw new ConfigError(`turn-cred needs --turn-secret (${TURN_CRED_USAGE})`);
  if (secret === "") throw new ConfigError("--turn-secret: the shared secret is empty");
  if (user === "") throw new ConfigError("--turn-user: the user id is empty");
  return { secret, ttlSeconds, user, json };
}

function positiveInteger(option: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new ConfigError(`${option}: '${value}' is not a whole number of seconds >= 1`);
  }
  return n;
}
