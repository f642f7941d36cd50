/**
 * Options checked when the arguments are read, whatever the scenario (issue 9 items 1, 2 and 13): bad ICE/TURN
 * options, an RTP range without a port pair, a bad remote address. Each is a ConfigError from parseArgs.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseArgs } from "../../../src/cli/parse-args.js";
import {
  checkAddressFamilies,
  checkSetVariables,
  planWebRtcOptions,
} from "../../../src/engine/run/run-option-checks.js";
import { ConfigError } from "../../../src/shared/errors.js";

const env = { isTTY: false, cwd: "/work/here", primaryIp: "192.0.2.10" };

function configError(argv: string[], pattern: RegExp): void {
  assert.throws(
    () => parseArgs(argv, env),
    (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
  );
}

describe("parseArgs: WebRTC and TURN options are checked at parse time", () => {
  it("rejects a bad --ice-server on a run without WebRTC", () => {
    configError(
      ["-sn", "uac", "127.0.0.1:5070", "--ice-server", "http://x"],
      /--ice-server http:\/\/x: unknown scheme/,
    );
  });

  it("rejects a STUN URL without a host", () => {
    configError(["-sn", "webrtc_uac", "127.0.0.1", "--ice-server", "stun:"], /--ice-server stun:: no host/);
  });

  it("rejects --turn-secret without a TURN server, and a TURN server without credentials", () => {
    configError(["-sn", "webrtc_uac", "127.0.0.1", "--turn-secret", "x"], /--turn-secret given, but no turn:/);
    configError(["-sn", "webrtc_uac", "127.0.0.1", "--ice-server", "turn:127.0.0.1"], /has no credentials/);
  });

  it("accepts good options, and the plan holds the parsed servers and TURN mode", () => {
    const c = parseArgs(
      ["-sn", "webrtc_uac", "127.0.0.1", "--ice-server", "turn:127.0.0.1", "--turn-secret", "s"],
      env,
    );
    assert.ok(c.kind === "run");
    const plan = planWebRtcOptions(c.config.webrtcOptions);
    assert.deepEqual(
      plan.servers.map((s) => s.url),
      ["turn:127.0.0.1:3478"],
    );
    assert.equal(plan.turnPlan.mode, "rest");
  });
});

describe("parseArgs: the RTP port range", () => {
  it("rejects a range without an even/odd pair", () => {
    configError(["-sn", "rtp_uas", "-max_rtp_port", "5000"], /-mp 6000 \.\. -max_rtp_port 5000 holds no/);
    configError(["-sn", "rtp_uac", "127.0.0.1", "-mp", "30000"], /-mp 30000 \.\. -max_rtp_port 19999 holds no/);
    configError(["-mp", "0"], /-mp 0 \.\. -max_rtp_port 19999 holds no/);
    configError(["-mp", "7001", "-max_rtp_port", "7002"], /holds no/);
  });

  it("accepts the smallest range that holds a pair", () => {
    const c = parseArgs(["-mp", "7001", "-max_rtp_port", "7003"], env);
    assert.ok(c.kind === "run");
    assert.deepEqual([c.config.mediaPort, c.config.mediaMaxPort], [7001, 7003]);
  });
});

describe("parseArgs: the remote address", () => {
  it("names the address, not an option, when its port is bad", () => {
    configError(["127.0.0.1:99999"], /^remote address 127\.0\.0\.1:99999: port 99999 is out of range \(1-65535\)$/);
    configError(["127.0.0.1:0"], /^remote address 127\.0\.0\.1:0: port 0 is out of range/);
    configError(["127.0.0.1:abc"], /^remote address 127\.0\.0\.1:abc: 'abc' is not a port number/);
    configError(["[::1]:70000"], /^remote address \[::1\]:70000: port 70000 is out of range/);
    configError(["-rsa", "10.0.0.1:99999"], /^-rsa 10\.0\.0\.1:99999: port 99999 is out of range/);
  });
});

describe("parseArgs: -i and -mi are IP addresses (issue 12 item 3)", () => {
  it("rejects a host name or a bracketed address as a configuration error, not a bind failure", () => {
    configError(["-sn", "uas", "-i", "notanip"], /^-i notanip: not an IP address \(give an IPv4 or IPv6 address/);
    configError(
      ["-sn", "uas", "-i", "[::1]"],
      /^-i \[::1\]: not an IP address \(write the IPv6 address without brackets\)$/,
    );
    configError(["-sn", "rtp_uas", "-mi", "media.example"], /^-mi media\.example: not an IP address/);
  });

  it("accepts IPv4 and IPv6 addresses", () => {
    const c = parseArgs(["-sn", "uas", "-i", "::1", "-mi", "127.0.0.2"], env);
    assert.ok(c.kind === "run");
    assert.deepEqual([c.config.localIp, c.config.mediaIp], ["::1", "127.0.0.2"]);
  });
});

describe("checkAddressFamilies", () => {
  it("refuses an IPv6 remote with an IPv4 local address and the reverse, naming both", () => {
    assert.throws(
      () => checkAddressFamilies("127.0.0.1", { host: "::1", given: "::1" }),
      /^ConfigError: address family mismatch: the remote address ::1 is IPv6 but the local address -i 127\.0\.0\.1 is IPv4 \(give -i an IPv6 address/,
    );
    assert.throws(
      () => checkAddressFamilies("::1", { host: "127.0.0.1", given: "sip.example" }),
      /remote address sip\.example \(127\.0\.0\.1\) is IPv4 but the local address -i ::1 is IPv6/,
    );
  });

  it("accepts one family", () => {
    checkAddressFamilies("127.0.0.1", { host: "127.0.0.2", given: "127.0.0.2" });
    checkAddressFamilies("::1", { host: "::1", given: "[::1]" });
  });
});

describe("parseArgs: --record and --record-stereo", () => {
  const record = (...argv: string[]): unknown => {
    const c = parseArgs(argv, env);
    assert.ok(c.kind === "run");
    return c.config.record;
  };

  it("each alone picks its layout", () => {
    assert.equal(record("--record"), "per-direction");
    assert.equal(record("--record-stereo"), "stereo");
    assert.equal(record(), undefined);
  });

  it("both together, in either order, write both layouts", () => {
    assert.equal(record("--record", "--record-stereo"), "both");
    assert.equal(record("--record-stereo", "--record"), "both");
    assert.equal(record("--record-stereo", "--record", "--record"), "both");
  });
});

describe("checkSetVariables (-set)", () => {
  const scenario = (...globalVariables: string[]): { globalVariables: string[] } => ({ globalVariables });

  it("accepts globals declared by the scenario or by the out-of-call scenario", () => {
    checkSetVariables(new Map([["a", "1"]]), [scenario("a", "b")]);
    checkSetVariables(new Map([["c", "1"]]), [scenario("a"), scenario("c")]);
    checkSetVariables(new Map(), [scenario(), undefined]);
  });

  it("names every undeclared global", () => {
    assert.throws(
      () =>
        checkSetVariables(
          new Map([
            ["a", "1"],
            ["x", "2"],
            ["y", "3"],
          ]),
          [scenario("a"), undefined],
        ),
      (e: unknown) =>
        e instanceof ConfigError &&
        /^-set x, y: can not set the global variables x, y: .* <Global variables="x,y"\/>/.test(e.message),
    );
  });
});
