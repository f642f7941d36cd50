/**
 * The control plane's security decisions (docs/api.md "Security"), as plain functions so that each one is unit
 * tested: whether a token is required, whether a request's token and Origin are acceptable, and where a requested
 * file path leads (never out of the job's folder).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { realpath } from "node:fs/promises";
import { isIP } from "node:net";
import { isAbsolute, relative, resolve, sep } from "node:path";

/** 127.0.0.0/8, ::1 (and its IPv4-mapped form) and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

/** A token is required off loopback, always; on loopback only when one was given. */
export function tokenRequired(listenHost: string, tokenGiven: boolean, treatAsRemote = false): boolean {
  return tokenGiven || treatAsRemote || !isLoopbackHost(listenHost);
}

export function generateToken(): string {
  return randomBytes(24).toString("base64url");
}

/** `Authorization: Bearer T` or `?token=T`, compared in constant time. */
export function tokenMatches(expected: string, authorization: string | undefined, queryToken: string | undefined) {
  const given = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim() ?? queryToken;
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A browser's Origin must be the server's own (`http://<Host>`); a request without Origin (curl, a CI job) is not
 * from a web page and is accepted. `null` (sandboxed frames, file: pages) is refused.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  if (hostHeader === undefined) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === hostHeader.toLowerCase();
  } catch {
    return false;
  }
}

export type ResolvedPath = { ok: true; path: string } | { ok: false; status: 403 | 404; error: string };

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * Resolves `requested` (already percent-decoded once by the router) inside `root`: no `..` segment, no absolute
 * path, no NUL, no backslash, nothing still percent-encoded that decodes to one of those, and the real path (symbolic
 * links followed) still inside the real root.
 */
export async function resolveInside(root: string, requested: string): Promise<ResolvedPath> {
  let decoded = requested;
  try {
    // A second decoding catches `%252e%252e` that the router decoded once into `%2e%2e`.
    decoded = decodeURIComponent(requested);
  } catch {
    return { ok: false, status: 403, error: "bad path encoding" };
  }
  for (const candidate of [requested, decoded]) {
    if (candidate.includes("\0") || candidate.includes("\\") || isAbsolute(candidate)) {
      return { ok: false, status: 403, error: "path outside the job folder" };
    }
    if (candidate.split("/").some((segment) => segment === ".." || segment === ".")) {
      return { ok: false, status: 403, error: "path outside the job folder" };
    }
  }
  const lexical = resolve(root, decoded);
  if (!inside(root, lexical)) return { ok: false, status: 403, error: "path outside the job folder" };
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(lexical), realpath(root)]);
  } catch {
    return { ok: false, status: 404, error: "no such file" };
  }
  if (!inside(realRoot, real)) return { ok: false, status: 403, error: "path outside the job folder" };
  return { ok: true, path: real };
}
