/** `host[:port]` arguments: the positional remote address and `-rsa`. */
import { ConfigError } from "../shared/errors.js";

/** A port 1..65535; the error names the whole argument (`remote address 127.0.0.1:99999: port 99999 ...`). */
function parsePort(what: string, value: string, port: string): number {
  if (!/^\d+$/.test(port)) throw new ConfigError(`${what} ${value}: '${port}' is not a port number (1-65535)`);
  const n = Number(port);
  if (n < 1 || n > 65535) throw new ConfigError(`${what} ${value}: port ${port} is out of range (1-65535)`);
  return n;
}

/**
 * `host[:port]` or `[v6addr][:port]`; bare IPv6 without brackets is taken as a host without port. `what` names the
 * argument in errors: "remote address" for the positional remote_host[:port], "-rsa" for that option.
 */
export function parseHostPort(what: string, value: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
  if (v6) {
    const [, host = "", port] = v6;
    return { host, port: port === undefined ? defaultPort : parsePort(what, value, port) };
  }
  const colon = value.indexOf(":");
  if (colon < 0 || value.includes(":", colon + 1)) {
    if (value === "") throw new ConfigError(`${what}: empty host`);
    return { host: value, port: defaultPort };
  }
  const host = value.slice(0, colon);
  if (host === "") throw new ConfigError(`${what}: empty host in '${value}'`);
  return { host, port: parsePort(what, value, value.slice(colon + 1)) };
}
