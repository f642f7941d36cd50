/**
 * `--ice-server URL` values -> typed ICE servers. The grammar is RFC 7064 (`stun:`) and RFC 7065 (`turn:`, `turns:`)
 * plus one extension: inline TURN credentials `turn:user:pass@host[:port]`. Anything else is a ConfigError that names
 * the URL and what is wrong — werift itself silently drops a URL it cannot parse, and then queries its own default
 * STUN server, so nothing vague may reach it.
 *
 * Inline credentials: the user part ends at the LAST `@`, and user and password are split at the LAST `:`, so a
 * REST username (`<expiry>:<user>`) can be pasted as is; percent-encode (`%3A`, `%40`) a `:` in the password or an
 * `@` anywhere. Both parts are percent-decoded.
 */
import { isIPv4, isIPv6 } from "node:net";
import { ConfigError } from "../../shared/errors.js";
import type { IceServer } from "./webrtc-types.js";

export const ICE_SCHEMES = ["stun", "turn", "turns"] as const;
export type IceScheme = (typeof ICE_SCHEMES)[number];

/** RFC 7064 3.1 / RFC 7065 3: the default port is 3478 for stun/turn and 5349 for the TLS scheme. */
export const DEFAULT_STUN_PORT = 3478;
export const DEFAULT_TURNS_PORT = 5349;

export interface ParsedIceServer {
  readonly scheme: IceScheme;
  /** Host name or address, without brackets for IPv6. */
  readonly host: string;
  readonly port: number;
  /** RFC 7065 3: `?transport=`; absent when the URL does not say (werift then uses udp for turn:, tls for turns:). */
  readonly transport: "udp" | "tcp" | undefined;
  /** The URL as werift takes it: no credentials, the port always written. */
  readonly url: string;
  /** Credentials written in the URL itself (`turn:user:pass@host`); TURN only. */
  readonly inline: { readonly username: string; readonly credential: string } | undefined;
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

function fail(url: string, what: string): never {
  throw new ConfigError(`--ice-server ${url}: ${what}`);
}

function decode(url: string, part: string, name: string): string {
  try {
    return decodeURIComponent(part);
  } catch (error) {
    // Not swallowed: a bad %-escape becomes the ConfigError naming the URL.
    fail(url, `the ${name} has a bad percent-encoding (${error instanceof Error ? error.message : String(error)})`);
  }
}

function parseScheme(url: string): { scheme: IceScheme; rest: string } {
  const colon = url.indexOf(":");
  const name = colon < 0 ? "" : url.slice(0, colon).toLowerCase();
  const scheme = ICE_SCHEMES.find((s) => s === name);
  if (scheme === undefined) {
    const given = colon < 0 ? "no scheme" : `unknown scheme '${url.slice(0, colon)}:'`;
    fail(url, `${given}; use stun:host[:port], turn:host[:port][?transport=udp|tcp] or turns:host[:port]`);
  }
  const rest = url.slice(colon + 1);
  // RFC 7064/7065: the host follows the scheme directly (`stun:host`, not `stun://host`).
  if (rest.startsWith("//")) fail(url, `write ${scheme}:host, without '//' (RFC 7064/7065 URIs have no authority)`);
  return { scheme, rest };
}

function parseQuery(url: string, scheme: IceScheme, query: string | undefined): "udp" | "tcp" | undefined {
  if (query === undefined) return undefined;
  if (scheme === "stun") fail(url, "?transport= is only for turn: and turns: URLs (RFC 7064 stun URIs have no query)");
  const m = /^transport=(.*)$/i.exec(query);
  if (!m) fail(url, `unknown query '?${query}' (only ?transport=udp or ?transport=tcp)`);
  const transport = (m[1] ?? "").toLowerCase();
  if (transport !== "udp" && transport !== "tcp") fail(url, `transport '${m[1] ?? ""}' is not udp or tcp`);
  // RFC 7065 3: turns with transport=udp would be TURN over DTLS, which we do not carry.
  if (scheme === "turns" && transport === "udp") fail(url, "turns: runs over TLS: only ?transport=tcp is allowed");
  return transport;
}

function parseUserInfo(url: string, scheme: IceScheme, userInfo: string): ParsedIceServer["inline"] {
  // Inline credentials are our extension for TURN; RFC 7064 STUN has no authentication in the URI.
  if (scheme === "stun") fail(url, "STUN URLs never get credentials (remove 'user:pass@')");
  const colon = userInfo.lastIndexOf(":");
  if (colon < 0) fail(url, "inline credentials need user:password before '@'");
  const username = decode(url, userInfo.slice(0, colon), "user name");
  const credential = decode(url, userInfo.slice(colon + 1), "password");
  if (username === "") fail(url, "the inline user name is empty");
  if (credential === "") fail(url, "the inline password is empty");
  return { username, credential };
}

function parseHostPort(url: string, scheme: IceScheme, hostPort: string): { host: string; port: number; v6: boolean } {
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close < 0) fail(url, "'[' without ']' around the IPv6 address");
    host = hostPort.slice(1, close);
    const after = hostPort.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) fail(url, `unexpected '${after}' after the IPv6 address`);
    portText = after === "" ? undefined : after.slice(1);
    if (!isIPv6(host)) fail(url, `'${host}' is not an IPv6 address`);
  } else {
    const parts = hostPort.split(":");
    if (parts.length > 2) fail(url, "an IPv6 address must be written in brackets: [::1]:3478");
    host = parts[0] ?? "";
    portText = parts[1];
    if (host === "") fail(url, "no host");
    if (!isIPv4(host) && !HOST_NAME.test(host)) fail(url, `'${host}' is not a host name or IPv4 address`);
  }
  const defaultPort = scheme === "turns" ? DEFAULT_TURNS_PORT : DEFAULT_STUN_PORT;
  if (portText === undefined) return { host, port: defaultPort, v6: hostPort.startsWith("[") };
  if (!/^\d{1,5}$/.test(portText)) fail(url, `bad port '${portText}' (a number 1..65535)`);
  const port = Number(portText);
  if (port < 1 || port > 65535) fail(url, `bad port ${portText} (a number 1..65535)`);
  return { host, port, v6: hostPort.startsWith("[") };
}

/** Parses one `--ice-server` value; throws a ConfigError naming the URL and the problem. */
export function parseIceServerUrl(text: string): ParsedIceServer {
  const url = text.trim();
  if (url === "") fail("''", "empty URL");
  const { scheme, rest } = parseScheme(url);
  const question = rest.indexOf("?");
  const beforeQuery = question < 0 ? rest : rest.slice(0, question);
  const query = question < 0 ? undefined : rest.slice(question + 1);
  const at = beforeQuery.lastIndexOf("@");
  const inline = at < 0 ? undefined : parseUserInfo(url, scheme, beforeQuery.slice(0, at));
  const { host, port, v6 } = parseHostPort(url, scheme, beforeQuery.slice(at + 1));
  const transport = parseQuery(url, scheme, query);
  const hostText = v6 ? `[${host}]` : host;
  const canonical = `${scheme}:${hostText}:${port}${transport === undefined ? "" : `?transport=${transport}`}`;
  return { scheme, host, port, transport, url: canonical, inline };
}

/** Parses every `--ice-server` value, in order. */
export function parseIceServers(urls: readonly string[]): ParsedIceServer[] {
  return urls.map(parseIceServerUrl);
}

export function isTurn(server: ParsedIceServer): boolean {
  return server.scheme === "turn" || server.scheme === "turns";
}

/**
 * The bridge's view: each server's URL without credentials, inline TURN credentials attached. TURN servers without
 * inline credentials get theirs from the run's TurnCredentialSource (turn-credentials.ts) when the bridge connects.
 */
export function toIceServers(servers: readonly ParsedIceServer[]): IceServer[] {
  return servers.map((s) =>
    s.inline === undefined
      ? { url: s.url }
      : { url: s.url, username: s.inline.username, credential: s.inline.credential },
  );
}
