/** The New-job form's `args` (web/src/build-args.ts): the CLI's option names, quoting like a shell. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildArgs, EMPTY_FORM, splitArgs } from "../../../web/src/build-args.ts";

describe("web UI: job form arguments", () => {
  it("builds a built-in scenario run with address, transport, rate, limits and recording", () => {
    const args = buildArgs({
      ...EMPTY_FORM,
      scenario: "rtp_uac",
      remote: " 127.0.0.1:5070 ",
      transport: "t1",
      rate: "10",
      maxCalls: "100",
      callLimit: "5",
      record: true,
      recordStereo: true,
      extraArgs: "-d 2000",
    });
    assert.deepEqual(args, [
      "-sn",
      "rtp_uac",
      "127.0.0.1:5070",
      "-t",
      "t1",
      "-r",
      "10",
      "-m",
      "100",
      "-l",
      "5",
      "--record",
      "--record-stereo",
      "-d",
      "2000",
    ]);
  });

  it("adds the WebRTC options only with --webrtc or a WebRTC scenario", () => {
    const form = {
      ...EMPTY_FORM,
      scenario: "webrtc_uac",
      iceServers: "stun:127.0.0.1:3478\nturn:127.0.0.1:3478?transport=udp",
      icePolicy: "relay" as const,
      turnSecret: "s3cret",
      turnTtl: "600",
      trickle: "full" as const,
    };
    assert.deepEqual(buildArgs(form), ["-sn", "webrtc_uac"]);
    assert.deepEqual(buildArgs(form, true), [
      "-sn",
      "webrtc_uac",
      "--ice-server",
      "stun:127.0.0.1:3478",
      "--ice-server",
      "turn:127.0.0.1:3478?transport=udp",
      "--ice-policy",
      "relay",
      "--turn-secret",
      "s3cret",
      "--turn-ttl",
      "600",
      "--trickle",
      "full",
    ]);
    assert.equal(buildArgs({ ...form, webrtc: true })[2], "--webrtc");
  });

  it("leaves -sf to the server for uploaded XML and passes raw arguments as split words", () => {
    assert.deepEqual(buildArgs({ ...EMPTY_FORM, scenarioSource: "xml", remote: "127.0.0.1" }), ["127.0.0.1"]);
    assert.deepEqual(buildArgs({ ...EMPTY_FORM, scenarioSource: "raw", rawArgs: "-sn uas  -p 5070\n-m 1" }), [
      "-sn",
      "uas",
      "-p",
      "5070",
      "-m",
      "1",
    ]);
  });

  it("splits like a shell: quotes, escapes, empty words; an open quote is an error", () => {
    assert.deepEqual(splitArgs(`-set v 'a b' -key k "x \\"y\\"" c\\ d ''`), [
      "-set",
      "v",
      "a b",
      "-key",
      "k",
      'x "y"',
      "c d",
      "",
    ]);
    assert.throws(() => splitArgs("-set v 'open"), /unterminated ' quote/);
  });
});
