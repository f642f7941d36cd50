/**
 * The committed pcap fixtures (test/fixtures/pcap/), built with our own writer — never SIPp's files. The tests
 * check the committed bytes equal what these functions produce; to regenerate after a deliberate change:
 *   node --import tsx test/unit/media/pcap/pcap-fixtures.ts
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { encodeFrame } from "../../../../src/media/audio/g711.js";
import { ToneSource } from "../../../../src/media/audio/tone-source.js";
import { dtmfPackets } from "../../../../src/media/rtp/dtmf.js";
import { serializeRtp } from "../../../../src/media/rtp/rtp-packet.js";
import { writePcap } from "../../../../src/media/pcap/write-pcap.js";
import type { PcapWritePacket } from "../../../../src/media/pcap/write-pcap.js";

export const FIXTURE_DIR = fileURLToPath(new URL("../../../fixtures/pcap/", import.meta.url));
export const TONE_FIXTURE = "pcma-440hz-1s.pcap";
export const DTMF_FIXTURE = "pcma-dtmf-5.pcap";

export const SRC_PORT = 16000;
export const DST_PORT = 6000;
export const SSRC = 0x5157a1e5;
export const FIRST_SEQUENCE = 1000;
export const FIRST_TIMESTAMP = 8000;
export const TELEPHONE_EVENT_PT = 101;

/** 1 s of a 440 Hz tone at -12 dBFS, PCMA, 50 packets of 20 ms; marker on the first (RFC 3551 4.1: talkspurt). */
export function tonePackets(): PcapWritePacket[] {
  const tone = new ToneSource({ frequencyHz: 440, levelDbfs: -12 });
  const packets: PcapWritePacket[] = [];
  for (let i = 0; i < 50; i++) {
    const pcm = tone.nextFrame();
    const rtp = serializeRtp(
      {
        marker: i === 0,
        payloadType: 8,
        sequenceNumber: FIRST_SEQUENCE + i,
        timestamp: FIRST_TIMESTAMP + 160 * i,
        ssrc: SSRC,
      },
      encodeFrame("PCMA", pcm),
    );
    packets.push({ atMs: 20 * i, srcPort: SRC_PORT, dstPort: DST_PORT, rtp });
  }
  return packets;
}

/**
 * 200 ms of tone, then digit 5 as RFC 4733 events (PT 101, 200 ms: 9 updates and 3 end packets, sent instead of
 * audio), then 100 ms of tone again: 10 + 12 + 5 packets, one sequence.
 */
export function dtmfCapturePackets(): PcapWritePacket[] {
  const tone = new ToneSource({ frequencyHz: 440, levelDbfs: -12 });
  const packets: PcapWritePacket[] = [];
  let sequenceNumber = FIRST_SEQUENCE;
  const push = (atMs: number, fields: { marker: boolean; payloadType: number; timestamp: number }, payload: Buffer) =>
    packets.push({
      atMs,
      srcPort: SRC_PORT,
      dstPort: DST_PORT,
      rtp: serializeRtp({ ...fields, sequenceNumber: sequenceNumber++, ssrc: SSRC }, payload),
    });
  const audio = (slot: number) =>
    push(
      20 * slot,
      { marker: slot === 0, payloadType: 8, timestamp: FIRST_TIMESTAMP + 160 * slot },
      encodeFrame("PCMA", tone.nextFrame()),
    );
  for (let slot = 0; slot < 10; slot++) audio(slot);
  const digit = dtmfPackets("5", {
    payloadType: TELEPHONE_EVENT_PT,
    durationMs: 200,
    startTimestamp: FIRST_TIMESTAMP + 160 * 10,
  });
  for (const p of digit) push(200 + p.offsetMs, p, p.payload);
  for (let slot = 22; slot < 27; slot++) audio(slot);
  return packets;
}

export async function writeFixtures(): Promise<void> {
  await writePcap(`${FIXTURE_DIR}${TONE_FIXTURE}`, tonePackets());
  await writePcap(`${FIXTURE_DIR}${DTMF_FIXTURE}`, dtmfCapturePackets());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFixtures();
}
