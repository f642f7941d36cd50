/**
 * `-set NAME VALUE` and `[users]` as SIPp has them (issue 9 item 7): `-set` on a global the scenario does not declare
 * is refused before anything is sent (sipp: "Can not set the global variable n, because it does not exist"), a
 * declared one renders its value, and `[users]` renders -1 when `-users` is not given.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOOPBACK } from "../../helpers/free-port.js";
import { stopStartedProcesses } from "../../helpers/processes.js";
import { udpListener, type UdpListener } from "../../helpers/udp-listener.js";
import { runSipwright } from "../../helpers/sipwright.js";

after(stopStartedProcesses);

const RUN_BOUND_MS = 30_000;

/** One OPTIONS carrying the values under test; the call ends once it is sent. */
const scenario = (globals: string): string => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="set globals">
  ${globals}
  <send>
    <![CDATA[
      OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 OPTIONS
      X-N: [$n]
      X-Users: [users]
      Content-Length: 0
    ]]>
  </send>
</scenario>
`;

describe("-set and [users]", () => {
  let dir = "";
  let peer: UdpListener | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-set-"));
    peer = await udpListener();
    await writeFile(join(dir, "declared.xml"), scenario('<Global variables="n"/>'));
    // n is a call variable here (assigned, so the scenario loads), not a global -set could set.
    await writeFile(
      join(dir, "undeclared.xml"),
      scenario('<nop><action><assignstr assign_to="n" value="call"/></action></nop>'),
    );
  });
  after(async () => {
    peer?.socket.close();
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  const run = (file: string, extra: readonly string[]): ReturnType<typeof runSipwright> => {
    assert.ok(peer);
    const args = ["-sf", join(dir, file), `${LOOPBACK}:${peer.port}`, "-i", LOOPBACK, "-p", "0", "-m", "1"];
    return runSipwright([...args, ...extra, "--out", join(dir, `out-${file}`), "--status", "none"], {
      cwd: dir,
      timeoutMs: RUN_BOUND_MS,
    });
  };

  it("refuses -set on a global the scenario does not declare: exit 255, the message, nothing sent", async () => {
    const before = peer?.received.length;
    const result = await run("undeclared.xml", ["-set", "n", "5"]);
    assert.equal(result.code, 255, `exit code; stderr:\n${result.stderr}`);
    assert.match(result.stderr, /-set n: can not set the global variable n: the scenario declares no such global/);
    assert.equal(peer?.received.length, before, "a message was sent");
  });

  it("renders a declared -set global, and [users] as -1 without -users", async () => {
    const target = peer;
    assert.ok(target);
    const before = target.received.length;
    const result = await run("declared.xml", ["-set", "n", "5"]);
    assert.equal(result.code, 0, `exit code; stderr:\n${result.stderr}`);
    if (target.received.length === before) await once(target.socket, "message");
    const sent = target.received[before]?.toString("latin1") ?? "";
    assert.match(sent, /^X-N: 5\r$/m);
    assert.match(sent, /^X-Users: -1\r$/m);
  });
});
