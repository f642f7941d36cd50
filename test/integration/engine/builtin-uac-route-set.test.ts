/**
 * The built-in uac follows the dialog's route set (RFC 3261 12.2.1.1): its 200 recv has rrs="true", and its ACK and
 * BYE go to [next_url] (the 200's Contact) with [routes] (the 200's Record-Route, reversed for a UAC). Both runs in
 * this process over UDP on 127.0.0.1, with the Record-Routing test proxy (test/helpers/sip-test-proxy.ts) between
 * them; and towards a UAS whose 200 has neither Record-Route nor Contact (the calls must work as before).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { IncomingRequestMessage, LoggerFactory, Parser } from "sip.js/lib/core/index.js";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import { writeScenario } from "../../helpers/media-scenarios.js";
import { SipTestProxy } from "../../helpers/sip-test-proxy.js";
import { describeRun, prepareSide, withTempDir } from "./run-pair.js";

/** The test proxy Record-Routes only the first INVITE it sees: one call per run. */
const CALLS = 1;

interface ProxiedRun {
  readonly proxy: SipTestProxy;
  readonly uasPort: number;
}

async function uacThroughProxy(dir: string, uas: Partial<RunConfig>, uacScenario = "uac"): Promise<ProxiedRun> {
  const uasSide = await prepareSide(dir, "uas", { ...uas, maxCalls: CALLS });
  const uasPort = uasSide.environment.values.localPort;
  const proxy = await SipTestProxy.open({ uas: { host: "127.0.0.1", port: uasPort } });
  try {
    const uac = await prepareSide(dir, "uac", {
      scenarioName: uacScenario,
      remoteHost: "127.0.0.1",
      remotePort: proxy.port,
      maxCalls: CALLS,
      defaultPauseMs: 0,
    });
    const [uasResult, uacResult] = await Promise.all([uasSide.run(), uac.run()]);
    assert.equal(uacResult.exitCode, 0, describeRun(uacResult));
    assert.equal(uacResult.snapshot.succeeded.cumulative, CALLS);
    assert.equal(uasResult.exitCode, 0, describeRun(uasResult));
    assert.equal(uasResult.snapshot.succeeded.cumulative, CALLS);
    return { proxy, uasPort };
  } finally {
    await proxy.close();
  }
}

const loggerFactory = new LoggerFactory();
loggerFactory.builtinEnabled = false;
const logger = loggerFactory.getLogger("sip.parser");

const headerLines = (msg: string, name: string): string[] =>
  msg.split("\r\n").filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));

/** The built-in uas with no Contact and no [last_Record-Route:] in any response. */
function uasWithoutContact(dir: string): string {
  const builtin = fileURLToPath(new URL("../../../scenarios/uas.xml", import.meta.url));
  const xml = readFileSync(builtin, "latin1")
    .replace(/^\s*Contact: .*\r?\n/gm, "")
    .replace(/^\s*\[last_Record-Route:\]\r?\n/gm, "");
  assert.doesNotMatch(xml, /Contact:|Record-Route/);
  return writeScenario(dir, "uas-no-contact.xml", xml);
}

describe("built-in uac and the route set", { concurrency: true }, () => {
  for (const [uacScenario, uasScenario] of [
    ["uac", "uas"],
    ["rtp_uac", "rtp_uas"],
  ] as const) {
    it(`${uacScenario} behind a Record-Routing proxy: ACK and BYE carry Route: <proxy;lr>, go through it, R-URI = the ${uasScenario} Contact`, () =>
      withTempDir(async (dir) => {
        const { proxy, uasPort } = await uacThroughProxy(dir, { scenarioName: uasScenario }, uacScenario);
        const route = `Route: <sip:127.0.0.1:${proxy.port};lr>`;
        const target = `sip:127.0.0.1:${uasPort};transport=udp`;
        const oks = proxy.messages("uas", /^SIP\/2\.0 200 /).filter((m) => /^CSeq: 1 INVITE/m.test(m));
        assert.ok(oks.length >= CALLS);
        const recordRoute = `Record-Route: <sip:127.0.0.1:${proxy.port};lr>`;
        for (const ok of oks) assert.deepEqual(headerLines(ok, "Record-Route"), [recordRoute]);
        for (const method of ["ACK", "BYE"]) {
          const requests = proxy.messages("uac", new RegExp(`^${method} `));
          assert.ok(requests.length >= CALLS, `${method}: ${requests.length} through the proxy`);
          for (const request of requests) {
            assert.equal(request.split("\r\n")[0], `${method} ${target} SIP/2.0`);
            assert.deepEqual(headerLines(request, "Route"), [route]);
            // An independent RFC 3261 grammar accepts the request with its Route.
            const parsed = Parser.parseMessage(request, logger);
            assert.ok(parsed instanceof IncomingRequestMessage, `sip.js rejects:\n${request}`);
            assert.equal(parsed.getHeader("route"), `<sip:127.0.0.1:${proxy.port};lr>`);
          }
        }
      }));
  }

  it("towards a UAS whose 200 has no Record-Route and no Contact: no Route line, the R-URI it called (as before)", () =>
    withTempDir(async (dir) => {
      const { proxy } = await uacThroughProxy(dir, { scenarioFile: uasWithoutContact(dir) });
      for (const method of ["ACK", "BYE"]) {
        const requests = proxy.messages("uac", new RegExp(`^${method} `));
        assert.ok(requests.length >= CALLS, `${method}: ${requests.length} through the proxy`);
        for (const request of requests) {
          // [next_url] falls back to [last_Request_URI] of the 200: its To URI, the URI the INVITE called.
          assert.equal(request.split("\r\n")[0], `${method} sip:service@127.0.0.1:${proxy.port} SIP/2.0`);
          assert.deepEqual(headerLines(request, "Route"), []);
        }
      }
    }));
});
