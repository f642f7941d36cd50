import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseArgs, parseTime, type Command } from "../../../src/cli/parse-args.js";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import { ConfigError } from "../../../src/shared/errors.js";

const env = { isTTY: false, cwd: "/work/here", primaryIp: "192.0.2.10" };

function run(...argv: string[]): RunConfig {
  const command: Command = parseArgs(argv, env);
  assert.equal(command.kind, "run");
  return command.config;
}

function configError(argv: string[], pattern: RegExp): void {
  assert.throws(
    () => parseArgs(argv, env),
    (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
  );
}

describe("parseArgs: defaults", () => {
  it("uses SIPp 3.6.1's defaults when no option is given", () => {
    const c = run();
    assert.equal(c.scenarioName, "uac");
    assert.equal(c.scenarioFile, undefined);
    assert.equal(c.remoteHost, undefined);
    assert.equal(c.remotePort, 5060);
    assert.equal(c.localIp, "192.0.2.10");
    assert.equal(c.transport, "u1");
    assert.equal(c.mediaPort, 6000);
    assert.equal(c.rate, 10);
    assert.equal(c.ratePeriodMs, 1000);
    assert.equal(c.defaultPauseMs, 0);
    assert.equal(c.t2Ms, 4000);
    assert.equal(c.maxRetrans, undefined);
    assert.equal(c.maxInviteRetrans, 5);
    assert.equal(c.maxNonInviteRetrans, 7);
    assert.equal(c.deadcallWaitMs, 33_000);
    assert.equal(c.baseCseq, 1);
    assert.equal(c.callIdFormat, "%u-%p@%s");
    assert.equal(c.service, "service");
    assert.equal(c.lostPercent, 0);
    assert.deepEqual([...c.defaultBehaviors].sort(), ["abortunexp", "badcseq", "bye", "pingreply"]);
    assert.equal(c.trace.statPeriodMs, 60_000);
    assert.equal(c.trace.statDelimiter, ";");
    assert.equal(c.trace.rttFreq, 200);
    assert.deepEqual([c.dynamicStart, c.dynamicMax, c.dynamicStep], [10000, 12000, 4]);
  });

  it("binds an ephemeral local port by default (a deliberate difference from SIPp)", () => {
    assert.equal(run().localPort, 0);
  });

  it("picks the status mode from the terminal, and --quiet silences it", () => {
    assert.equal(run().statusMode, "lines");
    const tty = parseArgs([], { ...env, isTTY: true });
    assert.equal(tty.kind === "run" ? tty.config.statusMode : undefined, "tty");
    assert.equal(run("--quiet").statusMode, "none");
    assert.equal(run("--status", "tty").statusMode, "tty");
  });
});

describe("parseArgs: a full SIPp command line", () => {
  it("maps every option onto RunConfig", () => {
    const c = run(
      ...["-sf", "scen/uac.xml", "10.0.0.5:5070", "-i", "127.0.0.1", "-p", "5061", "-t", "tn"],
      ...["-r", "50", "-rp", "2s", "-rate_increase", "5", "-rate_interval", "10", "-rate_max", "100", "-no_rate_quit"],
      ...["-l", "200", "-m", "1000", "-d", "2s", "-timeout", "20s", "-timeout_error", "-recv_timeout", "5000"],
      ...["-send_timeout", "1s", "-T2", "2000", "-max_retrans", "3", "-max_invite_retrans", "4"],
      ...["-max_non_invite_retrans", "6", "-nr", "-deadcall_wait", "10s", "-lost", "2.5", "-base_cseq", "100"],
      ...["-cid_str", "%u@x", "-s", "alice", "-au", "bob", "-ap", "secret", "-auth_uri", "sip:x", "-aa"],
      ...["-default_behaviors", "all,-bye", "-key", "k1", "v1", "-set", "g", "7", "-inf", "users.csv"],
      ...["-infindex", "users.csv", "1", "-rsa", "10.0.0.9:5080", "-mi", "127.0.0.2", "-mp", "7000"],
      ...["-buff_size", "4194304", "-trace_msg", "-trace_shortmsg", "-trace_err", "-trace_stat", "-stf", "s.csv"],
      ...["-fd", "5", "-stat_delimiter", ",", "-trace_rtt", "-rtt_freq", "10", "-trace_counts", "-trace_logs"],
      ...["-log_file", "/tmp/l.log", "-message_file", "m.log", "-dynamicStart", "1", "-dynamicMax", "9"],
      ...["-dynamicStep", "2", "--out", "runs/a", "--summary-json", "/tmp/s.json"],
    );
    assert.equal(c.scenarioFile, "/work/here/scen/uac.xml");
    assert.equal(c.scenarioName, undefined);
    assert.deepEqual([c.remoteHost, c.remotePort], ["10.0.0.5", 5070]);
    assert.deepEqual([c.localIp, c.localPort, c.transport], ["127.0.0.1", 5061, "tn"]);
    assert.deepEqual(
      [c.rate, c.ratePeriodMs, c.rateIncrease, c.rateIntervalMs, c.rateMax, c.noRateQuit],
      [50, 2000, 5, 10_000, 100, true],
    );
    assert.deepEqual(
      [c.limit, c.maxCalls, c.defaultPauseMs, c.globalTimeoutMs, c.timeoutError],
      [200, 1000, 2000, 20_000, true],
    );
    assert.deepEqual([c.recvTimeoutMs, c.sendTimeoutMs, c.t2Ms, c.maxRetrans], [5000, 1000, 2000, 3]);
    assert.deepEqual([c.maxInviteRetrans, c.maxNonInviteRetrans, c.noRetrans, c.deadcallWaitMs], [4, 6, true, 10_000]);
    assert.deepEqual([c.lostPercent, c.baseCseq, c.callIdFormat, c.service], [2.5, 100, "%u@x", "alice"]);
    assert.deepEqual([c.authUsername, c.authPassword, c.authUri, c.autoAnswer], ["bob", "secret", "sip:x", true]);
    assert.deepEqual([...c.defaultBehaviors].sort(), ["abortunexp", "badcseq", "pingreply"]);
    assert.deepEqual([...c.keys], [["k1", "v1"]]);
    assert.deepEqual([...c.setVariables], [["g", "7"]]);
    assert.deepEqual(c.injectionFiles, [{ path: "/work/here/users.csv", indexField: 1 }]);
    assert.deepEqual(c.remoteSendAddress, { host: "10.0.0.9", port: 5080 });
    assert.deepEqual([c.mediaIp, c.mediaPort, c.bufferSize], ["127.0.0.2", 7000, 4194304]);
    assert.deepEqual(c.trace, {
      msg: true,
      messageFile: "/work/here/m.log",
      shortmsg: true,
      shortmsgFile: undefined,
      err: true,
      errorFile: undefined,
      stat: true,
      statFile: "/work/here/s.csv",
      statPeriodMs: 5000,
      statDelimiter: ",",
      rtt: true,
      rttFile: undefined,
      rttFreq: 10,
      counts: true,
      countsFile: undefined,
      logs: true,
      logFile: "/tmp/l.log",
    });
    assert.deepEqual([c.dynamicStart, c.dynamicMax, c.dynamicStep], [1, 9, 2]);
    assert.deepEqual([c.outDir, c.summaryJson], ["/work/here/runs/a", "/tmp/s.json"]);
  });

  it("accepts an empty -key value", () => {
    assert.deepEqual([...run("-key", "k", "").keys], [["k", ""]]);
  });

  it("takes a -set value that starts with a dash", () => {
    assert.equal(run("-set", "x", "-5").setVariables.get("x"), "-5");
  });

  it("accepts SIPp options written with two dashes", () => {
    assert.equal(run("--r", "25").rate, 25);
  });

  it("turns every default behavior off with -nd", () => {
    assert.equal(run("-nd").defaultBehaviors.size, 0);
  });

  it("accepts and ignores SIPp's screen and process options", () => {
    const c = run(
      "-nostdin",
      "-bg",
      "-trace_screen",
      "-screen_file",
      "x",
      "-timer_resol",
      "1",
      "-watchdog_interval",
      "400",
      "-r",
      "3",
    );
    assert.equal(c.rate, 3);
  });
});

describe("parseArgs: remote host", () => {
  it("reads host:port", () => {
    const c = run("127.0.0.1:5070");
    assert.deepEqual([c.remoteHost, c.remotePort], ["127.0.0.1", 5070]);
  });

  it("reads a bracketed IPv6 address with a port", () => {
    const c = run("[::1]:5070");
    assert.deepEqual([c.remoteHost, c.remotePort], ["::1", 5070]);
  });

  it("defaults the port to 5060", () => {
    const c = run("example.com");
    assert.deepEqual([c.remoteHost, c.remotePort], ["example.com", 5060]);
  });

  it("rejects a second positional argument", () => {
    configError(["a", "b"], /only one remote_host/);
  });
});

describe("parseArgs: times", () => {
  it("reads -rp as 1s, 1000ms or 1000", () => {
    for (const v of ["1s", "1000ms", "1000"]) assert.equal(run("-rp", v).ratePeriodMs, 1000);
  });

  it("reads -timeout in seconds unless a unit is given", () => {
    assert.equal(run("-timeout", "10").globalTimeoutMs, 10_000);
    assert.equal(run("-timeout", "500ms").globalTimeoutMs, 500);
    assert.equal(run("-timeout", "2m").globalTimeoutMs, 120_000);
  });

  it("rejects a time that is not one", () => {
    assert.throws(() => parseTime("d", "soon", "ms"), ConfigError);
  });
});

describe("parseArgs: errors", () => {
  it("names an unknown option and points to the help", () => {
    configError(["-foo"], /^unknown option -foo \(see sipwright -h\)$/);
  });

  it("reports a missing value", () => {
    configError(["-r"], /option -r needs a value/);
    configError(["-key", "k"], /option -key needs 2 values/);
  });

  it("reports a bad number", () => {
    configError(["-r", "fast"], /-r: 'fast' is not a number/);
    configError(["-m", "1.5"], /-m: '1.5' is not an integer/);
    configError(["-p", "70000"], /out of range/);
  });

  it("explains that SCTP and ui transports are not supported", () => {
    configError(["-t", "s1"], /-t s1: SCTP \(s1\) is not supported; use u1, un, t1, tn, l1, ln/);
    configError(["-t", "ui"], /\(ui\) is not supported/);
  });

  it("reads -t l1 / ln with the TLS and reconnection options (SIPp's names and defaults)", () => {
    const base = run("-t", "ln", "127.0.0.1");
    assert.equal(base.transport, "ln");
    assert.deepEqual(base.tls, { minVersion: "1.2" });
    assert.deepEqual(base.reconnect, { max: 0, sleepMs: 1000, closeCalls: true });
    const c = run(
      ...["-t", "l1", "-tls_cert", "/c.pem", "-tls_key", "/k.pem", "-tls_ca", "/ca.pem", "-tls_version", "1.3"],
      ...["--tls-servername", "sip.example", "--tls-insecure"],
      ...["-max_reconnect", "-1", "-reconnect_sleep", "250", "-reconnect_close", "false", "127.0.0.1"],
    );
    assert.equal(c.transport, "l1");
    assert.deepEqual(c.tls, {
      certFile: "/c.pem",
      keyFile: "/k.pem",
      caFile: "/ca.pem",
      minVersion: "1.3",
      servername: "sip.example",
      insecure: true,
    });
    assert.deepEqual(c.reconnect, { max: -1, sleepMs: 250, closeCalls: false });
    assert.equal(run("-t", "l1", "--tls-client-cert").tls.requestClientCert, true);
    configError(["-tls_version", "1.0"], /-tls_version: '1.0' is not one of 1.2, 1.3/);
    configError(["-reconnect_close", "yes"], /-reconnect_close: 'yes' is not one of true, false/);
    configError(["-max_reconnect", "-2"], /out of range/);
  });

  it("rejects an unknown default behavior", () => {
    configError(["-default_behaviors", "all,-nope"], /unknown behavior 'nope'/);
  });

  it("rejects -infindex for a file that was not given with -inf", () => {
    configError(["-infindex", "x.csv", "0"], /no -inf file/);
  });
});

describe("parseArgs: subcommands", () => {
  it("parses validate FILE...", () => {
    assert.deepEqual(parseArgs(["validate", "a.xml", "/b.xml"], env), {
      kind: "validate",
      files: ["/work/here/a.xml", "/b.xml"],
      keys: new Map(),
      webrtc: false,
    });
    configError(["validate"], /at least one/);
  });

  it("parses validate -key NAME VALUE for scenarios with custom keywords", () => {
    assert.deepEqual(parseArgs(["validate", "-key", "token", "", "a.xml"], env), {
      kind: "validate",
      files: ["/work/here/a.xml"],
      keys: new Map([["token", ""]]),
      webrtc: false,
    });
    configError(["validate", "-key", "x"], /NAME and a VALUE/);
    configError(["validate", "-r", "1", "a.xml"], /unknown option -r/);
  });

  it("parses validate --webrtc: the files are checked as a --webrtc run would check them", () => {
    assert.deepEqual(parseArgs(["validate", "--webrtc", "a.xml"], env), {
      kind: "validate",
      files: ["/work/here/a.xml"],
      keys: new Map(),
      webrtc: true,
    });
  });

  it("parses demo with and without options", () => {
    assert.deepEqual(parseArgs(["demo"], env), { kind: "demo", outDir: undefined, calls: 10, rtp: false });
    assert.deepEqual(parseArgs(["demo", "--out", "d", "--calls", "3", "--rtp"], env), {
      kind: "demo",
      outDir: "/work/here/d",
      calls: 3,
      rtp: true,
    });
    configError(["demo", "--bogus"], /demo: unknown option --bogus/);
  });

  it("parses the WebRTC options into webrtcOptions", () => {
    const c = parseArgs(
      ["-sn", "uas", "--webrtc", "--ice-server", "stun:127.0.0.1:3478", "--ice-server", "turn:127.0.0.1?transport=tcp"]
        .concat(["--ice-policy", "relay", "--turn-secret", "s3", "--turn-ttl", "600", "--turn-user", "bob"])
        .concat(["--trickle", "full", "--ice-address", "127.0.0.1", "--ice-timeout", "5000", "--dtls-timeout", "4000"]),
      env,
    );
    assert.ok(c.kind === "run");
    assert.equal(c.config.webrtc, true);
    const w = c.config.webrtcOptions;
    assert.deepEqual(w.iceServers, ["stun:127.0.0.1:3478", "turn:127.0.0.1?transport=tcp"]);
    assert.deepEqual(
      [w.icePolicy, w.turnSecret, w.turnTtlS, w.turnUser, w.trickle],
      ["relay", "s3", 600, "bob", "full"],
    );
    assert.deepEqual([w.candidateAddresses, w.iceTimeoutMs, w.dtlsTimeoutMs], [["127.0.0.1"], 5000, 4000]);
    configError(["--trickle", "sometimes"], /--trickle: 'sometimes' is not one of auto, trickle, half, full/);
    const d = parseArgs(["-sn", "uas", "--webrtc", "-T1", "250"], env);
    assert.ok(d.kind === "run");
    assert.deepEqual(
      [d.config.webrtcOptions.trickle, d.config.webrtcOptions.gatherTimeoutMs, d.config.t1Ms],
      ["auto", 2000, 250],
    );
    configError(["--ice-policy", "any"], /--ice-policy: 'any' is not one of all, relay/);
  });

  it("accepts an explicit run subcommand", () => {
    const c = parseArgs(["run", "-sn", "uas"], env);
    assert.equal(c.kind === "run" ? c.config.scenarioName : undefined, "uas");
  });

  it("recognises help and version", () => {
    for (const a of ["-h", "--help"]) assert.deepEqual(parseArgs([a], env), { kind: "help" });
    for (const a of ["-v", "--version"]) assert.deepEqual(parseArgs([a], env), { kind: "version" });
    assert.deepEqual(parseArgs(["-sn", "uac", "-h"], env), { kind: "help" });
  });
});
