/**
 * `--quiet` and `--status none` are silent (issue 9 item 10; docs/cli.md: "`none` prints nothing"): no status, no
 * summary block, no "outputs:/summary:/call records:/exit code" lines. The run itself is unchanged: its exit code and
 * summary.json. `--status lines` still prints those lines (the control).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOOPBACK } from "../../helpers/free-port.js";
import { stopStartedProcesses } from "../../helpers/processes.js";
import { udpListener, type UdpListener } from "../../helpers/udp-listener.js";
import { readSummary, runSipwright } from "../../helpers/sipwright.js";

after(stopStartedProcesses);

const RUN_BOUND_MS = 30_000;

describe("--quiet and --status none print nothing", () => {
  let dir = "";
  let peer: UdpListener | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-quiet-"));
    peer = await udpListener();
  });
  after(async () => {
    peer?.socket.close();
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  // One call to a silent peer, ended by -timeout: exit code 97 (SIPp's), a summary and a call record written.
  const runTo = async (name: string, status: readonly string[]): Promise<{ code: number | null; stderr: string }> => {
    const target = peer;
    assert.ok(target);
    const args = ["-sn", "uac", `${LOOPBACK}:${target.port}`, "-i", LOOPBACK, "-p", "0", "-m", "1", "-timeout", "1s"];
    const result = await runSipwright([...args, "--out", join(dir, name), ...status], {
      cwd: dir,
      timeoutMs: RUN_BOUND_MS,
    });
    const summary = await readSummary(join(dir, name, "summary.json"));
    assert.equal(summary.exit_code, 97);
    return result;
  };

  for (const status of [["--quiet"], ["--status", "none"]]) {
    it(`${status.join(" ")}: stderr stays empty, the exit code and summary.json are written`, async () => {
      const result = await runTo(status.join("-").replace(/^-+/, ""), status);
      assert.equal(result.code, 97, `exit code; stderr:\n${result.stderr}`);
      assert.equal(result.stderr, "");
    });
  }

  it("--status lines (the control) prints where the outputs are and the exit code", async () => {
    const result = await runTo("lines", ["--status", "lines"]);
    assert.equal(result.code, 97);
    assert.match(result.stderr, /^outputs: .*\nsummary: .*summary\.json\ncall records: .*\nexit code 97\n$/m);
  });
});
