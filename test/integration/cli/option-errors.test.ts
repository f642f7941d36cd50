/**
 * Configuration errors end the process at once with exit code 255 and the message, before any socket is bound
 * (issue 9 items 1, 2 and 13; issue 12 item 3). They used to be found after the SIP transport was open: the message
 * was printed and the process never exited. Each run here must end by itself within EXIT_BOUND_MS.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOOPBACK } from "../../helpers/free-port.js";
import { stopStartedProcesses } from "../../helpers/processes.js";
import { udpListener, type UdpListener } from "../../helpers/udp-listener.js";
import { runSipwright } from "../../helpers/sipwright.js";

after(stopStartedProcesses);

/** A CLI start through tsx takes a few seconds on a busy machine; a hang is anything beyond this. */
const EXIT_BOUND_MS = 20_000;

interface BadOptions {
  readonly what: string;
  /** The options; `REMOTE` is replaced by the silent peer's address. */
  readonly args: readonly string[];
  readonly message: RegExp;
  /** 255 (configuration error) unless given: 254 for an address that cannot be bound. */
  readonly code?: number;
}

const CASES: readonly BadOptions[] = [
  {
    what: "a WebRTC UAS with an --ice-server that is not a STUN/TURN URL",
    args: ["-sn", "webrtc_uas", "--ice-server", "http://x"],
    message: /--ice-server http:\/\/x: unknown scheme 'http:'/,
  },
  {
    what: "a WebRTC UAC with --turn-secret and no TURN server",
    args: ["-sn", "webrtc_uac", "REMOTE", "--turn-secret", "x"],
    message: /--turn-secret given, but no turn: or turns: --ice-server/,
  },
  {
    what: "a WebRTC UAC with a TURN server and no credentials",
    args: ["-sn", "webrtc_uac", "REMOTE", "--ice-server", `turn:${LOOPBACK}`],
    message: /--ice-server turn:127\.0\.0\.1:3478 has no credentials/,
  },
  {
    what: "a WebRTC UAC with --ice-server stun: (no host)",
    args: ["-sn", "webrtc_uac", "REMOTE", "--ice-server", "stun:"],
    message: /--ice-server stun:: no host/,
  },
  {
    what: "an RTP UAS whose -max_rtp_port is below -mp",
    args: ["-sn", "rtp_uas", "-max_rtp_port", "5000"],
    message: /RTP port range -mp 6000 \.\. -max_rtp_port 5000 holds no even\/odd RTP\/RTCP port pair/,
  },
  {
    what: "an RTP UAC whose -mp is above the default -max_rtp_port",
    args: ["-sn", "rtp_uac", "REMOTE", "-mp", "30000"],
    message: /RTP port range -mp 30000 \.\. -max_rtp_port 19999 holds no/,
  },
  {
    what: "a run without WebRTC given a bad --ice-server (checked whether or not the run uses it)",
    args: ["-sn", "uac", "REMOTE", "--ice-server", "http://x"],
    message: /--ice-server http:\/\/x: unknown scheme/,
  },
  {
    what: "a remote address with a port out of range (named as the address, not as an option)",
    args: ["-sn", "uac", `${LOOPBACK}:99999`],
    message: /^sipwright: remote address 127\.0\.0\.1:99999: port 99999 is out of range \(1-65535\)$/m,
  },
  {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this host.
    what: "an RTP UAC whose -mi is not an address of this host (a bind error, found before the SIP socket opens)",
    args: ["-sn", "rtp_uac", "REMOTE", "-mi", "192.0.2.1"],
    message: /-mi 192\.0\.2\.1: cannot bind RTP on it: .*EADDRNOTAVAIL/,
    code: 254,
  },
];

describe("configuration errors exit 255 at once", () => {
  let dir = "";
  let peer: UdpListener | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-option-errors-"));
    peer = await udpListener();
  });
  after(async () => {
    peer?.socket.close();
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.what}: exit ${c.code ?? 255} with the message, nothing sent`, async () => {
      const target = peer;
      assert.ok(target);
      const remote = `${LOOPBACK}:${target.port}`;
      const args = c.args.map((a) => (a === "REMOTE" ? remote : a));
      const result = await runSipwright(
        [...args, "-i", LOOPBACK, "-p", "0", "-m", "1", "--out", join(dir, "out"), "--status", "none"],
        { cwd: dir, timeoutMs: EXIT_BOUND_MS },
      );
      assert.equal(result.code, c.code ?? 255, `exit code; stderr:\n${result.stderr}`);
      assert.match(result.stderr, c.message);
      assert.equal(target.received.length, 0, "a message reached the peer");
    });
  }
});
