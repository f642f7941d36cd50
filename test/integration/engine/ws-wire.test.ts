/**
 * The bytes of SIP over WebSocket (RFC 7118) as the -trace_msg logs show them, sipwright against sipwright:
 * Via SIP/2.0/WS with the browser clients' `.invalid` sent-by, Contact ;transport=ws, Record-Route echoed by the
 * built-in uas; and a request the server side sends to a client whose Contact is `.invalid` goes over the
 * client's own connection.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import { describeRun, prepareSide, sideConfig, withTempDir } from "./run-pair.js";

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../fixtures/scenarios/ws/${name}`, import.meta.url));

interface WireMessage {
  /** "WS message sent" / "WS message received" */
  readonly what: string;
  readonly lines: readonly string[];
}

/** The messages of a -trace_msg log: the line after each separator, then the message's lines. */
function readLog(text: string): WireMessage[] {
  return text
    .split(/^-{20,} .*\r?\n/m)
    .slice(1)
    .map((entry) => {
      const [what = "", , ...lines] = entry.split(/\r?\n/);
      return { what, lines };
    });
}

function find(log: readonly WireMessage[], direction: "sent" | "received", startLine: RegExp): WireMessage {
  const found = log.find((m) => m.what.includes(`message ${direction}`) && startLine.test(m.lines[0] ?? ""));
  assert.ok(found, `no ${direction} message matching ${String(startLine)}`);
  return found;
}

const headers = (m: WireMessage, name: string): string[] =>
  m.lines.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));

interface WirePair {
  readonly uacLog: WireMessage[];
  readonly uasLog: WireMessage[];
  readonly uasPort: number;
}

async function runTraced(uas: Partial<RunConfig>, uac: Partial<RunConfig>): Promise<WirePair> {
  return withTempDir(async (dir) => {
    const trace = (file: string): Partial<RunConfig> => ({
      trace: { ...sideConfig(dir, {}).trace, msg: true, messageFile: join(dir, file) },
    });
    const server = await prepareSide(dir, "uas", { transport: "ws1", maxCalls: 1, ...trace("uas.log"), ...uas });
    const uasPort = server.environment.values.localPort;
    let client;
    try {
      client = await prepareSide(dir, "uac", {
        transport: "ws1",
        maxCalls: 1,
        remoteHost: "127.0.0.1",
        remotePort: uasPort,
        ...trace("uac.log"),
        ...uac,
      });
    } catch (error) {
      await server.environment.close();
      throw error;
    }
    const [uasResult, uacResult] = await Promise.all([server.run(), client.run()]);
    assert.equal(uacResult.exitCode, 0, describeRun(uacResult));
    assert.equal(uasResult.exitCode, 0, describeRun(uasResult));
    return {
      uacLog: readLog(await readFile(join(dir, "uac.log"), "utf8")),
      uasLog: readLog(await readFile(join(dir, "uas.log"), "utf8")),
      uasPort,
    };
  });
}

const INVALID_HOST = /^[a-z0-9]{12}\.invalid$/;

describe("SIP over WebSocket on the wire", () => {
  it("Via SIP/2.0/WS with an .invalid sent-by, Contact ;transport=ws, Record-Route echoed in 180 and 200", async () => {
    const { uacLog, uasLog, uasPort } = await runTraced(
      { scenarioName: "uas" },
      { scenarioFile: fixture("browser-uac.xml") },
    );
    const invite = find(uacLog, "sent", /^INVITE /);
    assert.match(invite.what, /^WS message sent \(\d+ bytes\):$/);
    const [via = ""] = headers(invite, "Via");
    const viaMatch = /^Via: SIP\/2\.0\/WS (\S+);branch=z9hG4bK-\d+-1-0$/.exec(via);
    assert.ok(viaMatch, via);
    const host = viaMatch[1] ?? "";
    assert.match(host, INVALID_HOST);
    assert.deepEqual(headers(invite, "Contact"), [`Contact: <sip:alice@${host};transport=ws>`]);

    // The UAS received exactly those bytes over WS, and its answers echo the Record-Route (RFC 3261 12.1.1) in
    // order, keep our Via, and give its own Contact with ;transport=ws.
    const received = find(uasLog, "received", /^INVITE /);
    assert.match(received.what, /^WS message received/);
    assert.deepEqual(headers(received, "Via"), [via]);
    for (const status of ["180", "200"]) {
      const answer = find(uasLog, "sent", new RegExp(`^SIP/2\\.0 ${status} `));
      assert.match(answer.what, /^WS message sent/);
      assert.deepEqual(headers(answer, "Via"), [via]);
      // SIPp behaviour: [last_Record-Route:] joins the received entries, in order, into one header.
      assert.deepEqual(headers(answer, "Record-Route"), [
        "Record-Route: <sip:127.0.0.1:5060;transport=udp;lr>, <sip:127.0.0.1:8080;transport=ws;lr>",
      ]);
      const [contact = ""] = headers(answer, "Contact");
      assert.equal(contact, `Contact: <sip:127.0.0.1:${uasPort};transport=ws>`);
    }
    // The client received them on its connection: the answer reached a host that does not exist.
    assert.match(find(uacLog, "received", /^SIP\/2\.0 200 /).what, /^WS message received/);
  });

  it("sends the server side's INVITE to a registered .invalid Contact over the client's own connection", async () => {
    const { uacLog, uasLog } = await runTraced(
      { scenarioFile: fixture("registrar-calls-uas.xml") },
      { scenarioFile: fixture("register-then-called-uac.xml") },
    );
    const register = find(uacLog, "sent", /^REGISTER /);
    const [contact = ""] = headers(register, "Contact");
    const host = /@([^;>]+);transport=ws>$/.exec(contact)?.[1] ?? "";
    assert.match(host, INVALID_HOST);
    const sentInvite = find(uasLog, "sent", /^INVITE /);
    assert.equal(sentInvite.lines[0], `INVITE sip:alice@${host};transport=ws SIP/2.0`);
    assert.match(sentInvite.what, /^WS message sent/);
    const gotInvite = find(uacLog, "received", /^INVITE /);
    assert.equal(gotInvite.lines[0], sentInvite.lines[0]);
    assert.match(find(uasLog, "received", /^SIP\/2\.0 200 /).what, /^WS message received/);
  });
});
