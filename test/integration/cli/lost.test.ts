/**
 * Packet-loss emulation (`-lost 10`) on both sides of a real UDP run, sipwright uac -> sipwright uas: the
 * retransmissions of the built-in scenarios (their sends carry retrans="500") recover every loss.
 *
 * SIPp behaviour: a lost message counts as sent but never leaves, and a received message may be dropped as lost;
 * a lost final ACK makes the UAS retransmit its 200, and a lost 200 to BYE makes the UAC retransmit the BYE, which
 * the UAS answers again from its 4 s timewait.
 *
 * With SIPp's defaults that last recovery is a race: once the BYE retransmission interval has grown to T2 = 4 s it
 * equals the UAS's timewait, and a retransmitted BYE that arrives after the timewait finds a dead call and is never
 * answered (the UAC fails with max_udp_retrans). Measured with real sipp 3.6.1 on both sides (-lost 10, 50 calls at
 * 20 cps): 1 to 5 failed calls in each of 4 runs; sipwright with the same options failed 1-2 calls in 6 of 10 runs,
 * every failure that race. So the UAC caps its non-INVITE interval with -T2 250 and allows 15 BYE retransmissions
 * (one every 250 ms, inside the timewait), and both sides allow 10 INVITE retransmissions: a call then fails only
 * if about 15 exchanges in a row are lost (measured: 12 of 12 runs clean).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "../../helpers/free-port.js";
import { stopStartedProcesses, waitExit } from "../../helpers/processes.js";
import { readSummary, runSipwright, startSipwright } from "../../helpers/sipwright.js";

after(stopStartedProcesses);

const CALLS = 50;
const RATE = 20;
const LOST_PERCENT = "10";
/** 2.5 s of calls, retransmission back-offs of a few seconds, the UAS's 4 s timewait: well under a minute. */
const RUN_BOUND_MS = 90_000;

describe("a UDP run with -lost 10 on both sides", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-lost-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("completes every call on both sides because retransmissions recover the lost messages", async () => {
    const uasPort = await freeUdpPort();
    const uasOut = join(dir, "uas");
    const uacOut = join(dir, "uac");
    const uas = await startSipwright(
      ["-sn", "uas", "-i", LOOPBACK, "-p", String(uasPort), "-m", String(CALLS), "-lost", LOST_PERCENT].concat([
        "-max_invite_retrans",
        "10",
        "-timeout",
        "80s",
        "-trace_err",
        "--out",
        uasOut,
        "--status",
        "none",
      ]),
      { cwd: dir },
    );
    await waitUntilBound(uasPort, "udp", 15_000, () => !uas.isAlive());

    const uac = await runSipwright(
      ["-sn", "uac", `${LOOPBACK}:${uasPort}`, "-i", LOOPBACK, "-p", "0", "-r", String(RATE), "-m", String(CALLS)]
        .concat(["-lost", LOST_PERCENT, "-T2", "250", "-max_non_invite_retrans", "15", "-max_invite_retrans", "10"])
        .concat(["-timeout", "80s", "-trace_err", "--out", uacOut, "--status", "none"]),
      { cwd: dir, timeoutMs: RUN_BOUND_MS },
    );
    const uasExit = await waitExit(uas, RUN_BOUND_MS);

    const uacSummary = await readSummary(join(uacOut, "summary.json"));
    const uasSummary = await readSummary(join(uasOut, "summary.json"));
    const counts = `uac calls ${JSON.stringify(uacSummary.calls)}, failures ${JSON.stringify(uacSummary.failures)}; uas calls ${JSON.stringify(uasSummary.calls)}, failures ${JSON.stringify(uasSummary.failures)}`;
    assert.equal(uac.code, 0, `sipwright uac exit code (${counts}); stderr:\n${uac.stderr}`);
    assert.equal(uasExit.code, 0, `sipwright uas exit code (${counts}); stderr:\n${uas.stderr()}`);

    assert.equal(uacSummary.calls.successful, CALLS, counts);
    assert.equal(uacSummary.calls.failed, 0, counts);
    assert.equal(uasSummary.calls.successful, CALLS, counts);
    assert.equal(uasSummary.calls.failed, 0, counts);
    // With about 19 % of messages dropped per hop (lost on send or on receive), 50 calls cannot all go through
    // without one retransmission on each side: the losses really happened and were recovered.
    assert.ok(uacSummary.retransmissions > 0, `uac retransmissions: ${uacSummary.retransmissions}`);
    assert.ok(uasSummary.retransmissions > 0, `uas retransmissions: ${uasSummary.retransmissions}`);
  });
});
