/**
 * An independent SIP grammar checks what sipwright puts on the wire: every message the built-in scenarios send
 * (both sides, real UDP on 127.0.0.1, taken from the -trace_msg log) must parse with sip.js's RFC 3261 grammar, and
 * sip.js and our own parser must agree on the fields the engine dispatches on.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { IncomingRequestMessage, IncomingResponseMessage, LoggerFactory, Parser } from "sip.js/lib/core/index.js";
import { parseSipMessage } from "../../src/sip/parse-sip-message.js";
import { describeRun, featureFixture, prepareSide, sideConfig, withTempDir } from "../integration/engine/run-pair.js";
import type { RunConfig } from "../../src/engine/run/run-config.js";

const loggerFactory = new LoggerFactory();
loggerFactory.builtinEnabled = false;
const logger = loggerFactory.getLogger("sip.parser");

/** The messages a side sent, cut out of its -trace_msg log by their byte counts. */
async function sentMessages(outDir: string): Promise<Buffer[]> {
  const log = (await readdir(outDir)).find((f) => f.endsWith("_messages.log"));
  assert.ok(log !== undefined, `no messages log in ${outDir}`);
  const text = await readFile(join(outDir, log));
  const marker = /UDP message sent \((\d+) bytes\):\n\n/g;
  const latin1 = text.toString("latin1");
  const out: Buffer[] = [];
  for (let m = marker.exec(latin1); m !== null; m = marker.exec(latin1)) {
    const start = m.index + m[0].length;
    out.push(text.subarray(start, start + Number(m[1])));
  }
  return out;
}

function checkWithSipJs(raw: Buffer): void {
  const ours = parseSipMessage(raw);
  assert.ok(ours.ok, `our parser rejects:\n${raw.toString("latin1")}`);
  const theirs = Parser.parseMessage(raw.toString("latin1"), logger);
  assert.ok(theirs !== undefined, `sip.js rejects:\n${raw.toString("latin1")}`);
  const message = ours.message;
  assert.equal(theirs.callId, message.callId);
  assert.equal(theirs.cseq, message.cseq?.seq);
  assert.equal(theirs.method, message.method);
  assert.equal(theirs.fromTag, message.fromTag());
  if (theirs instanceof IncomingRequestMessage) {
    assert.equal(message.kind, "request");
    assert.equal(theirs.viaBranch, message.topViaBranch());
  } else {
    assert.ok(theirs instanceof IncomingResponseMessage);
    assert.equal(theirs.statusCode, message.status);
    assert.equal(theirs.toTag, message.toTag());
  }
}

const PAIRS: { name: string; uas: Partial<RunConfig>; uac: Partial<RunConfig> }[] = [
  { name: "uac → uas", uas: { scenarioName: "uas" }, uac: { scenarioName: "uac" } },
  { name: "regexp → uas", uas: { scenarioName: "uas" }, uac: { scenarioName: "regexp" } },
  { name: "branchc → branchs", uas: { scenarioName: "branchs" }, uac: { scenarioName: "branchc" } },
  {
    name: "digest authentication (401, INVITE with Authorization)",
    uas: { scenarioFile: featureFixture("auth-uas.xml"), keys: new Map([["algo", "MD5"]]) },
    uac: { scenarioFile: featureFixture("auth-uac.xml"), keys: new Map([["pw", "secret"]]) },
  },
];

describe("sip.js grammar accepts every message sipwright sends", () => {
  for (const pair of PAIRS) {
    it(pair.name, async () => {
      await withTempDir(async (dir) => {
        const trace = { ...sideConfig(dir, {}).trace, msg: true };
        const calls = 3;
        const uas = await prepareSide(dir, "uas", { ...pair.uas, maxCalls: calls, trace });
        const uac = await prepareSide(dir, "uac", {
          ...pair.uac,
          maxCalls: calls,
          rate: 20,
          trace,
          remoteHost: "127.0.0.1",
          remotePort: uas.environment.values.localPort,
        });
        const [uasResult, uacResult] = await Promise.all([uas.run(), uac.run()]);
        assert.equal(uacResult.exitCode, 0, describeRun(uacResult));
        assert.equal(uasResult.exitCode, 0, describeRun(uasResult));
        const messages = [...(await sentMessages(uacResult.outDir)), ...(await sentMessages(uasResult.outDir))];
        assert.ok(messages.length >= calls * 4, `only ${messages.length} messages`);
        for (const raw of messages) checkWithSipJs(raw);
      });
    });
  }
});
