/**
 * WebRTC calls between two sipwright runs in one process, SIP over UDP on 127.0.0.1, inside a private network
 * namespace (werift gathers every interface address: there, loopback is the only one):
 * - the built-in webrtc_uac -> webrtc_uas: 20 calls with trickle ICE over SIP INFO, a tone each way, DTMF, checks;
 *   both stereo WAVs hold the right tones, every record validates and shows ICE connected;
 * - `--trickle full`: the same call with every candidate in the SDP and no INFO at all.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import { defaultRunConfig } from "../../../src/cli/parse-args.js";
import type { CallRecord } from "../../../src/records/call-record.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../../helpers/netns.js";
import { analyzeTone, readWavFile } from "../../helpers/wav-audio.js";
import { writeScenario } from "../../helpers/media-scenarios.js";
import { prepareSide, sideConfig, withTempDir } from "./run-pair.js";

interface WebRtcPair {
  readonly calls: number;
  readonly trickle: RunConfig["webrtcOptions"]["trickle"];
  /** Default webrtc_uas; rtp_uas answers with a plain RTP/AVP SDP. */
  readonly uasScenario?: string;
  /** -trace_msg on the UAS: what went over the wire, both ways. */
  readonly traceUas?: boolean;
}

interface WebRtcPairResult {
  readonly uac: CallRecord[];
  readonly uas: CallRecord[];
  readonly exits: number[];
  /** The UAS's -trace_msg file, when asked for. */
  readonly uasMessages: string | undefined;
}

async function runWebRtcPair(dir: string, pair: WebRtcPair): Promise<WebRtcPairResult> {
  const webrtc = (): Partial<RunConfig> => {
    const base = prepareDefaults();
    return { webrtcOptions: { ...base, trickle: pair.trickle } };
  };
  const uasScenario = pair.uasScenario ?? "webrtc_uas";
  const uas = await prepareSide(dir, "uas", {
    scenarioName: uasScenario,
    maxCalls: pair.calls,
    record: "stereo",
    ...(uasScenario.startsWith("webrtc") ? webrtc() : {}),
    ...(pair.traceUas === true ? { trace: { ...sideConfig(dir, {}).trace, msg: true } } : {}),
  });
  const uac = await prepareSide(dir, "uac", {
    scenarioName: "webrtc_uac",
    remoteHost: "127.0.0.1",
    remotePort: uas.environment.values.localPort,
    maxCalls: pair.calls,
    rate: 10,
    record: "stereo",
    ...webrtc(),
  });
  const [uasResult, uacResult] = await Promise.all([uas.run(), uac.run()]);
  const messages = uasResult.tracePaths.messages;
  return {
    uasMessages: messages === undefined ? undefined : await readFile(messages, "utf8"),
    exits: [uacResult.exitCode, uasResult.exitCode],
    uac: await readCallRecords(join(dir, "uac", "call_records.jsonl")),
    uas: await readCallRecords(join(dir, "uas", "call_records.jsonl")),
  };
}

/** The command line's defaults, with host candidates on loopback. */
function prepareDefaults(): RunConfig["webrtcOptions"] {
  const defaults = defaultRunConfig({ isTTY: false, cwd: process.cwd(), primaryIp: "127.0.0.1" }).webrtcOptions;
  return { ...defaults, candidateAddresses: ["127.0.0.1"] };
}

/** A WebRTC-looking offer with Opus only; the UAC expects the 488 (and its Warning) and ACKs it. */
const OPUS_ONLY_UAC = `<?xml version="1.0" encoding="ISO-8859-1"?>
<scenario name="opus only">
  <send retrans="500"><![CDATA[
    INVITE sip:service@[remote_ip]:[remote_port] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:opus@[local_ip]:[local_port]>;tag=[pid]O[call_number]
    To: <sip:service@[remote_ip]:[remote_port]>
    Call-ID: [call_id]
    CSeq: 1 INVITE
    Contact: <sip:opus@[local_ip]:[local_port]>
    Content-Type: application/sdp
    Content-Length: [len]

    v=0
    o=- 1 1 IN IP4 127.0.0.1
    s=-
    c=IN IP4 127.0.0.1
    t=0 0
    m=audio 40000 UDP/TLS/RTP/SAVPF 111
    a=rtpmap:111 opus/48000/2
    a=ice-ufrag:abcd
    a=ice-pwd:abcdefghijklmnopqrstuvwx
    a=fingerprint:sha-256 1F:97:99:EA:41:C1:10:D2:3C:11:CE:6C:3C:1B:A9:75:3A:EC:3B:4C:3B:26:24:A7:EC:8F:C0:00:6F:DF:BC:5C
    a=setup:actpass
    a=mid:0
    a=rtcp-mux
  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="488">
    <action><ereg regexp="304 sipwright" search_in="hdr" header="Warning:" check_it="true" assign_to="w"/></action>
  </recv>
  <send><![CDATA[
    ACK sip:service@[remote_ip]:[remote_port] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-4]
    From: <sip:opus@[local_ip]:[local_port]>;tag=[pid]O[call_number]
    To: <sip:service@[remote_ip]:[remote_port]>[peer_tag_param]
    Call-ID: [call_id]
    CSeq: 1 ACK
    Content-Length: 0
  ]]></send>
</scenario>
`;

function checkCall(record: CallRecord, sentHz: number, receivedHz: number): void {
  const label = `${record.role} call ${record.call_number}`;
  assert.equal(record.result, "success", `${label}: ${record.failure?.reason ?? ""}`);
  const media = record.media;
  const webrtc = record.webrtc;
  assert.ok(media !== null && webrtc !== null, `${label}: media and webrtc blocks`);
  assert.equal(media.kind, "webrtc");
  assert.equal(webrtc.ice.connection, "connected", label);
  assert.ok(webrtc.ice.selected_pair !== null, `${label}: a selected candidate pair`);
  assert.ok(media.audio_checks.length > 0 && media.audio_checks.every((c) => c.passed), label);
  const [wav] = media.recordings;
  assert.ok(wav !== undefined, `${label}: a recording`);
  const [sent, received] = readWavFile(wav).channels;
  assert.ok(sent !== undefined && received !== undefined, `${label}: stereo`);
  assert.ok(analyzeTone(sent, sentHz).toneSeconds >= 1.5, `${label}: ${sentHz} Hz sent`);
  assert.ok(analyzeTone(received, receivedHz).toneSeconds >= 1.5, `${label}: ${receivedHz} Hz received`);
}

if (insidePrivateNetwork()) {
  describe("WebRTC calls between two sipwright runs (inside a private network namespace)", () => {
    it("webrtc_uac -> webrtc_uas: 20 calls with trickle ICE over INFO, tones both ways, DTMF, valid records", () =>
      withTempDir(async (dir) => {
        const result = await runWebRtcPair(dir, { calls: 20, trickle: "trickle" });
        assert.deepEqual(result.exits, [0, 0]);
        assert.equal(result.uac.length, 20);
        assert.equal(result.uas.length, 20);
        for (const record of result.uac) {
          checkCall(record, 440, 880);
          assert.equal(record.webrtc?.role, "offerer");
          assert.equal(record.webrtc.trickle_mode, "trickle");
          assert.ok(record.webrtc.trickle.infos_sent > 0, "candidates went out in INFO");
          assert.ok(record.webrtc.trickle.infos_received > 0, "and came in by INFO");
          assert.equal(record.media?.dtmf_sent, "123#");
        }
        for (const record of result.uas) {
          checkCall(record, 880, 440);
          assert.equal(record.media?.dtmf_received, "123#");
        }
      }));

    it("trickle ICE over SIP INFO on the wire: SDPs without candidates, INFOs with RFC 8840 sdpfrag bodies", () =>
      withTempDir(async (dir) => {
        const result = await runWebRtcPair(dir, { calls: 1, trickle: "trickle", traceUas: true });
        assert.deepEqual(result.exits, [0, 0]);
        const wire = result.uasMessages ?? "";
        const messages = wire.split(/^-{20,}.*$/m);
        const invite = messages.find((m) => /^INVITE /m.test(m)) ?? "";
        const ok = messages.find((m) => /^SIP\/2\.0 200 OK[\s\S]*CSeq: 1 INVITE/m.test(m)) ?? "";
        for (const [name, text] of [
          ["INVITE", invite],
          ["200 OK", ok],
        ] as const) {
          assert.match(text, /^Supported: trickle-ice/m, `${name} says Supported: trickle-ice`);
          assert.match(text, /^a=ice-options:trickle/m, `${name} SDP has a=ice-options:trickle`);
          assert.doesNotMatch(text, /^a=candidate:/m, `${name} SDP carries no candidate: they only come by INFO`);
        }
        const infos = messages.filter((m) => /^INFO sip:/m.test(m));
        assert.ok(infos.length >= 2, "INFOs both ways");
        for (const info of infos) {
          assert.match(info, /^Info-Package: trickle-ice$/m);
          assert.match(info, /^Content-Type: application\/trickle-ice-sdpfrag$/m);
          assert.match(info, /^Content-Disposition: Info-Package$/m);
          assert.match(info, /^a=ice-ufrag:\S+$/m);
          assert.match(info, /^a=ice-pwd:\S+$/m);
          assert.match(info, /^a=mid:\S+$/m);
        }
        assert.ok(
          infos.some((i) => /^a=candidate:.* typ host/m.test(i)),
          "a host candidate in an INFO",
        );
        assert.ok(
          infos.some((i) => /^a=end-of-candidates$/m.test(i)),
          "a final a=end-of-candidates",
        );
        assert.ok(
          messages.some((m) => /^SIP\/2\.0 200 OK[\s\S]*CSeq: \d+ INFO/m.test(m)),
          "INFOs answered 200",
        );
        const [uac] = result.uac;
        assert.equal(uac?.webrtc?.ice.connection, "connected", "connected with candidates that came by INFO only");
        assert.ok(uac.webrtc.trickle.candidates_received > 0);
      }));

    it("a plain RTP/AVP answer to a WebRTC offer fails the call with sdp_incompatible, naming what is missing", () =>
      withTempDir(async (dir) => {
        const result = await runWebRtcPair(dir, { calls: 1, trickle: "trickle", uasScenario: "rtp_uas" });
        const [uac] = result.uac;
        assert.equal(uac?.result, "failure");
        assert.equal(uac.failure?.class, "sdp_incompatible");
        assert.ok(uac.failure.reason.length > 20, uac.failure.reason);
      }));

    it("an offer with only codecs we do not carry (Opus) is refused 488 with a Warning, recorded as sdp_incompatible", () =>
      withTempDir(async (dir) => {
        const uas = await prepareSide(dir, "uas", {
          scenarioName: "webrtc_uas",
          maxCalls: 1,
          webrtcOptions: prepareDefaults(),
        });
        const uac = await prepareSide(dir, "uac", {
          scenarioFile: writeScenario(dir, "opus-uac.xml", OPUS_ONLY_UAC),
          remoteHost: "127.0.0.1",
          remotePort: uas.environment.values.localPort,
          maxCalls: 1,
        });
        const [, uacResult] = await Promise.all([uas.run(), uac.run()]);
        assert.equal(uacResult.exitCode, 0, "the UAC expected the 488 and got it");
        const [record] = await readCallRecords(join(dir, "uas", "call_records.jsonl"));
        assert.equal(record?.failure?.class, "sdp_incompatible");
        assert.match(record.failure.reason, /opus/i);
        assert.equal(record.final_status, 488);
      }));

    it("--trickle half: the offer carries every candidate, the answer trickles its own in INFO", () =>
      withTempDir(async (dir) => {
        const result = await runWebRtcPair(dir, { calls: 1, trickle: "half" });
        assert.deepEqual(result.exits, [0, 0]);
        const [uac] = result.uac;
        const [uas] = result.uas;
        assert.equal(uac?.webrtc?.ice.connection, "connected");
        assert.equal(uas?.webrtc?.ice.connection, "connected");
        assert.equal(uac.webrtc.trickle.infos_sent, 0, "the offerer gathered before offering");
        assert.ok(uas.webrtc.trickle.infos_sent > 0, "the answerer trickled");
      }));

    it("--trickle full: all candidates in the SDP, no INFO, the call connects", () =>
      withTempDir(async (dir) => {
        const result = await runWebRtcPair(dir, { calls: 2, trickle: "full" });
        assert.deepEqual(result.exits, [0, 0]);
        for (const record of [...result.uac, ...result.uas]) {
          assert.equal(record.webrtc?.ice.connection, "connected");
          assert.equal(record.webrtc.trickle.infos_sent, 0);
          assert.equal(record.webrtc.trickle.infos_received, 0);
        }
      }));
  });
} else {
  declarePrivateNetworkRun("WebRTC calls between two sipwright runs", import.meta.url, { timeoutMs: 240_000 });
}
