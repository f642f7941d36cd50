/**
 * WebRTC calls relayed by a real coturn with TURN REST credentials, inside a private network namespace (coturn is
 * started there, on 127.0.0.1, and stopped by pid): webrtc_uac -> webrtc_uas, both with `--ice-policy relay` and
 * `--turn-secret`:
 * - the selected pair is a relay pair and the audio is in the WAVs;
 * - with a 3 s credential TTL the call outlives its credential: its audio goes on and the refresh is counted;
 * - a wrong secret gathers no relay candidate: the call fails with ice_failed within the ICE timeout, saying why.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultRunConfig } from "../../src/cli/parse-args.js";
import type { RunConfig } from "../../src/engine/run/run-config.js";
import type { CallRecord } from "../../src/records/call-record.js";
import { readCallRecords } from "../helpers/call-record-schema.js";
import { SECRET, startCoturn, turnserverSkipReason, type Coturn } from "../helpers/coturn.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../helpers/netns.js";
import { stopStartedProcesses, waitExit } from "../helpers/processes.js";
import { analyzeTone, readWavFile } from "../helpers/wav-audio.js";
import { prepareSide, withTempDir } from "../integration/engine/run-pair.js";

after(stopStartedProcesses);

interface Side {
  readonly secret: string;
  readonly ttlS: number;
}

async function relayedCall(
  dir: string,
  coturn: Coturn,
  sides: { uac: Side; uas: Side },
): Promise<{ uac: CallRecord; uas: CallRecord }> {
  const webrtc = (side: Side): Partial<RunConfig> => {
    const defaults = defaultRunConfig({ isTTY: false, cwd: process.cwd(), primaryIp: "127.0.0.1" }).webrtcOptions;
    return {
      webrtcOptions: {
        ...defaults,
        iceServers: [`turn:127.0.0.1:${coturn.port}?transport=udp`],
        icePolicy: "relay",
        turnSecret: side.secret,
        turnTtlS: side.ttlS,
        candidateAddresses: ["127.0.0.1"],
        gatherTimeoutMs: 2000,
        iceTimeoutMs: 4000,
      },
    };
  };
  const uas = await prepareSide(dir, "uas", {
    scenarioName: "webrtc_uas",
    maxCalls: 1,
    record: "stereo",
    ...webrtc(sides.uas),
  });
  const uac = await prepareSide(dir, "uac", {
    scenarioName: "webrtc_uac",
    remoteHost: "127.0.0.1",
    remotePort: uas.environment.values.localPort,
    maxCalls: 1,
    record: "stereo",
    ...webrtc(sides.uac),
  });
  await Promise.all([uas.run(), uac.run()]);
  const [uacRecord] = await readCallRecords(join(dir, "uac", "call_records.jsonl"));
  const [uasRecord] = await readCallRecords(join(dir, "uas", "call_records.jsonl"));
  assert.ok(uacRecord !== undefined && uasRecord !== undefined, "a record on each side");
  return { uac: uacRecord, uas: uasRecord };
}

function assertRelayedAudio(record: CallRecord, receivedHz: number): void {
  const label = `${record.role} call`;
  assert.equal(record.result, "success", `${label}: ${record.failure?.reason ?? ""}`);
  assert.equal(record.webrtc?.ice.connection, "connected", label);
  assert.equal(record.webrtc.turn.auth, "rest");
  const pair = record.webrtc.ice.selected_pair;
  assert.ok(pair !== null, `${label}: a selected pair`);
  assert.equal(pair.local.type, "relay", `${label}: relay only`);
  const [wav] = record.media?.recordings ?? [];
  assert.ok(wav !== undefined, `${label}: a recording`);
  const [, received] = readWavFile(wav).channels;
  assert.ok(received !== undefined);
  assert.ok(analyzeTone(received, receivedHz).toneSeconds >= 1.5, `${label}: ${receivedHz} Hz came through the relay`);
}

if (insidePrivateNetwork()) {
  describe("WebRTC calls relayed by coturn with TURN REST credentials", { skip: await turnserverSkipReason() }, () => {
    let dir = "";
    let coturn: Coturn | undefined;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "sipwright-webrtc-turn-"));
      coturn = await startCoturn(dir);
    });
    after(async () => {
      if (coturn !== undefined) {
        coturn.proc.kill("SIGTERM");
        await waitExit(coturn.proc, 10_000);
      }
      if (dir !== "") await rm(dir, { recursive: true, force: true });
    });

    it("relay policy: the selected pair is relay and the tones are in both WAVs", () =>
      withTempDir(async (caseDir) => {
        assert.ok(coturn);
        const side = { secret: SECRET, ttlS: 3600 };
        const { uac, uas } = await relayedCall(caseDir, coturn, { uac: side, uas: side });
        assertRelayedAudio(uac, 880);
        assertRelayedAudio(uas, 440);
      }));

    it("a call longer than its credential's TTL keeps its audio and counts the refresh", () =>
      withTempDir(async (caseDir) => {
        assert.ok(coturn);
        // TTL 3 s: re-issued after 1.5 s (half the TTL); the call lasts about 4 s.
        const side = { secret: SECRET, ttlS: 3 };
        const { uac, uas } = await relayedCall(caseDir, coturn, { uac: side, uas: side });
        assertRelayedAudio(uac, 880);
        assertRelayedAudio(uas, 440);
        assert.ok(uac.duration_ms > 3000, `the call (${uac.duration_ms} ms) outlived the 3 s credential`);
        assert.ok((uac.webrtc?.turn.refreshes ?? 0) >= 1, "the credential was refreshed");
        assert.ok(uac.webrtc?.turn.credential_expires_at !== null);
      }));

    it("a wrong TURN secret fails the call with ice_failed within the ICE timeout, saying why", () =>
      withTempDir(async (caseDir) => {
        assert.ok(coturn);
        const { uac } = await relayedCall(caseDir, coturn, {
          uac: { secret: "not-the-secret", ttlS: 3600 },
          uas: { secret: SECRET, ttlS: 3600 },
        });
        assert.equal(uac.result, "failure");
        assert.equal(uac.failure?.class, "ice_failed");
        assert.match(uac.failure.reason, /gather|candidate|ice/i);
        assert.ok(uac.duration_ms < 15_000, `failed in ${uac.duration_ms} ms`);
      }));
  });
} else {
  const turnserver = await turnserverSkipReason();
  declarePrivateNetworkRun("WebRTC calls relayed by coturn with TURN REST credentials", import.meta.url, {
    timeoutMs: 180_000,
    unavailable: turnserver === false ? undefined : turnserver,
  });
}
