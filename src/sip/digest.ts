/**
 * HTTP Digest authentication for SIP (RFC 3261 22.4, RFC 2617, RFC 7616, RFC 8760): parsing a
 * WWW-Authenticate / Proxy-Authenticate challenge, building the Authorization value, and verifying one (the
 * server side, SIPp's `verifyauth`).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readQuoted } from "./header-params.js";

/** RFC 8760 3: the algorithms SIP digest supports, each with its -sess variant. */
export const DIGEST_ALGORITHMS = [
  "MD5",
  "MD5-sess",
  "SHA-256",
  "SHA-256-sess",
  "SHA-512-256",
  "SHA-512-256-sess",
] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string | undefined;
  /** RFC 7616 3.3: MD5 when the challenge has no algorithm parameter. */
  readonly algorithm: DigestAlgorithm;
  /** qop options offered, lower case (`auth`, `auth-int`); empty for an RFC 2069 challenge. */
  readonly qop: readonly string[];
  readonly stale: boolean;
}

export interface BuildAuthorizationOptions {
  challenge: DigestChallenge;
  method: string;
  uri: string;
  username: string;
  password: string;
  /** Entity body, for qop=auth-int. */
  body?: Buffer;
  /** Nonce count; default 1. */
  nc?: number;
  /** Client nonce; default 16 random hex digits. */
  cnonce?: string;
  /** Force a qop; by default `auth` when offered, else `auth-int` when offered, else none. */
  qop?: "auth" | "auth-int";
}

export interface VerifyAuthorizationOptions {
  /** The Authorization (or Proxy-Authorization) header value. */
  authorization: string;
  method: string;
  password: string;
  /** When given, the header's username must be this one. */
  username?: string;
  body?: Buffer;
}

const HASHES: Readonly<Record<string, string>> = { md5: "md5", "sha-256": "sha256", "sha-512-256": "sha512-256" };

/** Parses `Digest k=v, k="v", ...` into lower-cased keys; undefined when the scheme is not Digest. */
export function parseDigestParams(headerValue: string): Map<string, string> | undefined {
  const match = /^\s*digest(?:\s+|$)/i.exec(headerValue);
  if (match === null) return undefined;
  const params = new Map<string, string>();
  const text = headerValue;
  let i = match[0].length;
  for (;;) {
    while (i < text.length && /[\s,]/.test(text[i] ?? "")) i++;
    if (i >= text.length) break;
    const eq = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*/.exec(text.slice(i));
    // A token without "=" starts another challenge (e.g. "..., Basic realm=...") or is garbage: stop there.
    if (eq?.[1] === undefined) break;
    const key = eq[1].toLowerCase();
    i += eq[0].length;
    let value: string;
    if (text[i] === '"') {
      const quoted = readQuoted(text, i);
      value = quoted.text;
      i = quoted.end;
    } else {
      const start = i;
      while (i < text.length && text[i] !== "," && !/\s/.test(text[i] ?? "")) i++;
      value = text.slice(start, i);
    }
    if (!params.has(key)) params.set(key, value);
  }
  return params;
}

function toAlgorithm(value: string | undefined): DigestAlgorithm | undefined {
  if (value === undefined || value === "") return "MD5";
  const lower = value.toLowerCase();
  return DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === lower);
}

/**
 * Parses a WWW-Authenticate / Proxy-Authenticate value. Undefined when the scheme is not Digest, realm or nonce is
 * missing, or the algorithm is not one of {@link DIGEST_ALGORITHMS} (e.g. AKAv1-MD5).
 */
export function parseChallenge(headerValue: string): DigestChallenge | undefined {
  const params = parseDigestParams(headerValue);
  if (params === undefined) return undefined;
  const realm = params.get("realm");
  const nonce = params.get("nonce");
  const algorithm = toAlgorithm(params.get("algorithm"));
  if (realm === undefined || nonce === undefined || algorithm === undefined) return undefined;
  const qop = (params.get("qop") ?? "")
    .split(",")
    .map((q) => q.trim().toLowerCase())
    .filter((q) => q.length > 0);
  return {
    realm,
    nonce,
    opaque: params.get("opaque"),
    algorithm,
    qop,
    stale: params.get("stale")?.toLowerCase() === "true",
  };
}

/** RFC 8760 2.4: with several challenges, use the strongest algorithm supported (SHA-512-256 > SHA-256 > MD5). */
export function selectChallenge(headerValues: readonly string[]): DigestChallenge | undefined {
  const value = selectChallengeValue(headerValues);
  return value === undefined ? undefined : parseChallenge(value);
}

/**
 * The header value {@link selectChallenge} picks (the first of the strongest). When none is a usable Digest
 * challenge (e.g. only AKAv1-MD5), the first value, so that answering it fails with an error that shows it.
 */
export function selectChallengeValue(headerValues: readonly string[]): string | undefined {
  const rank = (c: DigestChallenge): number => DIGEST_ALGORITHMS.indexOf(c.algorithm) >> 1;
  let best: { value: string; rank: number } | undefined;
  for (const value of headerValues) {
    const challenge = parseChallenge(value);
    if (challenge !== undefined && (best === undefined || rank(challenge) > best.rank)) {
      best = { value, rank: rank(challenge) };
    }
  }
  return best?.value ?? headerValues[0];
}

function hasher(algorithm: DigestAlgorithm): (data: string | Buffer) => string {
  const name = HASHES[algorithm.replace(/-sess$/i, "").toLowerCase()] ?? "md5";
  return (data) => createHash(name).update(data).digest("hex");
}

interface ResponseInputs {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  nonce: string;
  cnonce: string;
  nc: string;
  qop: string | undefined;
  method: string;
  uri: string;
  body: Buffer | undefined;
}

/** RFC 7616 3.4.1-3.4.3 (and RFC 2617 3.2.2.1 when there is no qop). */
function computeResponse(r: ResponseInputs): string {
  const H = hasher(r.algorithm);
  let ha1 = H(`${r.username}:${r.realm}:${r.password}`);
  // RFC 7616 3.4.2: for a -sess algorithm, A1 = H(user:realm:pass) ":" nonce ":" cnonce
  if (r.algorithm.endsWith("-sess")) ha1 = H(`${ha1}:${r.nonce}:${r.cnonce}`);
  // RFC 7616 3.4.3: for qop=auth-int, A2 = Method ":" request-uri ":" H(entity-body)
  const a2 = r.qop === "auth-int" ? `${r.method}:${r.uri}:${H(r.body ?? Buffer.alloc(0))}` : `${r.method}:${r.uri}`;
  const ha2 = H(a2);
  if (r.qop === undefined) return H(`${ha1}:${r.nonce}:${ha2}`);
  return H(`${ha1}:${r.nonce}:${r.nc}:${r.cnonce}:${r.qop}:${ha2}`);
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

function chooseQop(challenge: DigestChallenge, forced: "auth" | "auth-int" | undefined): string | undefined {
  if (forced !== undefined) return forced;
  if (challenge.qop.includes("auth")) return "auth";
  if (challenge.qop.includes("auth-int")) return "auth-int";
  return undefined;
}

/** The Authorization / Proxy-Authorization header VALUE answering `challenge`. */
export function buildAuthorization(opts: BuildAuthorizationOptions): string {
  const { challenge } = opts;
  const qop = chooseQop(challenge, opts.qop);
  const cnonce = opts.cnonce ?? randomBytes(8).toString("hex");
  const nc = (opts.nc ?? 1).toString(16).padStart(8, "0");
  const response = computeResponse({
    algorithm: challenge.algorithm,
    username: opts.username,
    realm: challenge.realm,
    password: opts.password,
    nonce: challenge.nonce,
    cnonce,
    nc,
    qop,
    method: opts.method,
    uri: opts.uri,
    body: opts.body,
  });
  const parts = [
    `Digest username=${quote(opts.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(opts.uri)}`,
    `response=${quote(response)}`,
    `algorithm=${challenge.algorithm}`,
  ];
  // RFC 2617 3.2.2: cnonce and nc MUST NOT be sent without qop (a -sess algorithm still needs its cnonce).
  if (qop !== undefined || challenge.algorithm.endsWith("-sess")) parts.push(`cnonce=${quote(cnonce)}`);
  if (qop !== undefined) parts.push(`qop=${qop}`, `nc=${nc}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  return parts.join(", ");
}

/**
 * SIPp's `verifyauth`: recomputes the response from the header's own realm, nonce, uri, nc, cnonce, qop and
 * algorithm with `password`, and compares. False for anything malformed.
 */
export function verifyAuthorization(opts: VerifyAuthorizationOptions): boolean {
  const params = parseDigestParams(opts.authorization);
  if (params === undefined) return false;
  const username = params.get("username");
  const realm = params.get("realm");
  const nonce = params.get("nonce");
  const uri = params.get("uri");
  const response = params.get("response");
  const algorithm = toAlgorithm(params.get("algorithm"));
  if (
    username === undefined ||
    realm === undefined ||
    nonce === undefined ||
    uri === undefined ||
    response === undefined ||
    algorithm === undefined
  ) {
    return false;
  }
  if (opts.username !== undefined && opts.username !== username) return false;
  const qop = params.get("qop")?.toLowerCase();
  if (qop !== undefined && qop !== "auth" && qop !== "auth-int") return false;
  const expected = computeResponse({
    algorithm,
    username,
    realm,
    password: opts.password,
    nonce,
    cnonce: params.get("cnonce") ?? "",
    nc: params.get("nc") ?? "",
    qop,
    method: opts.method,
    uri,
    body: opts.body,
  });
  const got = Buffer.from(response.toLowerCase());
  const want = Buffer.from(expected);
  return got.length === want.length && timingSafeEqual(got, want);
}
