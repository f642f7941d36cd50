/**
 * Stream server limits (issue 12 item 6): beyond --max-connections an accepted connection is closed at once and
 * reported as refused; an accepted connection without traffic for --idle-timeout is closed, reported as idle and
 * as a lost connection; traffic, or a call still using it, keeps a connection open. TCP and WS servers.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { WebSocket } from "ws";
import { StreamTransport } from "../../../src/sip/stream-transport.js";
import { WsTransport } from "../../../src/sip/ws-transport.js";
import type { ConnectionShedReason, Peer, TransportHandlers } from "../../../src/sip/transport.js";

const OPTIONS = Buffer.from(
  "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK1\r\nCall-ID: limits-1\r\n" +
    "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
);

class Recorder implements TransportHandlers {
  readonly shed: ConnectionShedReason[] = [];
  readonly closedErrors: string[] = [];
  messages = 0;
  inUse = false;
  connectionInUse(): boolean {
    return this.inUse;
  }
  onMessage(): void {
    this.messages++;
  }
  onParseError(): void {
    return undefined;
  }
  onConnectionClosed(_c: unknown, error: Error | undefined): void {
    this.closedErrors.push(error?.message ?? "");
  }
  onConnectionShed(reason: ConnectionShedReason, _remote: Peer): void {
    this.shed.push(reason);
  }
}

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `ms`. */
async function until(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => resolve(socket));
    socket.on("error", reject);
  });
}

const closedSockets = (sockets: readonly Socket[]): number => sockets.filter((s) => s.closed).length;

describe("stream server connection limits", () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("TCP: refuses connections beyond the cap and counts them", async () => {
    const recorder = new Recorder();
    const transport = await StreamTransport.listen(
      { address: "127.0.0.1", port: 0, limits: { maxConnections: 3, idleTimeoutMs: 0 } },
      recorder,
    );
    cleanups.push(() => transport.close());
    const sockets: Socket[] = [];
    for (let i = 0; i < 5; i++) {
      const socket = await open(transport.local.port);
      socket.on("error", () => undefined);
      sockets.push(socket);
    }
    await until(() => recorder.shed.length === 2 && closedSockets(sockets) === 2, 10_000, "2 refused");
    assert.deepEqual(recorder.shed, ["refused", "refused"]);
    for (const socket of sockets) socket.destroy();
  });

  it("TCP: closes an idle accepted connection as lost, and keeps a busy one", async () => {
    const recorder = new Recorder();
    const transport = await StreamTransport.listen(
      { address: "127.0.0.1", port: 0, limits: { maxConnections: 0, idleTimeoutMs: 400 } },
      recorder,
    );
    cleanups.push(() => transport.close());
    const idle = await open(transport.local.port);
    const busy = await open(transport.local.port);
    busy.on("error", () => undefined);
    idle.on("error", () => undefined);
    // The busy peer sends a message every 100 ms (bounded: 15 times) while the idle one sends nothing.
    for (let i = 0; i < 15 && !idle.closed; i++) {
      busy.write(OPTIONS);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await until(() => idle.closed, 10_000, "the idle connection to close");
    assert.equal(busy.closed, false, "the busy connection was closed");
    assert.deepEqual(recorder.shed, ["idle"]);
    assert.match(recorder.closedErrors[0] ?? "", /without traffic \(--idle-timeout\)/);
    assert.ok(recorder.messages >= 4);
    busy.destroy();
  });

  it("TCP: keeps an idle connection while a call uses it, closes it once none does", async () => {
    const recorder = new Recorder();
    recorder.inUse = true;
    const transport = await StreamTransport.listen(
      { address: "127.0.0.1", port: 0, limits: { maxConnections: 0, idleTimeoutMs: 200 } },
      recorder,
    );
    cleanups.push(() => transport.close());
    const quiet = await open(transport.local.port);
    quiet.on("error", () => undefined);
    // Several idle periods pass (bounded wait): the connection stays because it is in use.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(quiet.closed, false, "closed while in use");
    assert.deepEqual(recorder.shed, []);
    recorder.inUse = false;
    await until(() => quiet.closed, 10_000, "the connection to close once unused");
    assert.deepEqual(recorder.shed, ["idle"]);
  });

  it("WS: refuses beyond the cap and closes an idle connection", async () => {
    const recorder = new Recorder();
    const transport = await WsTransport.listen(
      { address: "127.0.0.1", port: 0 },
      { secure: false, path: "/", pingIntervalMs: 0, limits: { maxConnections: 1, idleTimeoutMs: 400 } },
      recorder,
    );
    cleanups.push(() => transport.close());
    const url = `ws://127.0.0.1:${transport.local.port}/`;
    const first = new WebSocket(url, ["sip"]);
    await new Promise((resolve, reject) => {
      first.once("open", resolve);
      first.once("error", reject);
    });
    const second = new WebSocket(url, ["sip"]);
    const secondFailed = new Promise((resolve) => {
      second.once("error", resolve);
      second.once("close", resolve);
    });
    await secondFailed;
    await until(() => first.readyState === WebSocket.CLOSED, 10_000, "the idle WebSocket to close");
    assert.deepEqual(recorder.shed, ["refused", "idle"]);
    assert.match(recorder.closedErrors[0] ?? "", /--idle-timeout/);
  });
});
