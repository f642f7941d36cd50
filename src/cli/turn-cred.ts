/**
 * `sipwright turn-cred --turn-secret S [--turn-ttl T] [--turn-user U] [--json]`: prints one TURN REST credential
 * (coturn `use-auth-secret`), the same a run with `--turn-secret` would use, e.g. for a browser or another client.
 * `--json` prints the draft-uberti-behave-turn-rest-00 response fields (username, password, ttl) plus expires_at.
 */
import { systemClock, type Clock } from "../shared/clock.js";
import { issueRestCredential } from "../media/webrtc/turn-credentials.js";

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
