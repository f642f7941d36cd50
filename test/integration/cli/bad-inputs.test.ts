/**
 * Input files and output paths that cannot be used, and local addresses that cannot work, end the run at once with
 * exit code 255 and a clear message, before the SIP transport opens (issue 12 items 2 and 3). They used to: read
 * `-sf /dev/zero` without end (GBs of memory), hang on a FIFO, spin at 100 % CPU in Node's recursive mkdir under
 * /proc, print a stack trace for `--out /dev/null/x`, exit 254 (bind) for `-i notanip`, and start a run whose every
 * message failed for an IPv6 remote with an IPv4 local address.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INPUT_FILES } from "../../../src/shared/input-files.js";
import { LOOPBACK } from "../../helpers/free-port.js";
import { stopStartedProcesses } from "../../helpers/processes.js";
import { udpListener, type UdpListener } from "../../helpers/udp-listener.js";
import { runSipwright } from "../../helpers/sipwright.js";

after(stopStartedProcesses);

/** A CLI start through tsx takes a few seconds on a busy machine; a hang is anything beyond this. */
const EXIT_BOUND_MS = 20_000;

interface BadRun {
  readonly what: string;
  /** Every option; `REMOTE` is the silent peer's address, `DIR` the test's folder. */
  readonly args: readonly string[];
  readonly message: RegExp;
}

const OPTIONS_WITHOUT_OUT = ["-p", "0", "-m", "1", "--status", "none"];
const OUT = ["--out", "DIR/out"];

const CASES: readonly BadRun[] = [
  {
    what: "-sf /dev/zero (a device: read without end before)",
    args: ["-sf", "/dev/zero", "REMOTE", "-i", LOOPBACK, ...OUT],
    message:
      /cannot read scenario file \/dev\/zero: a scenario file must be a regular file; this one is a character device/,
  },
  {
    what: "-sf FIFO with no writer (the open blocked before)",
    args: ["-sf", "DIR/fifo", "REMOTE", "-i", LOOPBACK, ...OUT],
    message: /a scenario file must be a regular file; this one is a FIFO/,
  },
  {
    what: "-sf a scenario over the size limit",
    args: ["-sf", "DIR/big.xml", "REMOTE", "-i", LOOPBACK, ...OUT],
    message: /a scenario file may be at most 2 MiB \(docs\/cli\.md, File limits\); this one is 2097153 bytes/,
  },
  {
    what: "-inf /dev/zero",
    args: ["-sn", "uac", "REMOTE", "-i", LOOPBACK, "-inf", "/dev/zero", ...OUT],
    message: /\/dev\/zero: cannot read injection file: an injection file \(-inf\) must be a regular file/,
  },
  {
    what: "--out under /proc (Node's recursive mkdir never returned there)",
    args: ["-sn", "uac", "REMOTE", "-i", LOOPBACK, "--out", "/proc/sipwright-nonexistent/out"],
    message: /^sipwright: cannot create folder \/proc\/sipwright-nonexistent: ENOENT/m,
  },
  {
    what: "--records under /proc",
    args: ["-sn", "uac", "REMOTE", "-i", LOOPBACK, ...OUT, "--records", "/proc/sipwright-nonexistent/r.jsonl"],
    message: /^sipwright: cannot create folder \/proc\/sipwright-nonexistent: ENOENT/m,
  },
  {
    what: "--records a folder (failed only once the SIP transport was open)",
    args: ["-sn", "uac", "REMOTE", "-i", LOOPBACK, ...OUT, "--records", "DIR"],
    message: /^sipwright: --records: cannot write \S+: it is a folder$/m,
  },
  {
    what: "--summary-json a folder (failed at the end of the run)",
    args: ["-sn", "uac", "REMOTE", "-i", LOOPBACK, ...OUT, "--summary-json", "DIR"],
    message: /^sipwright: --summary-json: cannot write \S+: it is a folder$/m,
  },
  {
    what: "-message_file a folder",
    args: ["-sn", "uac", "REMOTE", "-i", LOOPBACK, ...OUT, "-trace_msg", "-message_file", "DIR"],
    message: /^sipwright: -message_file: cannot write \S+: it is a folder$/m,
  },
  {
    what: "--out /dev/null/x (a stack trace before)",
    args: ["-sn", "uac", "REMOTE", "-i", LOOPBACK, "--out", "/dev/null/x"],
    message: /^sipwright: cannot create folder \/dev\/null: it exists and is not a folder$/m,
  },
  {
    what: "-i notanip (a bind failure, 254, before)",
    args: ["-sn", "uac", "REMOTE", "-i", "notanip", ...OUT],
    message: /^sipwright: -i notanip: not an IP address \(give an IPv4 or IPv6 address of this host\)$/m,
  },
  {
    what: "an IPv6 remote with an IPv4 local address (every message failed before)",
    args: ["-sn", "uac", "[::1]:5060", "-i", LOOPBACK, ...OUT],
    message: /address family mismatch: the remote address ::1 is IPv6 but the local address -i 127\.0\.0\.1 is IPv4/,
  },
];

describe("unusable inputs, outputs and addresses exit 255 at once", () => {
  let dir = "";
  let peer: UdpListener | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-bad-inputs-"));
    peer = await udpListener();
    execFileSync("mkfifo", [join(dir, "fifo")]);
    // A valid scenario one byte over the limit: the limit, not the content, refuses it.
    const head = '<scenario name="big"><send><![CDATA[\nOPTIONS sip:x SIP/2.0\n\n]]></send>\n';
    const tail = "</scenario>\n";
    const filler = " ".repeat(INPUT_FILES.scenario.maxBytes + 1 - head.length - tail.length);
    await writeFile(join(dir, "big.xml"), head + filler + tail);
  });
  after(async () => {
    peer?.socket.close();
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.what}: exit 255 with the message, quickly, nothing sent`, async () => {
      const target = peer;
      assert.ok(target);
      const args = c.args.map((a) => (a === "REMOTE" ? `${LOOPBACK}:${target.port}` : a.replace(/^DIR/, dir)));
      const started = Date.now();
      const result = await runSipwright([...args, ...OPTIONS_WITHOUT_OUT], { cwd: dir, timeoutMs: EXIT_BOUND_MS });
      assert.equal(result.code, 255, `exit code; stderr:\n${result.stderr}`);
      assert.match(result.stderr, c.message);
      assert.doesNotMatch(result.stderr, /internal error|\n\s+at /, "a stack trace");
      assert.ok(Date.now() - started < EXIT_BOUND_MS);
      assert.equal(target.received.length, 0, "a message reached the peer");
    });
  }

  it("--records a folder fails before any socket is bound: exit 255, not 254 for -p on a port in use", async () => {
    const busy = peer;
    assert.ok(busy);
    // The peer holds 127.0.0.1:<its port>: a run that binds before it checks --records fails to bind (exit 254).
    const args = ["-sn", "uas", "-i", LOOPBACK, "-p", String(busy.port), "--out", join(dir, "out"), "--records", dir];
    const result = await runSipwright([...args, "-m", "1", "--status", "none"], { cwd: dir, timeoutMs: EXIT_BOUND_MS });
    assert.equal(result.code, 255, `exit code; stderr:\n${result.stderr}`);
    assert.match(result.stderr, /^sipwright: --records: cannot write \S+: it is a folder$/m);
  });

  it("validate reads through the same function: /dev/zero, a FIFO and an oversized file are refused at once", async () => {
    const result = await runSipwright(["validate", "/dev/zero", join(dir, "fifo"), join(dir, "big.xml")], {
      cwd: dir,
      timeoutMs: EXIT_BOUND_MS,
    });
    assert.equal(result.code, 1, `exit code; stderr:\n${result.stderr}`);
    assert.match(result.stderr, /^\/dev\/zero: error: cannot read: a scenario file must be a regular file/m);
    assert.match(result.stderr, /fifo: error: cannot read: a scenario file must be a regular file; this one is a FIFO/);
    assert.match(result.stderr, /big\.xml: error: cannot read: a scenario file may be at most 2 MiB/);
  });
});
