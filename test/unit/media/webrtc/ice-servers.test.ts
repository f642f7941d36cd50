import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseIceServerUrl, parseIceServers, toIceServers } from "../../../../src/media/webrtc/ice-servers.js";
import { ConfigError } from "../../../../src/shared/errors.js";

function rejects(url: string, pattern: RegExp): void {
  assert.throws(
    () => parseIceServerUrl(url),
    (e: unknown) => e instanceof ConfigError && e.message.includes(url) && pattern.test(e.message),
    `${url} should be rejected with ${String(pattern)}`,
  );
}

describe("parseIceServerUrl: valid URLs", () => {
  it("takes stun:host and fills in the default port 3478", () => {
    assert.deepEqual(parseIceServerUrl("stun:stun.example.org"), {
      scheme: "stun",
      host: "stun.example.org",
      port: 3478,
      transport: undefined,
      url: "stun:stun.example.org:3478",
      inline: undefined,
    });
  });

  it("keeps an explicit port and accepts an upper-case scheme", () => {
    const s = parseIceServerUrl("STUN:127.0.0.1:19302");
    assert.equal(s.scheme, "stun");
    assert.equal(s.port, 19302);
    assert.equal(s.url, "stun:127.0.0.1:19302");
  });

  it("takes turn:host:port?transport=udp and ?transport=tcp", () => {
    const udp = parseIceServerUrl("turn:127.0.0.1:3478?transport=udp");
    assert.equal(udp.scheme, "turn");
    assert.equal(udp.transport, "udp");
    assert.equal(udp.url, "turn:127.0.0.1:3478?transport=udp");
    assert.equal(parseIceServerUrl("turn:turn.example.org?transport=TCP").transport, "tcp");
  });

  it("leaves the transport unset when a turn URL does not name one", () => {
    const s = parseIceServerUrl("turn:turn.example.org");
    assert.equal(s.transport, undefined);
    assert.equal(s.url, "turn:turn.example.org:3478");
  });

  it("gives turns: the TLS default port 5349 and takes ?transport=tcp", () => {
    const s = parseIceServerUrl("turns:turn.example.org?transport=tcp");
    assert.equal(s.port, 5349);
    assert.equal(s.url, "turns:turn.example.org:5349?transport=tcp");
  });

  it("takes a bracketed IPv6 address with and without a port", () => {
    assert.equal(parseIceServerUrl("turn:[::1]:3479").url, "turn:[::1]:3479");
    const s = parseIceServerUrl("stun:[2001:db8::1]");
    assert.equal(s.host, "2001:db8::1");
    assert.equal(s.url, "stun:[2001:db8::1]:3478");
  });

  it("splits inline credentials out of a turn URL and keeps them off the URL", () => {
    const s = parseIceServerUrl("turn:alice:s3cret@127.0.0.1:3478?transport=udp");
    assert.deepEqual(s.inline, { username: "alice", credential: "s3cret" });
    assert.equal(s.url, "turn:127.0.0.1:3478?transport=udp");
  });

  it("percent-decodes inline credentials", () => {
    const s = parseIceServerUrl("turns:al%40ice:p%3Ass%2Fw%25rd@turn.example.org");
    assert.deepEqual(s.inline, { username: "al@ice", credential: "p:ss/w%rd" });
  });

  it("takes a REST user name with its colon as is (split at the last colon)", () => {
    const s = parseIceServerUrl("turn:1767312000:sipwright:cMZMbI5/yvH5Xj+Qw97xYNZng/Y=@127.0.0.1");
    assert.deepEqual(s.inline, { username: "1767312000:sipwright", credential: "cMZMbI5/yvH5Xj+Qw97xYNZng/Y=" });
  });

  it("parses a list in order", () => {
    const list = parseIceServers(["stun:127.0.0.1:3478", "turn:u:p@127.0.0.1:3478"]);
    assert.deepEqual(
      list.map((s) => s.scheme),
      ["stun", "turn"],
    );
  });
});

describe("parseIceServerUrl: rejected URLs name the URL and the problem", () => {
  it("rejects an unknown scheme", () => {
    rejects("http://turn.example.org", /unknown scheme 'http:'/);
    rejects("stuns:stun.example.org", /unknown scheme 'stuns:'/);
  });

  it("rejects a URL with no scheme", () => {
    rejects("127.0.0.1:3478", /unknown scheme|no scheme/);
    rejects("turn.example.org", /no scheme/);
  });

  it("rejects the '//' form, which RFC 7064/7065 URIs do not have", () => {
    rejects("turn://127.0.0.1:3478", /without '\/\/'/);
  });

  it("rejects bad ports", () => {
    rejects("stun:127.0.0.1:0", /bad port 0/);
    rejects("stun:127.0.0.1:65536", /bad port 65536/);
    rejects("turn:127.0.0.1:abc", /bad port 'abc'/);
    rejects("turn:127.0.0.1:", /bad port ''/);
    rejects("turn:[::1]:99999", /bad port/);
  });

  it("rejects a transport on a stun URL", () => {
    rejects("stun:127.0.0.1?transport=udp", /only for turn: and turns:/);
  });

  it("rejects an unknown transport or query, and udp on turns", () => {
    rejects("turn:127.0.0.1?transport=sctp", /transport 'sctp' is not udp or tcp/);
    rejects("turn:127.0.0.1?foo=bar", /unknown query/);
    rejects("turns:127.0.0.1?transport=udp", /only \?transport=tcp/);
  });

  it("rejects credentials on a STUN URL: STUN URLs never get credentials", () => {
    rejects("stun:user:pass@127.0.0.1", /STUN URLs never get credentials/);
  });

  it("rejects inline credentials without a password, and empty parts", () => {
    rejects("turn:alice@127.0.0.1", /user:password/);
    rejects("turn::pass@127.0.0.1", /user name is empty/);
    rejects("turn:alice:@127.0.0.1", /password is empty/);
  });

  it("rejects a bad percent-encoding", () => {
    rejects("turn:al%ZZice:pw@127.0.0.1", /percent-encoding/);
  });

  it("rejects hosts that are not names or addresses, and IPv6 without brackets", () => {
    rejects("turn:", /no host/);
    rejects("stun:bad_host!", /not a host name/);
    rejects("stun:::1", /in brackets/);
    rejects("stun:[::1", /without '\]'/);
    rejects("stun:[nonsense]:3478", /not an IPv6 address/);
  });

  it("rejects an empty URL", () => {
    assert.throws(() => parseIceServerUrl("  "), ConfigError);
  });
});

describe("toIceServers", () => {
  it("gives the bridge URLs without credentials, with inline TURN credentials attached", () => {
    const servers = toIceServers(parseIceServers(["stun:127.0.0.1", "turn:a:b@127.0.0.1:3479", "turn:127.0.0.1"]));
    assert.deepEqual(servers, [
      { url: "stun:127.0.0.1:3478" },
      { url: "turn:127.0.0.1:3479", username: "a", credential: "b" },
      { url: "turn:127.0.0.1:3478" },
    ]);
  });
});
