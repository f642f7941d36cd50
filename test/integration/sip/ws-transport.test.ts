/**
 * WsTransport (RFC 7118) on 127.0.0.1: framing (one SIP message per WebSocket message), the `sip` subprotocol both
 * ways, path, Host and Origin, ping/pong keep-alive and loss, clean close, WSS with generated certificates.
 */
import { after, before, describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { WebSocket, WebSocketServer } from "ws";
import { WsTransport, type WsOptions } from "../../../src/sip/ws-transport.js";
import { SipwrightError } from "../../../src/shared/errors.js";
import { makeTestCerts, type TestCerts } from "../../helpers/test-certs.js";
import { HandlerRecorder } from "./handler-recorder.js";

const message = (callId: string, body = "", contentLength = true): Buffer =>
  Buffer.from(
    `MESSAGE sip:b@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS abc.invalid;branch=z9hG4bK1\r\nCall-ID: ${callId}\r\n` +
      `CSeq: 1 MESSAGE\r\n${contentLength ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ""}\r\n${body}`,
  );

const PLAIN: WsOptions = { secure: false, path: "/", pingIntervalMs: 0 };

/** Resolves with the `index`th argument of the first `event` that `emitter` emits, or rejects after 2 s. */
async function next<T>(emitter: NodeJS.EventEmitter, event: string, index = 0): Promise<T> {
  const args = (await once(emitter, event, { signal: AbortSignal.timeout(2000) })) as T[];
  return args[index] as T;
}

void describe("WsTransport", () => {
  const open: { close(): Promise<void> | void }[] = [];
  let certs: TestCerts;
  before(() => {
    certs = makeTestCerts();
  });
  after(async () => {
    for (const t of open.reverse()) await t.close();
    certs.cleanup();
  });

  async function listen(handlers: HandlerRecorder, options: Partial<WsOptions> = {}): Promise<WsTransport> {
    const t = await WsTransport.listen({ address: "127.0.0.1", port: 0 }, { ...PLAIN, ...options }, handlers);
    open.push(t);
    return t;
  }

  /** A bare `ws` server (not ours), to play a server that misbehaves. */
  async function rawServer(options: ConstructorParameters<typeof WebSocketServer>[0]): Promise<WebSocketServer> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, ...options });
    await next(server, "listening");
    open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    return server;
  }

  const portOf = (server: WebSocketServer): number => {
    const address = server.address();
    assert.ok(address !== null && typeof address === "object");
    return address.port;
  };

  void it("carries one SIP message per WebSocket message both ways and answers on the same connection", async () => {
    const serverEvents = new HandlerRecorder();
    const server = await listen(serverEvents, { path: "/sip-ws" });
    const clientEvents = new HandlerRecorder();
    const client = await listen(clientEvents, { path: "/sip-ws", origin: "https://app.example" });
    const conn = await client.connect(server.local, { localAddress: "127.0.0.1", hostName: "proxy.example" });
    assert.equal(conn.transport, "WS");
    assert.deepEqual(conn.remote, server.local);

    const body = "héllo ✓";
    assert.equal(conn.send(message("first", body), server.local), true);
    // RFC 7118 5: Content-Length is optional on WebSocket; the body is the rest of the message.
    assert.equal(conn.send(message("second", "no length", false), server.local), true);
    const events = await serverEvents.waitFor(2);
    assert.deepEqual(
      events.map((e) => (e.kind === "message" ? `${e.message.callId}:${e.message.bodyText()}` : e.kind)),
      [`first:${body}`, "second:no length"],
    );
    const accepted = events[0]?.connection;
    assert.ok(accepted);
    assert.equal(accepted.transport, "WS");
    assert.deepEqual(accepted.remote, conn.local);

    accepted.send(message("reply"), { host: "ignored.invalid", port: 1 });
    const [reply] = await clientEvents.waitFor(1);
    assert.ok(reply?.kind === "message" && reply.message.callId === "reply");
    assert.equal(reply.connection, conn);
  });

  void it("sends Sec-WebSocket-Protocol: sip, the Host as typed, the Origin and the path", async () => {
    const seen: IncomingMessage[] = [];
    const server = await rawServer({
      handleProtocols: (protocols, request) => {
        seen.push(request);
        return protocols.has("sip") ? "sip" : false;
      },
    });
    const client = await listen(new HandlerRecorder(), { path: "/ws?x=1", origin: "https://app.example" });
    const conn = await client.connect(
      { host: "127.0.0.1", port: portOf(server) },
      { hostName: "proxy.example", localAddress: "127.0.0.1" },
    );
    const request = seen[0];
    assert.ok(request);
    assert.equal(request.url, "/ws?x=1");
    assert.equal(request.headers["sec-websocket-protocol"], "sip");
    assert.equal(request.headers.host, `proxy.example:${portOf(server)}`);
    assert.equal(request.headers.origin, "https://app.example");
    conn.close();
  });

  void it("accepts binary frames and answers a double-CRLF keep-alive with one CRLF", async () => {
    const events = new HandlerRecorder();
    const server = await listen(events);
    const ws = new WebSocket(`ws://127.0.0.1:${server.local.port}/`, ["sip"]);
    open.push({ close: () => ws.terminate() });
    await next(ws, "open");
    assert.equal(ws.protocol, "sip");
    ws.send(message("binary", "x"), { binary: true });
    const [got] = await events.waitFor(1);
    assert.ok(got?.kind === "message" && got.message.callId === "binary" && got.message.bodyText() === "x");
    ws.send("\r\n\r\n");
    const pong = await next<Buffer>(ws, "message");
    assert.equal(pong.toString(), "\r\n");
    // A message that is not SIP is a parse error, not a crash or a closed connection.
    ws.send("hello");
    const [, bad] = await events.waitFor(2);
    assert.equal(bad?.kind, "parseError");
    assert.equal(ws.readyState, WebSocket.OPEN);
  });

  void it("refuses a client that does not offer the sip subprotocol with HTTP 400 and the reason", async () => {
    const server = await listen(new HandlerRecorder());
    const ws = new WebSocket(`ws://127.0.0.1:${server.local.port}/`, ["chat"]);
    // terminate() below reports "closed before the connection was established": expected, the handshake failed.
    ws.on("error", () => undefined);
    const response = await next<IncomingMessage>(ws, "unexpected-response", 1);
    assert.equal(response.statusCode, 400);
    let body = "";
    for await (const chunk of response) body += String(chunk);
    assert.match(body, /RFC 7118 requires the WebSocket subprotocol "sip".*offered "chat"/);
    ws.terminate();

    const none = new WebSocket(`ws://127.0.0.1:${server.local.port}/`);
    none.on("error", () => undefined); // as above
    const refused = await next<IncomingMessage>(none, "unexpected-response", 1);
    assert.equal(refused.statusCode, 400);
    none.terminate();
  });

  void it("refuses another path with 404", async () => {
    const server = await listen(new HandlerRecorder(), { path: "/sip" });
    const client = await listen(new HandlerRecorder(), { path: "/other" });
    await assert.rejects(client.connect(server.local), (error: unknown) => {
      assert.ok(error instanceof SipwrightError);
      assert.equal(error.code, "CONNECT_FAILED");
      assert.match(error.message, /HTTP 404 Not Found: no SIP WebSocket at \/other \(this server serves \/sip\)/);
      return true;
    });
  });

  void it("fails the connection when the server does not select sip (RFC 7118 4)", async () => {
    const server = await rawServer({ handleProtocols: () => false });
    const client = await listen(new HandlerRecorder());
    await assert.rejects(client.connect({ host: "127.0.0.1", port: portOf(server) }), (error: unknown) => {
      assert.ok(error instanceof SipwrightError);
      assert.equal(error.code, "CONNECT_FAILED");
      assert.match(error.message, /did not select the WebSocket subprotocol "sip"/);
      return true;
    });
  });

  void it("names a refused connection", async () => {
    const probe = await rawServer({});
    const port = portOf(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = await listen(new HandlerRecorder());
    await assert.rejects(client.connect({ host: "127.0.0.1", port }), /connection refused \(ECONNREFUSED\)/);
  });

  void it("closes with close frame 1000 and reports a peer's close with its code", async () => {
    const server = await rawServer({ handleProtocols: () => "sip" });
    const accepted = next<WebSocket>(server, "connection");
    const events = new HandlerRecorder();
    const client = await listen(events);
    const first = await client.connect({ host: "127.0.0.1", port: portOf(server) });
    const peer = await accepted;
    const closeCode = next<number>(peer, "close");
    first.close();
    assert.equal(await closeCode, 1000);
    assert.equal(first.closed, true);

    const again = next<WebSocket>(server, "connection");
    const second = await client.connect({ host: "127.0.0.1", port: portOf(server) });
    (await again).close(1000, "bye");
    const [closed] = await events.waitFor(1);
    assert.ok(closed?.kind === "closed" && closed.connection === second);
    assert.equal(closed.error?.message, "closed by peer (close frame 1000: bye)");

    const third = next<WebSocket>(server, "connection");
    const lost = await client.connect({ host: "127.0.0.1", port: portOf(server) });
    (await third).terminate();
    const [, gone] = await events.waitFor(2);
    assert.ok(gone?.kind === "closed" && gone.connection === lost);
    assert.match(gone.error?.message ?? "", /connection lost|ECONNRESET/);
  });

  void it("pings every --ws-ping interval and closes a connection whose pong does not come back", async () => {
    const answering = await rawServer({ handleProtocols: () => "sip" });
    const pings: number[] = [];
    answering.on("connection", (ws: WebSocket) => ws.on("ping", () => pings.push(Date.now())));
    const events = new HandlerRecorder();
    const client = await listen(events, { pingIntervalMs: 50 });
    const alive = await client.connect({ host: "127.0.0.1", port: portOf(answering) });
    const silent = await rawServer({ handleProtocols: () => "sip", autoPong: false });
    const dead = await client.connect({ host: "127.0.0.1", port: portOf(silent) });
    const [closed] = await events.waitFor(1);
    assert.ok(closed?.kind === "closed" && closed.connection === dead);
    assert.equal(closed.error?.message, "connection lost (no WebSocket pong within 50 ms)");
    assert.ok(pings.length >= 1, "the answering server saw pings");
    assert.equal(alive.closed, false);
  });

  void it("connects over WSS with the server's certificate, verified against the CA, or not at all in lab mode", async () => {
    const events = new HandlerRecorder();
    const server = await listen(events, {
      secure: true,
      serverTls: { cert: readFileSync(certs.server.cert), key: readFileSync(certs.server.key) },
    });
    const names: string[] = [];
    const client = await listen(new HandlerRecorder(), {
      secure: true,
      clientTls: (hostName) => (names.push(hostName), { ca: readFileSync(certs.ca.cert), servername: hostName }),
    });
    const conn = await client.connect(server.local, { hostName: "localhost" });
    assert.equal(conn.transport, "WSS");
    assert.deepEqual(names, ["localhost"]);
    conn.send(message("secure"), server.local);
    const [got] = await events.waitFor(1);
    assert.ok(got?.kind === "message" && got.message.callId === "secure" && got.connection.transport === "WSS");

    const untrusting = await listen(new HandlerRecorder(), { secure: true });
    await assert.rejects(untrusting.connect(server.local), /UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    const insecure = await listen(new HandlerRecorder(), {
      secure: true,
      clientTls: () => ({ rejectUnauthorized: false }),
    });
    const lab = await insecure.connect(server.local);
    assert.equal(lab.transport, "WSS");
  });

  void it("a WSS listener without a certificate refuses every handshake", async () => {
    const server = await listen(new HandlerRecorder(), { secure: true });
    const client = await listen(new HandlerRecorder(), {
      secure: true,
      clientTls: () => ({ rejectUnauthorized: false }),
    });
    await assert.rejects(client.connect(server.local), (error: unknown) => {
      assert.ok(error instanceof SipwrightError && error.code === "CONNECT_FAILED");
      return true;
    });
  });
});
