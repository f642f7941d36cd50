/**
 * Free ports on 127.0.0.1 for programs that cannot bind port 0 themselves (sipp cannot; sipwright can: `-p 0`).
 *
 * Race: the port is free when we close our socket, but another process may take it before the program under test
 * binds it. Prefer port 0 wherever the program supports it; for sipp, a bind failure shows up as exit code 255
 * with "bind" in stderr, which the caller reports.
 */
import { createSocket } from "node:dgram";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";

export const LOOPBACK = "127.0.0.1";

/** Binds a UDP socket to 127.0.0.1:0, reads the port the kernel chose, closes it. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, LOOPBACK, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    return socket.address().port;
  } finally {
    await new Promise<void>((resolve) => {
      socket.close(() => {
        resolve();
      });
    });
  }
}

/** Listens on 127.0.0.1:0 (TCP), reads the port the kernel chose, closes the listener. */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  await new Promise<void>((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
  if (address === null || typeof address === "string") throw new Error("TCP listener has no port");
  return address.port;
}

/** Parses /proc/net/{udp,tcp}: is 127.0.0.1:port (or 0.0.0.0:port) bound — for TCP, in LISTEN state (0A)? */
export function procNetHasPort(table: string, port: number, protocol: "udp" | "tcp"): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const wanted = new Set([`0100007F:${hexPort}`, `00000000:${hexPort}`]);
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (local === undefined || !wanted.has(local)) continue;
    if (protocol === "udp" || fields[3] === "0A") return true;
  }
  return false;
}

/**
 * Waits until some process has bound `port` on 127.0.0.1 (Linux /proc/net), polling every 10 ms, or rejects after
 * `timeoutMs`. Used to start a UAC only once its sipp UAS is listening, so no INVITE is lost to a late start.
 */
export async function waitUntilBound(
  port: number,
  protocol: "udp" | "tcp",
  timeoutMs: number,
  isAborted: () => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = await readFile(`/proc/net/${protocol}`, "latin1");
    if (procNetHasPort(table, port, protocol)) return;
    if (isAborted()) throw new Error(`stopped waiting for ${protocol} port ${port}: the listener exited`);
    if (Date.now() >= deadline) throw new Error(`nothing bound ${protocol} port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
