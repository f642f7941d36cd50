import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import {
  buildAuthorization,
  parseChallenge,
  parseDigestParams,
  selectChallenge,
  selectChallengeValue,
  verifyAuthorization,
  type DigestChallenge,
} from "../../../src/sip/digest.js";

const rfc2617Challenge =
  'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
  'opaque="5ccc069c403ebaf9f0171e9517f40e41"';

const rfc7616Challenge = (algorithm: string): string =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, ` +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';

function challengeOf(value: string): DigestChallenge {
  const challenge = parseChallenge(value);
  assert.ok(challenge, `expected a challenge from ${value}`);
  return challenge;
}

void describe("parseChallenge", () => {
  void it("reads realm, nonce, opaque, qop list, algorithm and stale", () => {
    const c = challengeOf(rfc2617Challenge);
    assert.deepEqual(c, {
      realm: "testrealm@host.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      opaque: "5ccc069c403ebaf9f0171e9517f40e41",
      algorithm: "MD5",
      qop: ["auth", "auth-int"],
      stale: false,
    });
  });

  void it("accepts token and quoted parameters, any case, and stale=TRUE", () => {
    const c = challengeOf('digest REALM=sip.example.com,nonce="a\\"b",algorithm=sha-256-SESS,stale=TRUE');
    assert.equal(c.realm, "sip.example.com");
    assert.equal(c.nonce, 'a"b');
    assert.equal(c.algorithm, "SHA-256-sess");
    assert.equal(c.stale, true);
    assert.deepEqual(c.qop, []);
    assert.equal(c.opaque, undefined);
  });

  void it("rejects other schemes, missing nonce and unsupported algorithms", () => {
    assert.equal(parseChallenge('Basic realm="x"'), undefined);
    assert.equal(parseChallenge('Digest realm="x"'), undefined);
    assert.equal(parseChallenge('Digest realm="x", nonce="n", algorithm=AKAv1-MD5'), undefined);
    assert.equal(parseChallenge(""), undefined);
  });

  void it("picks the strongest of several challenges (RFC 8760)", () => {
    const best = selectChallenge([
      rfc7616Challenge("MD5"),
      rfc7616Challenge("SHA-512-256"),
      rfc7616Challenge("SHA-256"),
    ]);
    assert.equal(best?.algorithm, "SHA-512-256");
  });

  void it("selectChallengeValue returns the raw value picked, or the first one when none is usable", () => {
    const md5 = rfc7616Challenge("MD5");
    const sha256 = rfc7616Challenge("SHA-256");
    const aka = 'Digest realm="x", nonce="n", algorithm=AKAv1-MD5';
    assert.equal(selectChallengeValue([md5, sha256]), sha256);
    assert.equal(selectChallengeValue([sha256, md5]), sha256);
    assert.equal(selectChallengeValue([aka, md5]), md5);
    assert.equal(selectChallengeValue([aka]), aka);
    assert.equal(selectChallengeValue([]), undefined);
  });

  void it("never throws on truncated parameter lists", () => {
    for (let i = 0; i <= rfc2617Challenge.length; i++) parseDigestParams(rfc2617Challenge.slice(0, i));
  });
});

void describe("buildAuthorization", () => {
  void it("reproduces the RFC 2617 3.5 example response", () => {
    const value = buildAuthorization({
      challenge: challengeOf(rfc2617Challenge),
      method: "GET",
      uri: "/dir/index.html",
      username: "Mufasa",
      password: "Circle Of Life",
      cnonce: "0a4f113b",
      nc: 1,
    });
    assert.equal(
      value,
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
        'uri="/dir/index.html", response="6629fae49393a05397450978507c4ef1", algorithm=MD5, cnonce="0a4f113b", ' +
        'qop=auth, nc=00000001, opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
  });

  const rfc7616 = {
    method: "GET",
    uri: "/dir/index.html",
    username: "Mufasa",
    password: "Circle of Life",
    cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    nc: 1,
  };

  void it("reproduces the RFC 7616 3.9.1 SHA-256 example response", () => {
    const value = buildAuthorization({ ...rfc7616, challenge: challengeOf(rfc7616Challenge("SHA-256")) });
    assert.match(value, /response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"/);
    assert.match(value, /algorithm=SHA-256, /);
  });

  void it("reproduces the RFC 7616 3.9.1 MD5 example response", () => {
    const value = buildAuthorization({ ...rfc7616, challenge: challengeOf(rfc7616Challenge("MD5")) });
    assert.match(value, /response="8ca523f5e9506fed4657c9700eebdbec"/);
  });

  void it("uses the RFC 2069 form when no qop is offered", () => {
    const value = buildAuthorization({
      challenge: challengeOf('Digest realm="r", nonce="n"'),
      method: "REGISTER",
      uri: "sip:example.com",
      username: "alice",
      password: "pw",
    });
    assert.doesNotMatch(value, /qop=|nc=|cnonce=|opaque=/);
    assert.equal(verifyAuthorization({ authorization: value, method: "REGISTER", password: "pw" }), true);
  });

  void it("escapes quotes in the username", () => {
    const value = buildAuthorization({ ...rfc7616, username: 'a"b', challenge: challengeOf(rfc2617Challenge) });
    assert.match(value, /username="a\\"b"/);
    assert.equal(
      verifyAuthorization({ authorization: value, method: "GET", password: rfc7616.password, username: 'a"b' }),
      true,
    );
  });
});

void describe("verifyAuthorization", () => {
  const algorithms = ["MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess"];
  for (const algorithm of algorithms) {
    for (const qop of ["auth", "auth-int"] as const) {
      void it(`accepts what buildAuthorization made with ${algorithm} qop=${qop}, and rejects a wrong password`, () => {
        const body = Buffer.from("v=0\r\n");
        const authorization = buildAuthorization({
          challenge: challengeOf(rfc7616Challenge(algorithm)),
          method: "INVITE",
          uri: "sip:bob@example.com",
          username: "alice",
          password: "secret",
          body,
          qop,
          nc: 3,
        });
        assert.equal(verifyAuthorization({ authorization, method: "INVITE", password: "secret", body }), true);
        assert.equal(verifyAuthorization({ authorization, method: "INVITE", password: "Secret", body }), false);
        assert.equal(verifyAuthorization({ authorization, method: "BYE", password: "secret", body }), false);
        assert.equal(
          verifyAuthorization({ authorization, method: "INVITE", password: "secret", username: "bob", body }),
          false,
        );
        if (qop === "auth-int") {
          assert.equal(verifyAuthorization({ authorization, method: "INVITE", password: "secret" }), false);
        }
      });
    }
  }

  void it("returns false for malformed headers", () => {
    assert.equal(verifyAuthorization({ authorization: "", method: "INVITE", password: "x" }), false);
    assert.equal(verifyAuthorization({ authorization: 'Digest username="a"', method: "INVITE", password: "x" }), false);
    assert.equal(verifyAuthorization({ authorization: "Basic YTpi", method: "INVITE", password: "x" }), false);
  });
});
