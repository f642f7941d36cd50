import { after, before, describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:net";
import { once } from "node:events";
import { StreamTransport } from "../../../src/sip/stream-transport.js";
import type { TlsSettings } from "../../../src/sip/tls-options.js";
import { SipwrightError } from "../../../src/shared/errors.js";
import { makeTestCerts, type CertFiles, type TestCerts } from "../../helpers/test-certs.js";
import { HandlerRecorder } from "./handler-recorder.js";

const message = (callId: string, body = ""): Buffer =>
  Buffer.from(
    `MESSAGE sip:b@127.0.0.1 SIP/2.0\r\nCall-ID: ${callId}\r\nCSeq: 1 MESSAGE\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );

void describe("StreamTransport over TLS", () => {
  let certs: TestCerts;
  const open: StreamTransport[] = [];
  before(() => {
    certs = makeTestCerts();
  });
  after(async () => {
    await Promise.all(open.map((t) => t.close()));
    certs.cleanup();
  });

  async function listen(handlers: HandlerRecorder, tls: TlsSettings, clientOnly = false): Promise<StreamTransport> {
    const t = await StreamTransport.listen(
      { address: "127.0.0.1", port: 0, transport: "TLS", tls, clientOnly },
      handlers,
    );
    open.push(t);
    return t;
  }

  const serverWith = (files: CertFiles): Promise<StreamTransport> =>
    listen(new HandlerRecorder(), { certFile: files.cert, keyFile: files.key });

  async function connectError(server: StreamTransport, tls: TlsSettings, hostName?: string): Promise<string> {
    const client = await listen(new HandlerRecorder(), tls, true);
    const error = await client.connect(server.local, { localAddress: "127.0.0.1", hostName }).then(
      () => assert.fail("connected"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof SipwrightError);
    assert.equal(error.code, "CONNECT_FAILED");
    return error.message;
  }

  void it("carries framed SIP both ways over a verified connection", async () => {
    const serverEvents = new HandlerRecorder();
    const server = await listen(serverEvents, { certFile: certs.server.cert, keyFile: certs.server.key });
    const clientEvents = new HandlerRecorder();
    const client = await listen(clientEvents, { caFile: certs.ca.cert }, true);
    const conn = await client.connect(server.local, { localAddress: "127.0.0.1" });
    assert.equal(conn.transport, "TLS");
    assert.deepEqual(conn.remote, server.local);
    conn.send(Buffer.concat([message("one", "héllo"), message("two")]), server.local);
    const events = await serverEvents.waitFor(2);
    assert.deepEqual(
      events.map((e) => (e.kind === "message" ? `${e.message.callId}:${e.message.bodyText()}` : e.kind)),
      ["one:héllo", "two:"],
    );
    const accepted = events[0]?.connection;
    assert.ok(accepted);
    assert.equal(accepted.transport, "TLS");
    assert.deepEqual(accepted.remote, conn.local);
    accepted.send(message("reply"), conn.local);
    const [reply] = await clientEvents.waitFor(1);
    assert.ok(reply?.kind === "message");
    assert.equal(reply.message.callId, "reply");
    assert.equal(reply.connection, conn);
  });

  void it("names why a certificate is refused, and the lab switch accepts it", async () => {
    const selfSigned = await serverWith(certs.selfSigned);
    assert.match(
      await connectError(selfSigned, { caFile: certs.ca.cert }),
      /over TLS: TLS certificate verification failed: self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    );
    const expired = await serverWith(certs.expired);
    assert.match(
      await connectError(expired, { caFile: certs.ca.cert }),
      /certificate has expired \(CERT_HAS_EXPIRED\)/,
    );
    const wrongName = await serverWith(certs.wrongName);
    assert.match(await connectError(wrongName, { caFile: certs.ca.cert }), /hostname mismatch/);
    // Node's own CA bundle does not know the test CA.
    const good = await serverWith(certs.server);
    assert.match(await connectError(good, {}), /certificate issuer not trusted/);
    // SNI / the name checked: "localhost" is in the certificate, "other.invalid" is not.
    const viaName = await listen(new HandlerRecorder(), { caFile: certs.ca.cert }, true);
    await viaName.connect(good.local, { localAddress: "127.0.0.1", hostName: "localhost" });
    assert.match(await connectError(good, { caFile: certs.ca.cert }, "other.invalid"), /hostname mismatch/);

    const insecure = await listen(new HandlerRecorder(), { insecure: true }, true);
    const conn = await insecure.connect(selfSigned.local, { localAddress: "127.0.0.1" });
    assert.equal(conn.transport, "TLS");
  });

  void it("fails, without hanging, against a closed port and a peer that does not speak TLS", async () => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1");
    await once(probe, "listening");
    const address = probe.address();
    assert.ok(address !== null && typeof address === "object");
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = await listen(new HandlerRecorder(), { caFile: certs.ca.cert }, true);
    const refused = await client.connect({ host: "127.0.0.1", port: address.port }, { localAddress: "127.0.0.1" }).then(
      () => "connected",
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    assert.match(refused, /connection refused \(ECONNREFUSED\)/);

    // A plain TCP server that answers the ClientHello with text (and reads, so that it sees the client's close).
    const plain: Server = createServer((socket) => socket.resume().end("SIP/2.0 400 Bad Request\r\n\r\n"));
    plain.listen(0, "127.0.0.1");
    await once(plain, "listening");
    const plainAddress = plain.address();
    assert.ok(plainAddress !== null && typeof plainAddress === "object");
    try {
      const reason = await client
        .connect({ host: "127.0.0.1", port: plainAddress.port }, { localAddress: "127.0.0.1" })
        .then(
          () => "connected",
          (e: unknown) => (e instanceof Error ? e.message : String(e)),
        );
      assert.match(reason, /cannot connect to 127\.0\.0\.1:\d+ over TLS: /);
      assert.notEqual(reason, "connected");
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  void it("reports the server closing an established connection to the client", async () => {
    const server = await serverWith(certs.server);
    const clientEvents = new HandlerRecorder();
    const client = await listen(clientEvents, { caFile: certs.ca.cert }, true);
    await client.connect(server.local, { localAddress: "127.0.0.1" });
    await server.close();
    const [closed] = await clientEvents.waitFor(1);
    assert.equal(closed?.kind, "closed");
    assert.equal(closed.connection.transport, "TLS");
  });

  void it("--tls-client-cert: the server accepts a client certificate from its CA and drops a client without", async () => {
    const serverEvents = new HandlerRecorder();
    const server = await listen(serverEvents, {
      certFile: certs.server.cert,
      keyFile: certs.server.key,
      caFile: certs.ca.cert,
      requestClientCert: true,
    });
    // The CA-signed certificate doubles as the client's (its extendedKeyUsage has clientAuth).
    const withCert = await listen(
      new HandlerRecorder(),
      { caFile: certs.ca.cert, certFile: certs.server.cert, keyFile: certs.server.key },
      true,
    );
    const conn = await withCert.connect(server.local, { localAddress: "127.0.0.1" });
    conn.send(message("mutual"), server.local);
    const [received] = await serverEvents.waitFor(1);
    assert.equal(received?.kind === "message" && received.message.callId, "mutual");

    // TLS 1.3: the client finishes its handshake first; the server's alert then ends the connection.
    const withoutEvents = new HandlerRecorder();
    const without = await listen(withoutEvents, { caFile: certs.ca.cert }, true);
    const outcome = await without.connect(server.local, { localAddress: "127.0.0.1" }).then(
      async () => {
        const [closed] = await withoutEvents.waitFor(1);
        assert.equal(closed?.kind, "closed");
        return closed.error;
      },
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    assert.match(String(outcome?.message), /certificate required|client certificate|alert/i);
    assert.equal(serverEvents.events.length, 1);
  });

  void it("refuses to listen as a TLS server without a certificate", async () => {
    await assert.rejects(
      StreamTransport.listen({ address: "127.0.0.1", port: 0, transport: "TLS", tls: {} }, new HandlerRecorder()),
      /a TLS server needs -tls_cert FILE and -tls_key FILE/,
    );
  });
});
