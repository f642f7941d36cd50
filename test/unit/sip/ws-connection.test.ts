import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { describeWsClose } from "../../../src/sip/ws-connection.js";

describe("describeWsClose", () => {
  it("names a normal close frame 1000 (RFC 6455 7.4.1) with its reason", () => {
    assert.equal(describeWsClose(1000, ""), "closed by peer (close frame 1000)");
    assert.equal(describeWsClose(1000, "bye"), "closed by peer (close frame 1000: bye)");
  });

  it("calls 1006 a lost connection: no close frame came (RFC 6455 7.1.5)", () => {
    assert.equal(describeWsClose(1006, ""), "connection lost (closed without a close frame)");
  });

  it("shows any other code as the peer sent it", () => {
    assert.equal(describeWsClose(1001, "going away"), "closed by peer (close frame 1001: going away)");
    assert.equal(describeWsClose(4000, ""), "closed by peer (close frame 4000)");
  });
});
