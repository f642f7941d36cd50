import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { decodeFrame } from "../../../../src/media/audio/g711.js";
import { PcapReplay } from "../../../../src/media/pcap/pcap-source.js";
import { readPcapRtp } from "../../../../src/media/pcap/read-pcap.js";
import { encodePcap } from "../../../../src/media/pcap/write-pcap.js";
import { DtmfDetector } from "../../../../src/media/rtp/dtmf.js";
import {
  DST_PORT,
  DTMF_FIXTURE,
  dtmfCapturePackets,
  FIRST_SEQUENCE,
  FIXTURE_DIR,
  SSRC,
  TELEPHONE_EVENT_PT,
  TONE_FIXTURE,
  tonePackets,
} from "./pcap-fixtures.js";

/** Zero crossings per second of 8 kHz PCM: twice the frequency of a pure tone. */
function zeroCrossingHz(pcm: Int16Array): number {
  let crossings = 0;
  for (let i = 1; i < pcm.length; i++) if ((pcm[i - 1] ?? 0) < 0 !== (pcm[i] ?? 0) < 0) crossings++;
  return (crossings / 2) * (8000 / pcm.length);
}

describe("pcap fixtures", () => {
  it("are the bytes our writer produces (regenerate with node --import tsx test/unit/media/pcap/pcap-fixtures.ts)", async () => {
    assert.deepEqual(await readFile(`${FIXTURE_DIR}${TONE_FIXTURE}`), encodePcap(tonePackets()));
    assert.deepEqual(await readFile(`${FIXTURE_DIR}${DTMF_FIXTURE}`), encodePcap(dtmfCapturePackets()));
  });

  it("hold 1 s of 440 Hz PCMA in 50 packets 20 ms apart", async () => {
    const stream = await readPcapRtp(`${FIXTURE_DIR}${TONE_FIXTURE}`);
    assert.equal(stream.packets.length, 50);
    assert.equal(stream.ssrc, SSRC);
    assert.equal(stream.dstPort, DST_PORT);
    assert.equal(stream.durationMs, 980);
    stream.packets.forEach((p, i) => {
      assert.equal(p.offsetMs, 20 * i);
      assert.equal(p.payloadType, 8);
      assert.equal(p.sequenceNumber, FIRST_SEQUENCE + i);
      assert.equal(p.marker, i === 0);
    });
    const pcm = new Int16Array(50 * 160);
    stream.packets.forEach((p, i) => pcm.set(decodeFrame("PCMA", p.payload), i * 160));
    assert.ok(Math.abs(zeroCrossingHz(pcm) - 440) < 440 * 0.02, `${zeroCrossingHz(pcm)} Hz`);
  });

  it("hold digit 5 as telephone events, which a replay delivers in time to the DTMF detector", async () => {
    const stream = await readPcapRtp(`${FIXTURE_DIR}${DTMF_FIXTURE}`);
    assert.equal(stream.packets.length, 27);
    const events = stream.packets.filter((p) => p.payloadType === TELEPHONE_EVENT_PT);
    assert.equal(events.length, 12);
    const [first] = events;
    assert.ok(first);
    assert.equal(first.offsetMs, 200);
    assert.equal(first.marker, true);
    const replay = new PcapReplay(stream);
    const detector = new DtmfDetector();
    const digitAtTick: number[] = [];
    for (let tick = 0; !replay.finished && tick < 100; tick++) {
      for (const p of replay.due(tick * 20)) {
        if (p.payloadType === TELEPHONE_EVENT_PT && detector.onPacket(p) !== undefined) digitAtTick.push(tick);
      }
    }
    assert.equal(replay.finished, true);
    assert.equal(detector.digits, "5");
    assert.deepEqual(digitAtTick, [10]);
  });
});
