/** `sipwright serve [--listen HOST:PORT] [--data DIR] [--token T] [--allow-exec]` (docs/api.md). */
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "../shared/errors.js";

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** Absolute path of the data folder. */
  readonly dataDir: string;
  readonly token: string | undefined;
  readonly allowExec: boolean;
}

export const DEFAULT_LISTEN = { host: "127.0.0.1", port: 7070 };
const USAGE = "(serve [--listen HOST:PORT] [--data DIR] [--token T] [--allow-exec])";

/** `HOST:PORT`, `[v6]:PORT` or `HOST`; port 0 picks a free port. */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*))(?::(\d+))?$/.exec(value);
  const host = m?.[1] ?? m?.[2] ?? "";
  const port = m?.[3] === undefined ? DEFAULT_LISTEN.port : Number(m[3]);
  if (m === null || host === "" || port > 65535) {
    throw new ConfigError(`serve: --listen '${value}' is not HOST:PORT (port 0-65535)`);
  }
  return { host, port };
}

export function parseServeArgs(args: readonly string[], cwd: string): ServeOptions | "help" {
  let listen = DEFAULT_LISTEN;
  let dataDir = resolve(cwd, "recordings");
  let token: string | undefined;
  let allowExec = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "-h" || arg === "--help") return "help";
    if (arg === "--allow-exec") {
      allowExec = true;
      continue;
    }
    if (arg !== "--listen" && arg !== "--data" && arg !== "--token") {
      throw new ConfigError(`serve: unknown option ${arg} ${USAGE}`);
    }
    const value = args[i + 1];
    if (value === undefined) throw new ConfigError(`serve: option ${arg} needs a value`);
    i++;
    if (arg === "--listen") listen = parseListen(value);
    else if (arg === "--data") dataDir = isAbsolute(value) ? value : resolve(cwd, value);
    else if (value === "") throw new ConfigError("serve: --token must not be empty");
    else token = value;
  }
  return { ...listen, dataDir, token, allowExec };
}
