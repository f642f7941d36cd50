import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { compileMessageTemplate } from "../../../src/scenario/template.js";
import { RenderError, renderMessage, setAuthCnonceSource } from "../../../src/scenario/render-message.js";
import type { CallState } from "../../../src/scenario/runtime.js";
import { fakeRun, fakeState } from "./render-fake-state.js";

function render(raw: string, state: CallState): string {
  const { template, problems } = compileMessageTemplate(raw);
  assert.deepEqual(problems, []);
  return renderMessage(template, state).toString("utf8");
}

const h = (alg: "md5" | "sha256", s: string): string => createHash(alg).update(s).digest("hex");

function authLine(out: string): string {
  return out.split("\r\n").find((l) => l.includes("Authorization:")) ?? "";
}

function param(line: string, name: string): string | undefined {
  return new RegExp(`${name}="?([^",]*)"?`).exec(line)?.[1];
}

describe("renderMessage: [authentication]", () => {
  before(() => {
    setAuthCnonceSource(() => "6b8b4567");
  });
  after(() => {
    setAuthCnonceSource(undefined);
  });

  it("answers a 401 MD5 challenge with the same response sipp 3.6.1 computed (captured from sipp)", () => {
    // sipp 3.6.1 sent: uri="sip:127.0.0.1:17031", cnonce="6b8b4567", nc=00000001, qop=auth,
    // response="07ec521d9fe4a86ac22d07aa5560e7da" for alice/secret on this challenge.
    const state = fakeState({
      run: fakeRun({ authUri: "127.0.0.1:17031" }),
      authChallenge: {
        header: "WWW-Authenticate",
        value: 'Digest realm="r.example",nonce="n0nce",qop="auth",algorithm=MD5,opaque="op"',
      },
    });
    const out = render(
      "REGISTER sip:registrar.example.com SIP/2.0\n[authentication username=alice password=secret]\nContent-Length: [len]\n",
      state,
    );
    const line = authLine(out);
    assert.ok(line.startsWith("Authorization: Digest "), line);
    assert.equal(param(line, "response"), "07ec521d9fe4a86ac22d07aa5560e7da");
    assert.equal(param(line, "uri"), "sip:127.0.0.1:17031");
    assert.equal(param(line, "opaque"), "op");
    assert.ok(out.endsWith("\r\nContent-Length:     0\r\n\r\n"));
  });

  it("answers a 407 SHA-256 challenge with Proxy-Authorization over the request's own method and Request-URI", () => {
    const state = fakeState({
      run: fakeRun({ authUsername: "bob", authPassword: "pw" }),
      authChallenge: {
        header: "Proxy-Authenticate",
        value: 'Digest realm="sip.example",nonce="abc",qop="auth",algorithm=SHA-256',
      },
    });
    const out = render("INVITE sip:carol@sip.example SIP/2.0\n[authentication]\nContent-Length: [len]\n\nv=0\n", state);
    const line = authLine(out);
    assert.ok(line.startsWith("Proxy-Authorization: Digest "), line);
    const ha1 = h("sha256", "bob:sip.example:pw");
    const ha2 = h("sha256", "INVITE:sip:carol@sip.example");
    assert.equal(param(line, "response"), h("sha256", `${ha1}:abc:00000001:6b8b4567:auth:${ha2}`));
    assert.equal(param(line, "username"), "bob");
    assert.equal(param(line, "algorithm"), "SHA-256");
    assert.ok(out.endsWith("\r\nContent-Length:     5\r\n\r\nv=0\r\n"), out);
  });

  it("renders keywords inside the username and password", () => {
    const state = fakeState({
      vars: { u: { type: "string", value: "dave" } },
      authChallenge: { header: "WWW-Authenticate", value: 'Digest realm="r",nonce="n"' },
    });
    const out = render('REGISTER sip:r SIP/2.0\n[authentication username="[$u]" password=x]\n', state);
    const line = authLine(out);
    assert.equal(param(line, "username"), "dave");
    const expected = h("md5", `${h("md5", "dave:r:x")}:n:${h("md5", "REGISTER:sip:r")}`);
    assert.equal(param(line, "response"), expected);
  });

  it("fails the rendering with a RenderError when no challenge was stored", () => {
    const { template } = compileMessageTemplate("REGISTER sip:r SIP/2.0\n[authentication]\n");
    assert.throws(() => renderMessage(template, fakeState()), RenderError);
  });
});
