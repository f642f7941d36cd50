/**
 * For tests that flood a sipwright UDP socket with crafted datagrams and must know each one arrived: a seeded
 * PRNG (so a failing datagram can be reproduced), and the kernel's view of the socket (receive queue and drops)
 * to send in batches without overflowing its buffer.
 */
import { readFile } from "node:fs/promises";

/** A small deterministic PRNG (xorshift32). */
export function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

export interface UdpSocketState {
  rxQueue: number;
  drops: number;
}

/** The receive queue and drop counter of the UDP socket bound to 127.0.0.1:port (Linux /proc/net/udp). */
export async function udpSocketState(port: number): Promise<UdpSocketState | undefined> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const table = await readFile("/proc/net/udp", "latin1");
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] !== `0100007F:${hexPort}`) continue;
    const rxQueue = Number.parseInt(fields[4]?.split(":")[1] ?? "", 16);
    return { rxQueue, drops: Number(fields[12]) };
  }
  return undefined;
}

/** Waits (polling every 5 ms, bounded) until the process has read everything queued on its UDP socket. */
export async function waitUntilDrained(port: number, timeoutMs: number): Promise<UdpSocketState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await udpSocketState(port);
    if (state === undefined) throw new Error(`no UDP socket bound on 127.0.0.1:${port}`);
    if (state.rxQueue === 0) return state;
    if (Date.now() >= deadline) throw new Error(`UDP port ${port} still has ${state.rxQueue} bytes queued`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
