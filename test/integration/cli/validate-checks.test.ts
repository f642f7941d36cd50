/**
 * `sipwright validate` and a run on the loader's whole-scenario checks (issue 12 item 7): a variable read but never
 * assigned and a label loop that spins are reported together with their locations, a run of the same file is
 * refused with exit 255 before any traffic, and an unterminated CDATA section is located where it starts.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOOPBACK } from "../../helpers/free-port.js";
import { stopStartedProcesses } from "../../helpers/processes.js";
import { runSipwright } from "../../helpers/sipwright.js";
import { flush, udpListener } from "../../helpers/udp-listener.js";

after(stopStartedProcesses);

const BOUND_MS = 30_000;

const MISTAKES = `<?xml version="1.0"?>
<scenario name="mistakes">
  <send><![CDATA[
    OPTIONS sip:[service]@[remote_ip] SIP/2.0
    X-Value: [$never_set]
    Content-Length: 0
  ]]></send>
  <recv response="200" test="never_assigned" next="spin"/>
  <label id="spin"/>
  <nop next="spin"/>
</scenario>
`;

const CDATA = `<scenario name="cdata">
  <send>
    <![CDATA[
      OPTIONS sip:[service]@[remote_ip] SIP/2.0
  </send>
</scenario>
`;

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "sipwright-validate-checks-"));
  await writeFile(join(dir, "mistakes.xml"), MISTAKES);
  await writeFile(join(dir, "cdata.xml"), CDATA);
});
after(() => rm(dir, { recursive: true, force: true }));

describe("sipwright validate: whole-scenario checks", () => {
  it("reports unassigned variables and a spinning loop at once, and a run refuses the file before any traffic", async () => {
    const file = join(dir, "mistakes.xml");
    const result = await runSipwright(["validate", file], { timeoutMs: BOUND_MS });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const assigned =
      "but never assigned (no action assigns it with assign_to, and it is not declared in <Global> for -set)";
    assert.deepEqual(result.stdout.trimEnd().split("\n"), [
      `${file}:5:14: error: variable $never_set is used 1 time ${assigned}`,
      `${file}:8:30: error: variable $never_assigned is used 1 time ${assigned}`,
      `${file}:10:3: error: endless loop: <nop next="spin"> goes back to line 10 unconditionally and no step of the ` +
        "loop waits (a <recv>, or a <pause> that is not 0 ms): every call would spin here (add a recv or a pause, or " +
        "make the next conditional with test=)",
    ]);

    const { socket, port, received } = await udpListener();
    try {
      const run = await runSipwright(
        ["-sf", file, `${LOOPBACK}:${port}`, "-i", LOOPBACK, "-p", "0", "-m", "1", "--status", "none"].concat([
          "--out",
          join(dir, "out"),
        ]),
        { timeoutMs: BOUND_MS },
      );
      assert.equal(run.code, 255, run.stderr);
      assert.ok(run.stderr.includes(`${file}:5:14: error: variable $never_set`), run.stderr);
      assert.deepEqual(
        await flush(port, received),
        [],
        "the run sent traffic before being refused (or the marker was lost)",
      );
    } finally {
      socket.close();
    }
  });

  it("locates an unterminated CDATA section where it starts", async () => {
    const file = join(dir, "cdata.xml");
    const result = await runSipwright(["validate", file], { timeoutMs: BOUND_MS });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(
      result.stdout.trimEnd(),
      `${file}:3:5: error: malformed XML: unterminated CDATA section: no ']]>' closes the '<![CDATA[' here`,
    );
  });
});
