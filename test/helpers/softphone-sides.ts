/**
 * The sipwright side of the browser-softphone tests (test/interop/softphone-*.test.ts): an in-process run with a
 * WebRTC bridge in the default ICE mode (auto: a sip.js page shows no trickle support, so every candidate goes in
 * the SDP and no INFO is sent — sip.js would answer it 469), and the checks on what it recorded.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultRunConfig } from "../../src/cli/parse-args.js";
import type { PreparedRun } from "../../src/engine/run/execute-run.js";
import type { RunConfig } from "../../src/engine/run/run-config.js";
import type { CallRecord } from "../../src/records/call-record.js";
import { readCallRecords } from "./call-record-schema.js";
import { analyzeTone, readWavFile } from "./wav-audio.js";
import { prepareSide } from "../integration/engine/run-pair.js";

/** A scenario of test/fixtures/scenarios/softphone/. */
export function softphoneScenario(name: string): string {
  return fileURLToPath(new URL(`../fixtures/scenarios/softphone/${name}`, import.meta.url));
}

/** Prepares one sipwright side in `dir/name`: one call, mono and stereo recordings, every candidate in the SDP. */
export function prepareWebRtcSide(dir: string, name: string, overrides: Partial<RunConfig>): Promise<PreparedRun> {
  const defaults = defaultRunConfig({ isTTY: false, cwd: process.cwd(), primaryIp: "127.0.0.1" }).webrtcOptions;
  return prepareSide(dir, name, {
    maxCalls: 1,
    record: "both",
    webrtcOptions: {
      ...defaults,
      candidateAddresses: ["127.0.0.1"],
      gatherTimeoutMs: 2000,
      iceTimeoutMs: 8000,
      dtlsTimeoutMs: 8000,
    },
    ...overrides,
  });
}

/** The one call record of side `name` in `dir`. */
export async function onlyRecord(dir: string, name: string): Promise<CallRecord> {
  const records = await readCallRecords(join(dir, name, "call_records.jsonl"));
  assert.equal(records.length, 1, `${name}: one call record`);
  const [record] = records;
  assert.ok(record !== undefined);
  return record;
}

/**
 * The call succeeded, its WebRTC bridge connected (ICE and DTLS), and `receivedHz` is in its received-direction
 * recording (`<base>-received.wav`) for at least 1 s.
 */
export function assertHeard(record: CallRecord, receivedHz: number): void {
  const label = `${record.role} call`;
  assert.equal(record.result, "success", `${label}: ${record.failure?.class ?? ""} ${record.failure?.reason ?? ""}`);
  // The states at the end of the call may already be "closed" (the browser closes first); the timings stay.
  const webrtc = record.webrtc;
  assert.ok(webrtc !== null, `${label}: a webrtc block`);
  assert.ok(webrtc.timings_ms.ice_connected !== null, `${label}: ICE connected`);
  assert.ok(webrtc.timings_ms.dtls_connected !== null, `${label}: DTLS connected`);
  // Auto mode: every candidate in the SDP and no INFO — sip.js shows no trickle support (it would answer 469), and
  // between two sipwright sides on loopback every host candidate is already in the SDP.
  assert.equal(webrtc.trickle_mode, "auto", label);
  assert.equal(webrtc.trickle.infos_sent, 0, `${label}: no trickle INFO sent`);
  assert.ok(webrtc.ice.local_candidates >= 1, `${label}: our candidates in the SDP`);
  const recordings = record.media?.recordings ?? [];
  const wav = recordings.find((path) => path.endsWith("-received.wav"));
  assert.ok(wav !== undefined, `${label}: a received-direction recording among ${recordings.join(", ")}`);
  const [received] = readWavFile(wav).channels;
  assert.ok(received !== undefined, `${label}: a mono recording`);
  const tone = analyzeTone(received, receivedHz);
  assert.ok(
    tone.toneSeconds >= 1,
    `${label}: ${receivedHz} Hz for ${tone.toneSeconds} s of ${wav} (${JSON.stringify(tone)}; media ${JSON.stringify(record.media)})`,
  );
  assert.ok(Math.abs(tone.medianHz - receivedHz) <= receivedHz * 0.02, `${label}: median ${tone.medianHz} Hz`);
}
