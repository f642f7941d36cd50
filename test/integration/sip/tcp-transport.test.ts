import { after, describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { connect, type Socket } from "node:net";
import { once } from "node:events";
import { StreamTransport as TcpTransport } from "../../../src/sip/stream-transport.js";
import { BindError, SipwrightError } from "../../../src/shared/errors.js";
import { HandlerRecorder } from "./handler-recorder.js";

const message = (callId: string, body = ""): Buffer =>
  Buffer.from(
    `MESSAGE sip:b@127.0.0.1 SIP/2.0\r\nCall-ID: ${callId}\r\nCSeq: 1 MESSAGE\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );

void describe("TcpTransport", () => {
  const open: TcpTransport[] = [];
  const rawSockets: Socket[] = [];
  after(async () => {
    for (const s of rawSockets) s.destroy();
    await Promise.all(open.map((t) => t.close()));
  });

  async function listen(handlers: HandlerRecorder): Promise<TcpTransport> {
    const t = await TcpTransport.listen({ address: "127.0.0.1", port: 0 }, handlers);
    open.push(t);
    return t;
  }

  void it("frames a message written in 3 chunks and 2 coalesced messages, and answers on the same connection", async () => {
    const serverEvents = new HandlerRecorder();
    const server = await listen(serverEvents);
    const clientEvents = new HandlerRecorder();
    const client = await listen(clientEvents);
    const conn = await client.connect(server.local, { localAddress: "127.0.0.1" });
    assert.equal(conn.transport, "TCP");
    assert.deepEqual(conn.remote, server.local);

    const first = message("chunked", "héllo ✓");
    const cuts = [10, 60, first.length];
    let start = 0;
    for (const cut of cuts) {
      assert.equal(conn.send(first.subarray(start, cut), server.local), true);
      start = cut;
      // The chunks may still coalesce in the kernel; the next test forces separate reads.
    }
    conn.send(Buffer.concat([message("second"), message("third", "x")]), server.local);

    const events = await serverEvents.waitFor(3);
    assert.deepEqual(
      events.map((e) => (e.kind === "message" ? `${e.message.callId}:${e.message.bodyText()}` : e.kind)),
      ["chunked:héllo ✓", "second:", "third:x"],
    );
    const accepted = events[0]?.connection;
    assert.ok(accepted);
    assert.equal(accepted.transport, "TCP");
    assert.deepEqual(accepted.remote, conn.local);
    assert.equal(events[0]?.kind === "message" && events[0].from.port, conn.local.port);

    accepted.send(message("reply"), { host: "ignored", port: 1 });
    const [reply] = await clientEvents.waitFor(1);
    assert.ok(reply?.kind === "message" && reply.message.callId === "reply");
    assert.equal(reply.connection, conn);
  });

  void it("frames chunks that really arrive separately", async () => {
    const events = new HandlerRecorder();
    const server = await listen(events);
    const socket = connect({ host: "127.0.0.1", port: server.local.port });
    rawSockets.push(socket);
    await once(socket, "connect");
    socket.setNoDelay(true);
    const bytes = message("slow", "abc");
    socket.write(bytes.subarray(0, 5));
    await new Promise((resolve) => setImmediate(resolve));
    socket.write(bytes.subarray(5, 40));
    await new Promise((resolve) => setImmediate(resolve));
    socket.write(Buffer.concat([bytes.subarray(40), Buffer.from("\r\n\r\n")]));
    const [got] = await events.waitFor(1);
    assert.ok(got?.kind === "message" && got.message.bodyText() === "abc");
    // The double-CRLF ping is answered with a single CRLF pong (RFC 5626 4.4.1).
    const [pong] = (await once(socket, "data")) as [Buffer];
    assert.equal(pong.toString(), "\r\n");
  });

  void it("reports garbage on a connection through onParseError and keeps the connection", async () => {
    const events = new HandlerRecorder();
    const server = await listen(events);
    const socket = connect({ host: "127.0.0.1", port: server.local.port });
    rawSockets.push(socket);
    await once(socket, "connect");
    socket.write(Buffer.concat([Buffer.from("GARBAGE LINE\r\n"), message("after")]));
    const [bad, good] = await events.waitFor(2);
    assert.ok(bad?.kind === "parseError");
    assert.ok(good?.kind === "message" && good.message.callId === "after");
  });

  void it("calls onConnectionClosed when the peer closes, on both sides of a connect()", async () => {
    const serverEvents = new HandlerRecorder();
    const server = await listen(serverEvents);
    const clientEvents = new HandlerRecorder();
    const client = await listen(clientEvents);
    const conn = await client.connect(server.local);
    conn.send(message("hello"), server.local);
    const [hello] = await serverEvents.waitFor(1);
    assert.ok(hello?.kind === "message");
    const accepted = hello.connection;

    // The accepted side closes: the connecting side hears about it.
    accepted.close();
    assert.equal(accepted.closed, true);
    const [closed] = await clientEvents.waitFor(1);
    assert.ok(closed?.kind === "closed");
    assert.equal(closed.connection, conn);
    assert.equal(conn.closed, true);
    assert.equal(conn.send(message("late"), server.local), false);
    // A local close() is not reported back to its own side.
    assert.equal(serverEvents.events.length, 1);
  });

  void it("calls onConnectionClosed when a raw peer disconnects from the server", async () => {
    const events = new HandlerRecorder();
    const server = await listen(events);
    const socket = connect({ host: "127.0.0.1", port: server.local.port });
    rawSockets.push(socket);
    await once(socket, "connect");
    socket.write(message("then-bye"));
    await events.waitFor(1);
    socket.end();
    const [, closed] = await events.waitFor(2);
    assert.ok(closed?.kind === "closed" && closed.error === undefined);
  });

  void it("rejects connect() with CONNECT_FAILED when nobody listens", async () => {
    const server = await listen(new HandlerRecorder());
    const other = await listen(new HandlerRecorder());
    const deadPort = other.local.port;
    await other.close();
    await assert.rejects(server.connect({ host: "127.0.0.1", port: deadPort }), (error: unknown) => {
      assert.ok(error instanceof SipwrightError);
      assert.equal(error.code, "CONNECT_FAILED");
      return true;
    });
  });

  void it("rejects listen() with BindError when the port is taken, and close() is idempotent", async () => {
    const server = await listen(new HandlerRecorder());
    await assert.rejects(
      TcpTransport.listen({ address: "127.0.0.1", port: server.local.port }, new HandlerRecorder()),
      BindError,
    );
    const conn = await server.connect(server.local);
    await server.close();
    await server.close();
    assert.equal(conn.closed, true);
    await assert.rejects(server.connect(server.local), /closed/);
  });
});
