import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../../src/shared/clock.js";
import { RestTurnCredentials, FixedTurnCredentials } from "../../../../src/media/webrtc/turn-credentials.js";
import { TurnRefresher } from "../../../../src/media/webrtc/turn-refresher.js";

describe("TurnRefresher: a call's TURN REST credential re-issued before it expires", () => {
  it("re-issues at the source's refresh moment, again for each new credential, and counts every refresh", () => {
    const clock = new FakeClock();
    const source = new RestTurnCredentials({ secret: "north", ttlSeconds: 600, user: "sipwright", clock });
    const refresher = new TurnRefresher(source, clock);
    const firstExpiry = refresher.expiresAtMs;
    assert.equal(firstExpiry, clock.wallNow() + 600_000);
    assert.equal(refresher.refreshes, 0);
    // 600 s TTL: re-issued when 120 s are left (max(20 % of the TTL, 60 s)).
    clock.advance(479_000);
    assert.equal(refresher.refreshes, 0, "not before the refresh moment");
    clock.advance(1_000);
    assert.equal(refresher.refreshes, 1);
    assert.ok((refresher.expiresAtMs ?? 0) > firstExpiry, "a later expiry");
    clock.advance(480_000);
    assert.equal(refresher.refreshes, 2, "the new credential is refreshed in turn");
    refresher.close();
    clock.advance(600_000);
    assert.equal(refresher.refreshes, 2, "nothing after close");
  });

  it("sets no timer for credentials that never expire", () => {
    const clock = new FakeClock();
    const refresher = new TurnRefresher(new FixedTurnCredentials("static", "u", "p"), clock);
    clock.advance(10 * 86_400_000);
    assert.equal(refresher.refreshes, 0);
    assert.equal(refresher.expiresAtMs, undefined);
  });
});
