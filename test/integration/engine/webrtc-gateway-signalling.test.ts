/**
 * WebRTC signalling as gateways and browser softphones expect it, two sipwright runs on 127.0.0.1 inside a private
 * network namespace, with a small Record-Routing proxy between them (test/helpers/sip-test-proxy.ts):
 * - the default `auto` mode towards a UAS that never says `Supported: trickle-ice`: the offer and the answer carry
 *   every candidate and `a=end-of-candidates`, no `a=ice-options:trickle`, and no INFO goes out;
 * - `--trickle trickle` when the far end answers INFO 405 (or never answers): the call succeeds, the INFO carried
 *   the route set from the Record-Route (which the built-in webrtc_uas echoed), and the record counts the refusal.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import { defaultRunConfig } from "../../../src/cli/parse-args.js";
import type { CallRecord } from "../../../src/records/call-record.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import { declarePrivateNetworkRun, insidePrivateNetwork } from "../../helpers/netns.js";
import { writeScenario } from "../../helpers/media-scenarios.js";
import { SipTestProxy, type SipTestProxyOptions } from "../../helpers/sip-test-proxy.js";
import { prepareSide, withTempDir } from "./run-pair.js";

interface ProxiedPair {
  readonly trickle: RunConfig["webrtcOptions"]["trickle"];
  readonly info: SipTestProxyOptions["info"];
  /** A UAS scenario file instead of the built-in webrtc_uas. */
  readonly uasScenarioFile?: string;
  readonly t1Ms?: number;
}

interface ProxiedResult {
  readonly exits: number[];
  readonly uac: CallRecord | undefined;
  readonly uas: CallRecord | undefined;
  readonly proxy: SipTestProxy;
}

async function runThroughProxy(dir: string, pair: ProxiedPair): Promise<ProxiedResult> {
  const defaults = defaultRunConfig({ isTTY: false, cwd: process.cwd(), primaryIp: "127.0.0.1" }).webrtcOptions;
  const webrtcOptions = { ...defaults, candidateAddresses: ["127.0.0.1"], trickle: pair.trickle };
  const uas = await prepareSide(dir, "uas", {
    ...(pair.uasScenarioFile === undefined ? { scenarioName: "webrtc_uas" } : { scenarioFile: pair.uasScenarioFile }),
    maxCalls: 1,
    webrtcOptions,
  });
  const proxy = await SipTestProxy.open({
    uas: { host: "127.0.0.1", port: uas.environment.values.localPort },
    ...(pair.info === undefined ? {} : { info: pair.info }),
  });
  try {
    const uac = await prepareSide(dir, "uac", {
      scenarioName: "webrtc_uac",
      remoteHost: "127.0.0.1",
      remotePort: proxy.port,
      maxCalls: 1,
      webrtcOptions,
      ...(pair.t1Ms === undefined ? {} : { t1Ms: pair.t1Ms }),
    });
    const [uasResult, uacResult] = await Promise.all([uas.run(), uac.run()]);
    const [uacRecord] = await readCallRecords(join(dir, "uac", "call_records.jsonl"));
    const [uasRecord] = await readCallRecords(join(dir, "uas", "call_records.jsonl"));
    return { exits: [uacResult.exitCode, uasResult.exitCode], uac: uacRecord, uas: uasRecord, proxy };
  } finally {
    await proxy.close();
  }
}

/** The built-in webrtc_uas without its `Supported: trickle-ice`: a UAS that never announces trickle. */
function uasWithoutTrickle(dir: string): string {
  const builtin = fileURLToPath(new URL("../../../scenarios/webrtc_uas.xml", import.meta.url));
  const xml = readFileSync(builtin, "latin1").replace(/^\s*Supported: trickle-ice\r?\n/m, "");
  assert.doesNotMatch(xml, /trickle-ice/);
  return writeScenario(dir, "uas-no-trickle.xml", xml);
}

if (insidePrivateNetwork()) {
  describe("WebRTC signalling towards gateways (inside a private network namespace)", () => {
    it("auto (default), a UAS without trickle support: every candidate and a=end-of-candidates in the SDPs, no INFO", () =>
      withTempDir(async (dir) => {
        const result = await runThroughProxy(dir, {
          trickle: "auto",
          info: "forward",
          uasScenarioFile: uasWithoutTrickle(dir),
        });
        assert.deepEqual(result.exits, [0, 0]);
        const [invite] = result.proxy.messages("uac", /^INVITE /);
        const [ok] = result.proxy.messages("uas", /^SIP\/2\.0 200 OK/);
        for (const [name, text] of [
          ["offer", invite ?? ""],
          ["answer", ok ?? ""],
        ] as const) {
          assert.match(text, /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/m, `${name}: host candidate`);
          assert.match(text, /^a=end-of-candidates\r$/m, `${name}: end-of-candidates`);
          assert.match(text, /^m=audio [1-9]\d* /m, `${name}: m= names the default candidate`);
          assert.match(text, /^c=IN IP4 127\.0\.0\.1\r$/m, `${name}: c= names the default candidate`);
          assert.doesNotMatch(text, /^a=ice-options:.*trickle/m, `${name}: no trickle announced`);
        }
        assert.equal(result.proxy.seen.filter((m) => m.text.startsWith("INFO ")).length, 0, "no INFO either way");
        assert.equal(result.uac?.result, "success", result.uac?.failure?.reason);
        assert.equal(result.uac.webrtc?.trickle_mode, "auto");
        assert.equal(result.uac.webrtc.ice.connection, "connected");
        assert.equal(result.uac.webrtc.trickle.infos_sent, 0);
      }));

    for (const info of [405, "drop"] as const) {
      it(`--trickle trickle, the far end ${info === 405 ? "answers INFO 405" : "never answers INFO"}: the call succeeds, INFOs follow the Record-Route, the refusal is recorded`, () =>
        withTempDir(async (dir) => {
          const result = await runThroughProxy(dir, { trickle: "trickle", info, t1Ms: 20 });
          assert.deepEqual(result.exits, [0, 0]);
          const uac = result.uac;
          assert.equal(uac?.result, "success", uac?.failure?.reason);
          assert.equal(uac.webrtc?.ice.connection, "connected");
          const [ok] = result.proxy.messages("uas", /^SIP\/2\.0 200 OK/);
          assert.match(ok ?? "", new RegExp(`^Record-Route: <sip:127\\.0\\.0\\.1:${result.proxy.port};lr>\\r$`, "m"));
          const infos = result.proxy.messages("uac", /^INFO /);
          assert.ok(infos.length >= 1, "the UAC sent its INFO");
          for (const text of infos) {
            assert.match(text, new RegExp(`^Route: <sip:127\\.0\\.0\\.1:${result.proxy.port};lr>\\r$`, "m"));
            assert.match(
              text,
              /^INFO sip:127\.0\.0\.1:\d+;transport=udp SIP\/2\.0\r$/m,
              "Request-URI: the UAS Contact",
            );
          }
          // The UAS (RFC 3261 12.1.1: the INVITE's Record-Route in order) trickles along the same route, to our Contact.
          const uasInfos = result.proxy.messages("uas", /^INFO /);
          assert.ok(uasInfos.length >= 1, "the UAS trickled too");
          for (const text of uasInfos) {
            assert.match(text, new RegExp(`^Route: <sip:127\\.0\\.0\\.1:${result.proxy.port};lr>\\r$`, "m"));
            assert.match(text, /^INFO sip:sipwright@127\.0\.0\.1:\d+;transport=udp SIP\/2\.0\r$/m);
          }
          // Retransmissions keep their CSeq; every INFO sent before the first refusal is refused in turn.
          const cseqs = new Set(infos.map((text) => /^CSeq: (\d+) INFO/m.exec(text)?.[1]));
          assert.equal(uac.webrtc.trickle.infos_refused, cseqs.size);
          assert.equal(uac.webrtc.trickle.infos_sent, cseqs.size, "no INFO after the refusal");
          assert.equal(uac.webrtc.trickle.last_refusal, info === 405 ? "405 Method Not Allowed" : "timeout");
        }));
    }
  });
} else {
  declarePrivateNetworkRun("WebRTC signalling towards gateways", import.meta.url, { timeoutMs: 180_000 });
}
