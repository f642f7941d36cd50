/**
 * A WSS server that dies mid-run (a sipwright child process, killed by its pid): the client's in-flight calls end
 * as transport_error naming the loss, the run ends by itself, and every created call has its JSONL record. And a
 * server that stops answering WebSocket pings: the connection is lost after --ws-ping, the same way.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { join } from "node:path";
import { WebSocketServer } from "ws";
import type { TransportMode } from "../../../src/engine/run/run-config.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import { makeTestCerts, type TestCerts } from "../../helpers/test-certs.js";
import { freeTcpPort, waitUntilBound } from "../../helpers/free-port.js";
import { startSipwright } from "../../helpers/sipwright.js";
import { stopStartedProcesses, waitExit } from "../../helpers/processes.js";
import { describeRun, failureCounts, prepareSide, withTempDir } from "./run-pair.js";

describe("WebSocket server lost mid-run", () => {
  let certs: TestCerts;
  before(() => {
    certs = makeTestCerts();
  });
  after(async () => {
    await stopStartedProcesses();
    certs.cleanup();
  });

  it("-t ws1 --ws-ping: a server whose pong never comes back loses the connection; the call fails, the run ends", async () => {
    // A WebSocket server that accepts sip but never answers a ping nor the INVITE (ws's autoPong off).
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "sip", autoPong: false });
    await once(server, "listening");
    try {
      const address = server.address();
      assert.ok(address !== null && typeof address === "object");
      await withTempDir(async (dir) => {
        const uacSide = await prepareSide(dir, "uac", {
          scenarioName: "uac",
          maxCalls: 1,
          transport: "ws1",
          ws: { path: "/", origin: undefined, pingIntervalMs: 200 },
          remoteHost: "127.0.0.1",
          remotePort: address.port,
        });
        const uac = await uacSide.run();
        assert.notEqual(uac.reason, "global_timeout", describeRun(uac));
        assert.deepEqual(failureCounts(uac.snapshot), { transport_error: 1 }, describeRun(uac));
        const [record] = await readCallRecords(uac.callRecordsPath ?? "");
        assert.equal(record?.failure?.class, "transport_error");
        assert.match(record.failure.reason, /no WebSocket pong within 200 ms/);
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  for (const mode of ["wss1", "wssn"] as const satisfies readonly TransportMode[]) {
    it(`-t ${mode}: in-flight calls fail as transport_error, the run ends by itself, every record is written`, async () => {
      await withTempDir(async (dir) => {
        const port = await freeTcpPort();
        const server = await startSipwright([
          ...["-sn", "uas", "-t", mode, "-i", "127.0.0.1", "-p", String(port), "--status", "none"],
          ...["--out", join(dir, "uas"), "-tls_cert", certs.server.cert, "-tls_key", certs.server.key],
          ...["-timeout", "60s"],
        ]);
        await waitUntilBound(port, "tcp", 20_000, () => !server.isAlive());
        const uacSide = await prepareSide(dir, "uac", {
          scenarioName: "uac",
          maxCalls: 400,
          rate: 20,
          // Each call pauses 4 s after its ACK: when the server dies, every created call is in flight.
          defaultPauseMs: 4000,
          transport: mode,
          tls: { caFile: certs.ca.cert },
          remoteHost: "127.0.0.1",
          remotePort: port,
        });
        let started = 0;
        uacSide.controller.on("callStarted", () => {
          started++;
          if (started === 10) server.kill("SIGKILL");
        });
        const uac = await uacSide.run();
        await waitExit(server, 10_000);
        const s = uac.snapshot;
        assert.notEqual(uac.reason, "global_timeout", describeRun(uac));
        // wss1: the shared connection is gone and the run stops; wssn: each later call tries its own connection
        // and fails at once (refused), as SIPp's tn does, until -m.
        if (mode === "wss1") assert.ok(s.created.cumulative >= 10 && s.created.cumulative < 400, describeRun(uac));
        else assert.equal(s.created.cumulative, 400, describeRun(uac));
        assert.equal(s.succeeded.cumulative, 0, describeRun(uac));
        assert.deepEqual(failureCounts(s), { transport_error: s.created.cumulative }, describeRun(uac));
        const records = await readCallRecords(uac.callRecordsPath ?? "");
        assert.equal(records.length, s.created.cumulative);
        for (const r of records) {
          assert.equal(r.transport, "WSS");
          assert.equal(r.failure?.class, "transport_error");
          assert.match(r.failure.reason, /connection lost|closed by peer|connection is closed|connection refused/);
        }
      });
    });
  }
});
