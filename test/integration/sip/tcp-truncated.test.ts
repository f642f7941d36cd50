/**
 * A TCP message cut by the end of its connection is a malformed message (issue 12 item 8): the peer sends the
 * first bytes of an INVITE (in its headers, then in its body) and closes; the transport reports one parse error
 * per connection, before the close. A connection that ends between messages reports none.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { readFileSync } from "node:fs";
import { StreamTransport } from "../../../src/sip/stream-transport.js";
import { HandlerRecorder } from "./handler-recorder.js";

const invite = readFileSync(new URL("../../fixtures/sip/invite-sdp.sip", import.meta.url));

function sendAndClose(port: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.end(data);
    });
    socket.on("error", reject);
    socket.on("close", () => resolve());
  });
}

describe("TCP transport: a message cut by the end of the stream", () => {
  const recorder = new HandlerRecorder();
  let transport: StreamTransport;
  before(async () => {
    transport = await StreamTransport.listen({ address: "127.0.0.1", port: 0 }, recorder);
  });
  after(() => transport.close());

  it("reports one parse error per truncated message and none for a clean end", async () => {
    await sendAndClose(transport.local.port, invite.subarray(0, 120));
    await sendAndClose(transport.local.port, invite.subarray(0, invite.length - 10));
    await sendAndClose(transport.local.port, Buffer.concat([invite, Buffer.from("\r\n")]));
    // 2 parse errors, 1 message and 3 closes.
    const events = await recorder.waitFor(6, 10_000);
    const errors = events.flatMap((e) => (e.kind === "parseError" ? [e] : []));
    assert.equal(errors.length, 2, JSON.stringify(events.map((e) => e.kind)));
    assert.deepEqual(
      errors.map((e) => e.raw.length),
      [120, invite.length - 10],
    );
    assert.match(errors[0]?.error ?? "", /connection closed inside a message/);
    assert.equal(events.filter((e) => e.kind === "message").length, 1);
  });
});
