/**
 * A real coturn (`turnserver`, Debian package coturn) for tests: started on 127.0.0.1 at a free port in
 * `use-auth-secret` mode (TURN REST credentials) with loopback peers allowed, stopped by pid by the caller.
 */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "./free-port.js";
import { describeProcess, startProcess, type StartedProcess } from "./processes.js";

export const SECRET = "sipwright-interop-secret";
export const REALM = "sipwright.test";

export async function turnserverSkipReason(): Promise<string | false> {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    try {
      await access(join(dir, "turnserver"), constants.X_OK);
      return false;
    } catch {
      // Not in this PATH entry: look in the next one.
    }
  }
  return "turnserver (Debian package coturn) is not installed; .ci/run installs it";
}

export interface Coturn {
  readonly proc: StartedProcess;
  readonly port: number;
  readonly relay: { readonly min: number; readonly max: number };
}

export async function startCoturn(dir: string): Promise<Coturn> {
  const port = await freeUdpPort();
  // A relay port slice of its own, above the 20000-49999 range the RTP tests draw from.
  const min = 50_000 + Math.floor(Math.random() * 9_900);
  const relay = { min, max: min + 99 };
  const proc = await startProcess("turnserver", [
    "-c",
    "/dev/null",
    "-n",
    `--listening-ip=${LOOPBACK}`,
    `--relay-ip=${LOOPBACK}`,
    `--listening-port=${port}`,
    `--min-port=${relay.min}`,
    `--max-port=${relay.max}`,
    "--use-auth-secret",
    `--static-auth-secret=${SECRET}`,
    `--realm=${REALM}`,
    "--allow-loopback-peers",
    "--no-cli",
    "--no-tls",
    "--no-dtls",
    "--no-tcp",
    "--no-rfc5780",
    "--log-file=stdout",
    `--pidfile=${join(dir, "turnserver.pid")}`,
    `--db=${join(dir, "turndb")}`,
  ]);
  try {
    await waitUntilBound(port, "udp", 10_000, () => !proc.isAlive());
  } catch (error) {
    throw new Error(`coturn did not start: ${String(error)}\n${describeProcess(proc)}`);
  }
  return { proc, port, relay };
}
