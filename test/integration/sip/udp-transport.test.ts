import { after, describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { UdpTransport } from "../../../src/sip/udp-transport.js";
import { BindError } from "../../../src/shared/errors.js";
import { HandlerRecorder } from "./handler-recorder.js";

const options = (callId: string): Buffer =>
  Buffer.from(`OPTIONS sip:b@127.0.0.1 SIP/2.0\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`);

void describe("UdpTransport", () => {
  const open: UdpTransport[] = [];
  after(async () => {
    await Promise.all(open.map((t) => t.close()));
  });

  async function bind(handlers: HandlerRecorder, bufferSize?: number): Promise<UdpTransport> {
    const t = await UdpTransport.bind({ address: "127.0.0.1", port: 0, bufferSize }, handlers);
    open.push(t);
    return t;
  }

  void it("carries a message between two transports, both ways", async () => {
    const aEvents = new HandlerRecorder();
    const bEvents = new HandlerRecorder();
    const a = await bind(aEvents);
    const b = await bind(bEvents, 1 << 20);
    assert.equal(a.main.transport, "UDP");
    assert.equal(a.main.remote, undefined);
    assert.notEqual(a.main.local.port, 0);

    assert.equal(a.main.send(options("ab-1"), b.main.local), true);
    const [got] = await bEvents.waitFor(1);
    assert.ok(got?.kind === "message");
    assert.equal(got.message.callId, "ab-1");
    assert.deepEqual(got.from, a.main.local);
    assert.equal(got.connection, b.main);

    b.main.send(options("ba-1"), got.from);
    const [back] = await aEvents.waitFor(1);
    assert.ok(back?.kind === "message" && back.message.callId === "ba-1");
  });

  void it("reports a malformed datagram to onParseError and still delivers the next good one", async () => {
    const events = new HandlerRecorder();
    const receiver = await bind(events);
    const sender = await bind(new HandlerRecorder());
    sender.main.send(Buffer.from("this is not SIP\r\n\r\n"), receiver.main.local);
    sender.main.send(options("after-garbage"), receiver.main.local);
    const [first, second] = await events.waitFor(2);
    assert.ok(first?.kind === "parseError");
    assert.equal(first.raw.toString(), "this is not SIP\r\n\r\n");
    assert.deepEqual(first.from, sender.main.local);
    assert.ok(second?.kind === "message" && second.message.callId === "after-garbage");
  });

  void it("ignores a CRLF keep-alive datagram", async () => {
    const events = new HandlerRecorder();
    const receiver = await bind(events);
    const sender = await bind(new HandlerRecorder());
    sender.main.send(Buffer.from("\r\n\r\n"), receiver.main.local);
    sender.main.send(options("after-ping"), receiver.main.local);
    const [first] = await events.waitFor(1);
    assert.ok(first?.kind === "message" && first.message.callId === "after-ping");
  });

  void it("opens an extra socket (`-t un`) whose datagrams reach the same handlers", async () => {
    const events = new HandlerRecorder();
    const t = await bind(events);
    const peerEvents = new HandlerRecorder();
    const peer = await bind(peerEvents);
    const extra = await t.openSocket();
    assert.notEqual(extra.id, t.main.id);
    assert.equal(extra.local.host, "127.0.0.1");
    assert.notEqual(extra.local.port, t.main.local.port);
    assert.equal(t.socketCount, 2);

    extra.send(options("from-extra"), peer.main.local);
    const [atPeer] = await peerEvents.waitFor(1);
    assert.ok(atPeer?.kind === "message");
    assert.equal(atPeer.from.port, extra.local.port);
    peer.main.send(options("to-extra"), atPeer.from);
    const [atExtra] = await events.waitFor(1);
    assert.ok(atExtra?.kind === "message" && atExtra.message.callId === "to-extra");
    assert.equal(atExtra.connection, extra);

    extra.close();
    assert.equal(extra.closed, true);
    assert.equal(extra.send(options("x"), peer.main.local), false);
  });

  void it("returns false instead of throwing for an impossible destination", async () => {
    const t = await bind(new HandlerRecorder());
    assert.equal(t.main.send(options("x"), { host: "127.0.0.1", port: 70000 }), false);
  });

  void it("rejects with BindError when the port is taken, and close() is idempotent", async () => {
    const t = await bind(new HandlerRecorder());
    await assert.rejects(
      UdpTransport.bind({ address: "127.0.0.1", port: t.main.local.port }, new HandlerRecorder()),
      BindError,
    );
    await t.close();
    await t.close();
    assert.equal(t.main.closed, true);
    await assert.rejects(t.openSocket(), /closed/);
  });
});
