import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { PortAllocator, type RtpPortPair } from "../../../../src/media/rtp/port-allocator.js";
import { BindError, ConfigError } from "../../../../src/shared/errors.js";
import { LOOPBACK, freeUdpPort } from "../../../helpers/free-port.js";

async function bind(port: number): Promise<Socket | undefined> {
  const socket = createSocket("udp4");
  return new Promise((resolve) => {
    socket.once("error", () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, LOOPBACK, () => resolve(socket));
  });
}

async function close(socket: Socket): Promise<void> {
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

/** An even port B such that B..B+count-1 are all free on 127.0.0.1 right now. */
async function freeRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = (await freeUdpPort()) & ~1;
    if (base + count > 65535) continue;
    const sockets: Socket[] = [];
    for (let p = base; p < base + count; p++) {
      const s = await bind(p);
      if (s) sockets.push(s);
    }
    await Promise.all(sockets.map(close));
    if (sockets.length === count) return base;
  }
  throw new Error("no free port range found");
}

describe("PortAllocator", () => {
  const pairs: RtpPortPair[] = [];
  const held: Socket[] = [];
  after(async () => {
    await Promise.all(pairs.map((p) => p.release()));
    await Promise.all(held.map(close));
  });

  it("binds an even RTP port and RTP+1 for RTCP on the media IP", async () => {
    const base = await freeRange(4);
    const allocator = new PortAllocator({ address: LOOPBACK, minPort: base + 1, maxPort: base + 3 });
    const pair = await allocator.allocate();
    pairs.push(pair);
    assert.equal(pair.rtpPort, base + 2, "the minimum is rounded up to an even port");
    assert.equal(pair.rtcpPort, base + 3);
    assert.deepEqual([pair.rtp.address().address, pair.rtp.address().port], [LOOPBACK, base + 2]);
    assert.equal(pair.rtcp.address().port, base + 3);
    assert.equal(allocator.inUse, 1);
  });

  it("skips a pair whose RTP or RTCP port another socket holds, and reports exhaustion clearly", async () => {
    const base = await freeRange(6);
    const blocker = await bind(base + 3);
    assert.ok(blocker);
    held.push(blocker);
    const allocator = new PortAllocator({ address: LOOPBACK, minPort: base, maxPort: base + 5 });
    assert.equal(allocator.capacity, 3);
    const first = await allocator.allocate();
    const second = await allocator.allocate();
    pairs.push(first, second);
    assert.deepEqual([first.rtpPort, second.rtpPort], [base, base + 4], "the pair of the held RTCP port is skipped");
    await assert.rejects(allocator.allocate(), (error: unknown) => {
      assert.ok(error instanceof BindError);
      assert.match(error.message, new RegExp(`no free RTP port pair in ${base}-${base + 5} on 127\\.0\\.0\\.1`));
      assert.match(error.message, /2 in use by this run, 1 busy/);
      return true;
    });
  });

  it("returns a pair to the range on release (idempotent) or when its owner closes the sockets", async () => {
    const base = await freeRange(2);
    const allocator = new PortAllocator({ address: LOOPBACK, minPort: base, maxPort: base + 1 });
    const pair = await allocator.allocate();
    await assert.rejects(allocator.allocate(), BindError);
    await Promise.all([pair.release(), pair.release()]);
    assert.equal(allocator.inUse, 0);
    const again = await allocator.allocate();
    assert.equal(again.rtpPort, base);
    await Promise.all([close(again.rtp), close(again.rtcp)]);
    assert.equal(allocator.inUse, 0);
    await again.release();
    const third = await allocator.allocate();
    pairs.push(third);
    assert.equal(third.rtpPort, base);
  });

  it("hands ports out round-robin, so a port just released is not reused at once", async () => {
    const base = await freeRange(4);
    const allocator = new PortAllocator({ address: LOOPBACK, minPort: base, maxPort: base + 3 });
    const first = await allocator.allocate();
    await first.release();
    const second = await allocator.allocate();
    pairs.push(second);
    assert.equal(second.rtpPort, base + 2);
  });

  it("rejects a range without a single even/odd pair", () => {
    assert.throws(() => new PortAllocator({ address: LOOPBACK, minPort: 7001, maxPort: 7001 }), ConfigError);
    assert.throws(() => new PortAllocator({ address: LOOPBACK, minPort: 7000, maxPort: 70000 }), ConfigError);
  });

  it("fails at once with BindError when the media IP cannot be bound", async () => {
    const allocator = new PortAllocator({ address: "192.0.2.1", minPort: 40000, maxPort: 40003 });
    await assert.rejects(allocator.allocate(), /cannot bind RTP port 40000 on 192\.0\.2\.1/);
    assert.equal(allocator.inUse, 0);
  });
});
