import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { StreamFramer, type FrameEvent } from "../../../src/sip/stream-framer.js";

const invite = readFileSync(new URL("../../fixtures/sip/invite-sdp.sip", import.meta.url));
const ok200 = readFileSync(new URL("../../fixtures/sip/ok-200-sdp.sip", import.meta.url));
const bye = Buffer.from("BYE sip:a@b SIP/2.0\r\nCall-ID: bye-1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");

function summarize(events: FrameEvent[]): string[] {
  return events.map((e) => {
    switch (e.kind) {
      case "message":
        return `message ${e.message.method} ${e.message.callId} body=${e.message.body.length}`;
      case "error":
        return "error";
      case "keepalive":
        return "keepalive";
    }
  });
}

void describe("StreamFramer", () => {
  void it("frames one message split at every byte boundary", () => {
    for (let cut = 1; cut < invite.length; cut++) {
      const framer = new StreamFramer();
      const events = [...framer.push(invite.subarray(0, cut)), ...framer.push(invite.subarray(cut))];
      assert.deepEqual(summarize(events), ["message INVITE 1-1234@127.0.0.1 body=192"], `cut at ${cut}`);
      assert.ok(events[0]?.kind === "message" && events[0].message.raw.equals(invite));
      assert.equal(framer.buffered, 0);
    }
  });

  void it("frames a message delivered one byte at a time", () => {
    const framer = new StreamFramer();
    const events: FrameEvent[] = [];
    for (let i = 0; i < invite.length; i++) events.push(...framer.push(invite.subarray(i, i + 1)));
    assert.deepEqual(summarize(events), ["message INVITE 1-1234@127.0.0.1 body=192"]);
  });

  void it("frames three coalesced messages from one chunk", () => {
    const framer = new StreamFramer();
    const events = framer.push(Buffer.concat([invite, ok200, bye]));
    assert.deepEqual(summarize(events), [
      "message INVITE 1-1234@127.0.0.1 body=192",
      "message INVITE 1-1234@127.0.0.1 body=192",
      "message BYE bye-1 body=0",
    ]);
    const second = events[1];
    assert.ok(second?.kind === "message" && second.message.status === 200);
  });

  void it("reports a double-CRLF keep-alive between messages and skips a single CRLF pong", () => {
    const framer = new StreamFramer();
    const events = framer.push(Buffer.concat([bye, Buffer.from("\r\n\r\n"), bye, Buffer.from("\r\n"), bye]));
    assert.deepEqual(summarize(events), [
      "message BYE bye-1 body=0",
      "keepalive",
      "message BYE bye-1 body=0",
      "message BYE bye-1 body=0",
    ]);
  });

  void it("reports a keep-alive split across two pushes", () => {
    const framer = new StreamFramer();
    assert.deepEqual(framer.push(Buffer.from("\r\n")), []);
    assert.deepEqual(summarize(framer.push(Buffer.from("\r\n"))), ["keepalive"]);
  });

  void it("treats a missing Content-Length as 0 (RFC 3261 18.3)", () => {
    const framer = new StreamFramer();
    const noLength = Buffer.from("BYE sip:a@b SIP/2.0\r\nCall-ID: nl\r\n\r\n");
    assert.deepEqual(summarize(framer.push(Buffer.concat([noLength, bye]))), [
      "message BYE nl body=0",
      "message BYE bye-1 body=0",
    ]);
  });

  void it("reports garbage once and resynchronises on the next start line", () => {
    const framer = new StreamFramer();
    const events = framer.push(Buffer.concat([Buffer.from("\x16\x03\x01 binary junk\r\nmore junk: here\r\n"), bye]));
    assert.deepEqual(summarize(events), ["error", "message BYE bye-1 body=0"]);
    const error = events[0];
    assert.ok(error?.kind === "error" && error.raw.toString("latin1").startsWith("\x16\x03\x01"));
  });

  void it("reports a header section that never ends within maxMessageBytes, then resynchronises", () => {
    const framer = new StreamFramer({ maxMessageBytes: 256 });
    const events: FrameEvent[] = [];
    events.push(...framer.push(Buffer.from("INVITE sip:a@b SIP/2.0\r\n")));
    for (let i = 0; i < 20; i++) events.push(...framer.push(Buffer.from(`X-Filler-${i}: ${"y".repeat(20)}\r\n`)));
    const first = events[0];
    assert.ok(first?.kind === "error");
    assert.match(first.error, /longer than 256/);
    events.push(...framer.push(Buffer.concat([Buffer.from("\r\n"), bye])));
    assert.equal(summarize(events).at(-1), "message BYE bye-1 body=0");
    assert.ok(framer.buffered < 256);
  });

  void it("discards a message whose Content-Length exceeds maxMessageBytes and keeps the next one", () => {
    const framer = new StreamFramer({ maxMessageBytes: 200 });
    const big = Buffer.from(`MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 500\r\n\r\n${"z".repeat(500)}`);
    const events = [...framer.push(big.subarray(0, 100)), ...framer.push(Buffer.concat([big.subarray(100), bye]))];
    assert.deepEqual(summarize(events), ["error", "message BYE bye-1 body=0"]);
  });

  void it("reports a bad Content-Length and recovers at the next message", () => {
    const framer = new StreamFramer();
    const bad = Buffer.from("BYE sip:a@b SIP/2.0\r\nContent-Length: many\r\n\r\n");
    assert.deepEqual(summarize(framer.push(Buffer.concat([bad, bye]))), ["error", "message BYE bye-1 body=0"]);
  });

  void it("reports a framed message that does not parse, without losing the next one", () => {
    const framer = new StreamFramer();
    const bad = Buffer.from("BYE sip:a@b SIP/2.0\r\nno colon here\r\nContent-Length: 0\r\n\r\n");
    const events = framer.push(Buffer.concat([bad, bye]));
    assert.deepEqual(summarize(events), ["error", "message BYE bye-1 body=0"]);
    assert.ok(events[0]?.kind === "error" && events[0].raw.equals(bad));
  });

  void it("does not copy a message that arrives in one chunk", () => {
    const framer = new StreamFramer();
    const chunk = Buffer.concat([bye, bye]);
    const events = framer.push(chunk);
    const first = events[0];
    assert.ok(first?.kind === "message" && first.message.raw.buffer === chunk.buffer);
  });
});
