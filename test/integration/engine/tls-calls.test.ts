/**
 * SIP over TLS, sipwright against sipwright on 127.0.0.1 with certificates made by the test: -t l1 (one shared
 * connection) and -t ln (one per call), the Via / Contact bytes, a certificate the client must not trust, and the
 * server killed mid-run (a child process, killed by its pid) with -max_reconnect.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunConfig, TransportMode } from "../../../src/engine/run/run-config.js";
import { defaultRunConfig } from "../../../src/cli/parse-args.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import { makeTestCerts, type TestCerts } from "../../helpers/test-certs.js";
import { freeTcpPort, waitUntilBound } from "../../helpers/free-port.js";
import { startSipwright } from "../../helpers/sipwright.js";
import { stopStartedProcesses, waitExit, type StartedProcess } from "../../helpers/processes.js";
import { describeRun, failureCounts, prepareSide, runPair, withTempDir } from "./run-pair.js";

const OPTIONS_UAC = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="tls options uac">
  <send>
    <![CDATA[
      OPTIONS sip:[service]@[remote_ip]:[remote_port];transport=[contact_transport] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:a@[local_ip]:[local_port]>;tag=[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 OPTIONS
      Contact: <sip:a@[local_ip]:[local_port];transport=[contact_transport]>
      Content-Length: 0
    ]]>
  </send>
  <recv response="200"/>
</scenario>
`;

const OPTIONS_UAS = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="tls options uas">
  <recv request="OPTIONS"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:b@[local_ip]:[local_port];transport=[contact_transport]>
      Content-Length: 0
    ]]>
  </send>
</scenario>
`;

void describe("SIP over TLS", () => {
  let certs: TestCerts;
  before(() => {
    certs = makeTestCerts();
  });
  after(async () => {
    await stopStartedProcesses();
    certs.cleanup();
  });

  const serverTls = (): RunConfig["tls"] => ({ certFile: certs.server.cert, keyFile: certs.server.key });
  const clientTls = (): RunConfig["tls"] => ({ caFile: certs.ca.cert });

  for (const mode of ["l1", "ln"] as const satisfies readonly TransportMode[]) {
    void it(`completes 100 calls over -t ${mode}, nothing retransmitted`, async () => {
      const calls = 100;
      const { uas, uac } = await runPair({
        uas: { scenarioName: "uas", maxCalls: calls, transport: mode, tls: serverTls() },
        uac: { scenarioName: "uac", maxCalls: calls, rate: 100, transport: mode, tls: clientTls() },
      });
      assert.equal(uac.exitCode, 0, describeRun(uac));
      assert.equal(uas.exitCode, 0, describeRun(uas));
      assert.equal(uac.snapshot.succeeded.cumulative, calls);
      assert.equal(uas.snapshot.succeeded.cumulative, calls);
      assert.equal(uac.snapshot.retransmissions.cumulative, 0);
    });
  }

  void it("renders Via SIP/2.0/TLS, transport=tls and [local_port] on the wire", async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, "uac.xml"), OPTIONS_UAC);
      await writeFile(join(dir, "uas.xml"), OPTIONS_UAS);
      const uasSide = await prepareSide(dir, "uas", {
        scenarioFile: join(dir, "uas.xml"),
        maxCalls: 1,
        transport: "l1",
        tls: serverTls(),
        trace: { ...defaultTrace(), msg: true },
      });
      const uasPort = uasSide.environment.values.localPort;
      const uacSide = await prepareSide(dir, "uac", {
        scenarioFile: join(dir, "uac.xml"),
        maxCalls: 1,
        transport: "l1",
        tls: clientTls(),
        remoteHost: "127.0.0.1",
        remotePort: uasPort,
        trace: { ...defaultTrace(), msg: true },
      });
      const uacPort = uacSide.environment.values.localPort;
      const [uas, uac] = await Promise.all([uasSide.run(), uacSide.run()]);
      assert.equal(uac.exitCode, 0, describeRun(uac));
      assert.equal(uas.exitCode, 0, describeRun(uas));
      const uasLog = await readFile(uas.tracePaths.messages ?? "", "latin1");
      assert.match(uasLog, /TLS message received/);
      assert.ok(uasLog.includes(`OPTIONS sip:service@127.0.0.1:${uasPort};transport=tls SIP/2.0\r\n`), uasLog);
      assert.ok(uasLog.includes(`\r\nVia: SIP/2.0/TLS 127.0.0.1:${uacPort};branch=z9hG4bK`), uasLog);
      assert.ok(uasLog.includes(`\r\nContact: <sip:a@127.0.0.1:${uacPort};transport=tls>\r\n`), uasLog);
      const uacLog = await readFile(uac.tracePaths.messages ?? "", "latin1");
      assert.ok(uacLog.includes(`\r\nContact: <sip:b@127.0.0.1:${uasPort};transport=tls>\r\n`), uacLog);
      const [record] = await readCallRecords(uac.callRecordsPath ?? "");
      assert.equal(record?.transport, "TLS");
    });
  });

  void it("fails calls as transport_error naming an untrusted certificate, and connects with --tls-insecure", async () => {
    await withTempDir(async (dir) => {
      const uasSide = await prepareSide(dir, "uas", {
        scenarioName: "uas",
        maxCalls: 3,
        transport: "ln",
        tls: { certFile: certs.selfSigned.cert, keyFile: certs.selfSigned.key },
      });
      const remote = { remoteHost: "127.0.0.1", remotePort: uasSide.environment.values.localPort };
      try {
        const refused = await prepareSide(dir, "refused", {
          scenarioName: "uac",
          maxCalls: 3,
          rate: 100,
          transport: "ln",
          tls: clientTls(),
          ...remote,
        });
        const result = await refused.run();
        assert.notEqual(result.exitCode, 0, describeRun(result));
        assert.deepEqual(failureCounts(result.snapshot), { transport_error: 3 });
        const records = await readCallRecords(result.callRecordsPath ?? "");
        assert.equal(records.length, 3);
        for (const r of records) {
          assert.equal(r.failure?.class, "transport_error");
          assert.match(r.failure.reason, /TLS certificate verification failed: self-signed certificate/);
        }
        // -t l1: the one connection is made before the run; the run does not start, and says why.
        await assert.rejects(
          prepareSide(dir, "refused-l1", {
            scenarioName: "uac",
            maxCalls: 1,
            transport: "l1",
            tls: clientTls(),
            ...remote,
          }),
          /over TLS: TLS certificate verification failed: self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
        );
      } finally {
        await uasSide.environment.close();
      }
      const { uas, uac } = await runPair({
        uas: {
          scenarioName: "uas",
          maxCalls: 3,
          transport: "ln",
          tls: { certFile: certs.selfSigned.cert, keyFile: certs.selfSigned.key },
        },
        uac: { scenarioName: "uac", maxCalls: 3, rate: 100, transport: "ln", tls: { insecure: true } },
      });
      assert.equal(uac.exitCode, 0, describeRun(uac));
      assert.equal(uas.exitCode, 0, describeRun(uas));
    });
  });

  void it("fails the in-flight calls as transport_error when the server dies, reconnects per -max_reconnect, ends", async () => {
    await withTempDir(async (dir) => {
      const port = await freeTcpPort();
      const server = await startSipwright([
        ...[
          "-sn",
          "uas",
          "-t",
          "l1",
          "-i",
          "127.0.0.1",
          "-p",
          String(port),
          "--status",
          "none",
          "--out",
          join(dir, "uas"),
        ],
        ...["-tls_cert", certs.server.cert, "-tls_key", certs.server.key, "-timeout", "60s"],
      ]);
      await waitUntilBound(port, "tcp", 20_000, () => !server.isAlive());
      const uacSide = await prepareSide(dir, "uac", {
        scenarioName: "uac",
        maxCalls: 400,
        rate: 20,
        defaultPauseMs: 4000,
        transport: "l1",
        tls: clientTls(),
        remoteHost: "127.0.0.1",
        remotePort: port,
        reconnect: { max: 2, sleepMs: 100, closeCalls: true },
      });
      // Kill the server once calls are up: each call pauses 4 s after its ACK, so many are in flight.
      let started = 0;
      uacSide.controller.on("callStarted", () => {
        started++;
        if (started === 20) server.kill("SIGKILL");
      });
      const uac = await uacSide.run();
      await waitExit(server, 10_000);
      const s = uac.snapshot;
      assert.notEqual(uac.exitCode, 0, describeRun(uac));
      assert.match(
        uac.fatalMessage ?? "",
        /TLS connection lost: .*Max number of reconnections reached/,
        describeRun(uac),
      );
      assert.ok(s.created.cumulative >= 20 && s.created.cumulative < 400, describeRun(uac));
      assert.equal(s.succeeded.cumulative, 0, describeRun(uac));
      assert.deepEqual(failureCounts(s), { transport_error: s.created.cumulative }, describeRun(uac));
      // Two reconnections were tried (both refused) before the run gave up.
      assert.equal(s.warnings.cumulative, 2, describeRun(uac));
      const records = await readCallRecords(uac.callRecordsPath ?? "");
      assert.equal(records.length, s.created.cumulative);
      for (const r of records) {
        assert.equal(r.failure?.class, "transport_error");
        assert.match(
          r.failure.reason,
          // A killed server's kernel resets the connection, or closes it (a write after its FIN: EPIPE).
          /connection lost: connection (reset|closed) by peer|shared connection is lost \(cannot connect/,
        );
      }
    });
  });

  void it("reconnects to a server restarted on the same port and goes on with new calls (-max_reconnect -1)", async () => {
    await withTempDir(async (dir) => {
      const port = await freeTcpPort();
      const serverArgs = (name: string): string[] => [
        ...["-sn", "uas", "-t", "l1", "-i", "127.0.0.1", "-p", String(port), "--status", "none"],
        ...["--out", join(dir, name), "-tls_cert", certs.server.cert, "-tls_key", certs.server.key, "-timeout", "60s"],
      ];
      const first = await startSipwright(serverArgs("uas-1"));
      await waitUntilBound(port, "tcp", 20_000, () => !first.isAlive());
      const calls = 40;
      const uacSide = await prepareSide(dir, "uac", {
        scenarioName: "uac",
        maxCalls: calls,
        rate: 20,
        defaultPauseMs: 500,
        transport: "l1",
        tls: clientTls(),
        remoteHost: "127.0.0.1",
        remotePort: port,
        reconnect: { max: -1, sleepMs: 200, closeCalls: true },
      });
      let started = 0;
      let restarted: Promise<StartedProcess> | undefined;
      uacSide.controller.on("callStarted", () => {
        started++;
        if (started !== 10) return;
        first.kill("SIGKILL");
        // The same port, once the first server is gone: the client's attempts are refused until it listens.
        restarted = waitExit(first, 10_000).then(() => startSipwright(serverArgs("uas-2")));
      });
      const uac = await uacSide.run();
      const second = await restarted;
      const s = uac.snapshot;
      assert.equal(uac.fatalMessage, undefined, describeRun(uac));
      assert.equal(s.created.cumulative, calls, describeRun(uac));
      // The calls in flight at the kill fail (about rate x call length, ~10); the later ones all go through.
      assert.ok(s.succeeded.cumulative >= calls / 2, describeRun(uac));
      assert.equal(s.succeeded.cumulative + s.failed.cumulative, calls, describeRun(uac));
      assert.ok(s.failed.cumulative >= 1, describeRun(uac));
      assert.deepEqual(failureCounts(s), { transport_error: s.failed.cumulative }, describeRun(uac));
      assert.ok(s.warnings.cumulative >= 1, describeRun(uac));
      const records = await readCallRecords(uac.callRecordsPath ?? "");
      assert.equal(records.length, calls);
      // The second server has no -m: it is stopped here, by its pid.
      assert.ok(second?.kill("SIGKILL"));
    });
  });
});

/** The default trace options of a run (every trace off), to switch one on. */
function defaultTrace(): RunConfig["trace"] {
  return defaultRunConfig({ isTTY: false, cwd: process.cwd(), primaryIp: "127.0.0.1" }).trace;
}
