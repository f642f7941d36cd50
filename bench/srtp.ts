/**
 * SRTP per-packet cost: werift's own ciphers (its CommonJS build, untouched) against the same werift with
 * src/media/webrtc/srtp-cipher-reuse.ts installed (its ES module build, the one sipwright runs), in one process,
 * rounds interleaved. One "packet" is protect (SrtpSession.encrypt) + unprotect (SrtpSession.decrypt) of a G.711
 * 20 ms frame (12-octet header, 160-octet payload), both profiles werift offers.
 *
 *   node --import tsx bench/srtp.ts [--packets 50000] [--rounds 5] [--payload 160]
 *
 * Prints the median CPU µs per packet of each, and the ratio. Figures: docs/performance.md "SRTP".
 */
import { createRequire } from "node:module";
import { RtpHeader, SrtpSession } from "werift";
import "../src/media/webrtc/srtp-cipher-reuse.js";
import { positive } from "./bench-args.js";

const werift = createRequire(import.meta.url)("werift") as { SrtpSession: typeof SrtpSession };

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at === -1 ? undefined : process.argv[at + 1];
  return value === undefined ? fallback : positive(name, value);
}

const PACKETS = option("--packets", 50_000);
const ROUNDS = option("--rounds", 5);
const PAYLOAD = option("--payload", 160);

type Session = Pick<SrtpSession, "encrypt" | "decrypt">;
type Make = (config: ConstructorParameters<typeof SrtpSession>[0]) => Session;

function pair(make: Make, profile: 1 | 7): { sender: Session; receiver: Session } {
  const key = (n: number, fill: number) => Buffer.alloc(n, fill);
  const salt = profile === 7 ? 12 : 14;
  const a = {
    localMasterKey: key(16, 1),
    localMasterSalt: key(salt, 2),
    remoteMasterKey: key(16, 3),
    remoteMasterSalt: key(salt, 4),
  };
  const b = {
    localMasterKey: a.remoteMasterKey,
    localMasterSalt: a.remoteMasterSalt,
    remoteMasterKey: a.localMasterKey,
    remoteMasterSalt: a.localMasterSalt,
  };
  return { sender: make({ keys: a, profile }), receiver: make({ keys: b, profile }) };
}

/** CPU µs (user + system: a busy machine does not inflate it) per protect + unprotect over PACKETS packets. */
function run(make: Make, profile: 1 | 7): number {
  const { sender, receiver } = pair(make, profile);
  const payload = Buffer.alloc(PAYLOAD, 0xd5);
  const started = process.cpuUsage();
  for (let i = 0; i < PACKETS; i++) {
    const header = new RtpHeader({ sequenceNumber: i & 0xffff, timestamp: i * 160, ssrc: 0x1234abcd, payloadType: 8 });
    receiver.decrypt(sender.encrypt(payload, header));
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / PACKETS;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const makers: [string, Make][] = [
  ["werift", (config) => new werift.SrtpSession(config)],
  ["sipwright", (config) => new SrtpSession(config)],
];

console.log(
  `SRTP protect+unprotect, ${PAYLOAD}-octet payload, ${PACKETS} packets x ${ROUNDS} rounds (median CPU time)`,
);
for (const [name, profile] of [
  ["AEAD_AES_128_GCM", 7],
  ["AES_CM_128_HMAC_SHA1_80", 1],
] as const) {
  const times = new Map<string, number[]>(makers.map(([label]) => [label, []]));
  for (const [, make] of makers) run(make, profile); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, make] of makers) times.get(label)?.push(run(make, profile));
  }
  const before = median(times.get("werift") ?? []);
  const after = median(times.get("sipwright") ?? []);
  console.log(
    `${name.padEnd(24)} werift ${before.toFixed(2)} us/packet   adapter ${after.toFixed(2)} us/packet   ` +
      `ratio ${(after / before).toFixed(2)}`,
  );
}
