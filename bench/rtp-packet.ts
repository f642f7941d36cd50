/**
 * RTP packet codec per-packet cost (src/media/rtp/rtp-packet.ts): parseRtp of a received G.711 packet and
 * serializeRtp / writeRtp of one, as the receiver and the senders call them, in one process.
 *
 *   node --import tsx bench/rtp-packet.ts [--packets 1000000] [--rounds 5]
 *
 * Prints the median CPU time (user + system, so that a busy machine does not inflate it) per packet of each
 * operation. Figures: docs/performance.md "RTP packet codec".
 */
import { parseRtp, serializeRtp, writeRtp } from "../src/media/rtp/rtp-packet.js";
import { positive } from "./bench-args.js";

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at === -1 ? undefined : process.argv[at + 1];
  return value === undefined ? fallback : positive(name, value);
}

const PACKETS = option("--packets", 1_000_000);
const ROUNDS = option("--rounds", 5);
const payload = Buffer.alloc(160, 0xd5);
const received = serializeRtp({ payloadType: 8, sequenceNumber: 1, timestamp: 160, ssrc: 0x1234abcd }, payload);
const target = Buffer.alloc(1500);
let sink = 0;

const operations: [string, (i: number) => void][] = [
  [
    "parseRtp",
    () => {
      sink += parseRtp(received)?.payload.length ?? 0;
    },
  ],
  [
    "serializeRtp",
    (i) => {
      sink += serializeRtp(
        { payloadType: 8, marker: false, sequenceNumber: i, timestamp: i * 160, ssrc: 7 },
        payload,
      ).length;
    },
  ],
  [
    "writeRtp (reused buffer)",
    (i) => {
      sink += writeRtp(
        target,
        0,
        { payloadType: 8, marker: false, sequenceNumber: i, timestamp: i * 160, ssrc: 7 },
        payload,
      );
    },
  ],
];

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

console.log(`RTP packet codec, 160-octet payload, ${PACKETS} packets x ${ROUNDS} rounds (median CPU time)`);
for (const [name, op] of operations) {
  const times: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const started = process.cpuUsage();
    for (let i = 0; i < PACKETS; i++) op(i);
    const used = process.cpuUsage(started);
    if (round > 0) times.push(((used.user + used.system) * 1000) / PACKETS);
  }
  console.log(`${name.padEnd(26)} ${median(times).toFixed(0)} ns/packet`);
}
if (sink === 0) console.log("(nothing measured)");
