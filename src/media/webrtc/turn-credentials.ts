/**
 * TURN credentials: inline in the URL, static (`--ice-username/--ice-credential`), or REST (`--turn-secret`,
 * `--turn-ttl`, `--turn-user`) in the scheme of draft-uberti-behave-turn-rest-00 section 2.2, which coturn implements
 * as `use-auth-secret` / `static-auth-secret`:
 *
 *   username = "<expiry as unix seconds>:<user>"       (coturn's default rest-api-separator is ':')
 *   password = base64(HMAC-SHA1(secret, username))
 *
 * coturn refuses a username whose expiry has passed, so REST credentials are re-issued before they expire.
 *
 * Refresh rule: a REST credential is re-issued once less than max(20 % of the TTL, 60 s) of it remains — but never
 * earlier than half-way through its life, so that short TTLs (tests) are not re-issued on every read. With the
 * default TTL of 86400 s that is 4.8 h before expiry; TTL 600 s: 120 s before; TTL 120 s: 60 s; TTL 10 s: 5 s.
 * Re-issuing happens in `current()` (the moment is `refreshAtMs`) and is counted in `refreshes`.
 *
 * Create one source per call (they are tiny): its `refreshes` is then that call's count for the call record.
 */
import { createHmac } from "node:crypto";
import type { Clock } from "../../shared/clock.js";
import { ConfigError } from "../../shared/errors.js";
import { isTurn, type ParsedIceServer } from "./ice-servers.js";
import type { TurnCredentialSource } from "./webrtc-types.js";

export const DEFAULT_TURN_TTL_S = 86_400;
export const DEFAULT_TURN_USER = "sipwright";
/** Refresh rule (see above): the larger of this share of the TTL and REFRESH_MIN_MARGIN_S, capped at half the TTL. */
export const REFRESH_TTL_SHARE = 0.2;
export const REFRESH_MIN_MARGIN_S = 60;

export interface TurnCredentials {
  readonly username: string;
  readonly credential: string;
  /** Wall-clock epoch ms; undefined for credentials that never expire. */
  readonly expiresAtMs: number | undefined;
  readonly refreshAtMs?: number;
}

/** draft-uberti-behave-turn-rest-00 2.2: the password is base64(HMAC-SHA1(shared secret, username)). */
export function restPassword(secret: string, username: string): string {
  return createHmac("sha1", secret).update(username).digest("base64");
}

/** One REST credential valid for `ttlSeconds` from `nowMs` (wall-clock epoch ms). */
export function issueRestCredential(opts: {
  readonly secret: string;
  readonly ttlSeconds: number;
  readonly user: string;
  readonly nowMs: number;
}): { readonly username: string; readonly credential: string; readonly expiresAtMs: number } {
  // draft-uberti-behave-turn-rest-00 2.2: "the username is the expiration timestamp (UNIX seconds) ... a colon, and
  // the user id"; coturn compares it with its own clock.
  const expiry = Math.floor(opts.nowMs / 1000) + opts.ttlSeconds;
  const username = `${expiry}:${opts.user}`;
  return { username, credential: restPassword(opts.secret, username), expiresAtMs: expiry * 1000 };
}

/** How long before expiry a credential of this TTL is re-issued (the refresh rule above), in seconds. */
export function refreshMarginSeconds(ttlSeconds: number): number {
  return Math.min(Math.max(ttlSeconds * REFRESH_TTL_SHARE, REFRESH_MIN_MARGIN_S), ttlSeconds / 2);
}

/** Credentials that never change: inline in the URL, or `--ice-username/--ice-credential`. */
export class FixedTurnCredentials implements TurnCredentialSource {
  readonly refreshes = 0;
  readonly #credentials: TurnCredentials;

  constructor(
    readonly mode: "inline" | "static",
    username: string,
    credential: string,
  ) {
    this.#credentials = { username, credential, expiresAtMs: undefined };
  }

  current(): TurnCredentials {
    return this.#credentials;
  }
}

export interface RestTurnOptions {
  readonly secret: string;
  readonly ttlSeconds: number;
  readonly user: string;
  /** Only wallNow() is read. */
  readonly clock: Clock;
}

/** coturn `use-auth-secret` credentials, issued on first use and re-issued by the refresh rule. */
export class RestTurnCredentials implements TurnCredentialSource {
  readonly mode = "rest";
  #refreshes = 0;
  #issued: TurnCredentials | undefined;
  readonly #options: RestTurnOptions;

  constructor(options: RestTurnOptions) {
    checkRestOptions(options);
    this.#options = options;
  }

  get refreshes(): number {
    return this.#refreshes;
  }

  current(): TurnCredentials {
    const nowMs = this.#options.clock.wallNow();
    const issued = this.#issued;
    if (issued?.refreshAtMs !== undefined && nowMs < issued.refreshAtMs) return issued;
    if (issued !== undefined) this.#refreshes++;
    const { secret, ttlSeconds, user } = this.#options;
    const fresh = issueRestCredential({ secret, ttlSeconds, user, nowMs });
    const next = { ...fresh, refreshAtMs: fresh.expiresAtMs - refreshMarginSeconds(ttlSeconds) * 1000 };
    this.#issued = next;
    return next;
  }
}

function checkRestOptions(o: { readonly secret: string; readonly ttlSeconds: number; readonly user: string }): void {
  if (o.secret === "") throw new ConfigError("--turn-secret: the shared secret is empty");
  if (!Number.isInteger(o.ttlSeconds) || o.ttlSeconds < 1) {
    throw new ConfigError(`--turn-ttl: ${o.ttlSeconds} is not a whole number of seconds >= 1`);
  }
  if (o.user === "") throw new ConfigError("--turn-user: the user id is empty");
}

/** The TURN authentication options of a run, as given on the command line; the field names are those of
 * RunConfig's `webrtcOptions`, which can be passed as is. */
export interface TurnAuthOptions {
  readonly iceUsername?: string | undefined;
  readonly iceCredential?: string | undefined;
  readonly turnSecret?: string | undefined;
  /** Default DEFAULT_TURN_TTL_S. */
  readonly turnTtlS?: number | undefined;
  /** Default DEFAULT_TURN_USER. */
  readonly turnUser?: string | undefined;
}

/** What a run's TURN authentication resolved to; checked once, before any call. */
export type TurnAuthPlan =
  | { readonly mode: "none" }
  | { readonly mode: "inline"; readonly username: string; readonly credential: string }
  | { readonly mode: "static"; readonly username: string; readonly credential: string }
  | { readonly mode: "rest"; readonly secret: string; readonly ttlSeconds: number; readonly user: string };

/**
 * Decides how the run authenticates to TURN, or throws a ConfigError: static and REST options together, half a
 * static pair, a bad REST secret/TTL/user, credentials without any TURN URL, or a TURN URL left without
 * credentials. Inline credentials win for their own URL; the plan's mode is that of the other TURN URLs (or
 * "inline" when every TURN URL carries its own).
 */
export function planTurnAuth(servers: readonly ParsedIceServer[], auth: TurnAuthOptions): TurnAuthPlan {
  const { iceUsername, iceCredential, turnSecret, turnTtlS, turnUser } = auth;
  const hasStatic = iceUsername !== undefined || iceCredential !== undefined;
  if (hasStatic && turnSecret !== undefined) {
    throw new ConfigError("--ice-username/--ice-credential and --turn-secret exclude each other: choose one");
  }
  if (hasStatic && (iceUsername === undefined || iceCredential === undefined)) {
    throw new ConfigError("--ice-username and --ice-credential go together: give both");
  }
  const turn = servers.filter(isTurn);
  const given = hasStatic ? "--ice-username/--ice-credential" : turnSecret !== undefined ? "--turn-secret" : undefined;
  if (given !== undefined && turn.length === 0) {
    throw new ConfigError(`${given} given, but no turn: or turns: --ice-server to use it with`);
  }
  if (iceUsername !== undefined && iceCredential !== undefined) {
    return { mode: "static", username: iceUsername, credential: iceCredential };
  }
  if (turnSecret !== undefined) {
    const plan = {
      mode: "rest",
      secret: turnSecret,
      ttlSeconds: turnTtlS ?? DEFAULT_TURN_TTL_S,
      user: turnUser ?? DEFAULT_TURN_USER,
    } as const;
    checkRestOptions(plan);
    return plan;
  }
  const bare = turn.find((s) => s.inline === undefined);
  if (bare !== undefined) {
    throw new ConfigError(
      `--ice-server ${bare.url} has no credentials: write them inline (turn:user:pass@host), ` +
        "or give --ice-username/--ice-credential, or --turn-secret for REST credentials",
    );
  }
  const first = turn[0]?.inline;
  return first === undefined ? { mode: "none" } : { mode: "inline", ...first };
}

/** A fresh credential source for one call (undefined when the run uses no TURN). */
export function createTurnCredentialSource(plan: TurnAuthPlan, clock: Clock): TurnCredentialSource | undefined {
  switch (plan.mode) {
    case "none":
      return undefined;
    case "inline":
    case "static":
      return new FixedTurnCredentials(plan.mode, plan.username, plan.credential);
    case "rest":
      return new RestTurnCredentials({ secret: plan.secret, ttlSeconds: plan.ttlSeconds, user: plan.user, clock });
  }
}
