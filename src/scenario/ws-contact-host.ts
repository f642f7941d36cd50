/**
 * `[ws_contact_host]`: the made-up host a browser SIP client puts in its Via sent-by and Contact when it speaks
 * over WebSocket (RFC 7118 5.2: the Via sent-by "could be a random domain"; SIP.js uses 12 random characters and
 * ".invalid", RFC 6761 6.4). Nobody can connect back to it, so requests to such a client must come over the
 * client's own connection. One name per run, taken from the process id and the run's start time.
 */
import type { RunValues } from "./runtime.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export function wsContactHost(run: Pick<RunValues, "pid" | "startWallMs">): string {
  // FNV-1a over "pid:start", then 12 base-36 characters from a xorshift stream seeded by it.
  let h = 0x811c9dc5;
  for (const c of `${run.pid}:${run.startWallMs}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  let name = "";
  for (let i = 0; i < 12; i++) {
    h ^= h << 13;
    h ^= h >>> 17;
    h ^= h << 5;
    h >>>= 0;
    name += ALPHABET[h % ALPHABET.length] ?? "x";
  }
  return `${name}.invalid`;
}
