import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { wsContactHost } from "../../../src/scenario/ws-contact-host.js";

describe("[ws_contact_host]", () => {
  it("is 12 lower-case letters or digits and .invalid (RFC 6761 6.4), the same for the whole run", () => {
    const run = { pid: 4242, startWallMs: 1_764_000_000_000 };
    const host = wsContactHost(run);
    assert.match(host, /^[a-z0-9]{12}\.invalid$/);
    assert.equal(wsContactHost({ ...run }), host);
  });

  it("differs between runs", () => {
    const hosts = new Set<string>();
    for (let i = 0; i < 50; i++) hosts.add(wsContactHost({ pid: 4242 + (i % 5), startWallMs: 1_764_000_000_000 + i }));
    assert.equal(hosts.size, 50);
  });
});
