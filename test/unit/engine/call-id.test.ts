import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatCallId } from "../../../src/engine/run/call-id.js";

describe("formatCallId", () => {
  it("expands SIPp's default -cid_str %u-%p@%s to call number, pid and local IP", () => {
    assert.equal(formatCallId("%u-%p@%s", 1, 29024, "127.0.0.1"), "1-29024@127.0.0.1");
  });
  it("keeps %% and unknown specifiers literally", () => {
    assert.equal(formatCallId("a%%b%xc%u", 7, 1, "h"), "a%b%xc7");
  });
});
