import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { canonicalHeaderKey, canonicalHeaderName, compactHeaderName } from "../../../src/sip/header-names.js";
import { headerParam } from "../../../src/sip/header-params.js";

void describe("header names", () => {
  void it("maps compact forms and any case to one key", () => {
    assert.equal(canonicalHeaderKey("I"), "call-id");
    assert.equal(canonicalHeaderKey("CALL-ID"), "call-id");
    assert.equal(canonicalHeaderKey("x"), "session-expires");
    assert.equal(canonicalHeaderKey("X-Custom"), "x-custom");
    assert.equal(canonicalHeaderKey("q"), "q");
  });

  void it("spells long forms as usually written", () => {
    assert.equal(canonicalHeaderName("i"), "Call-ID");
    assert.equal(canonicalHeaderName("cseq"), "CSeq");
    assert.equal(canonicalHeaderName("l"), "Content-Length");
    assert.equal(canonicalHeaderName("www-authenticate"), "WWW-Authenticate");
    assert.equal(canonicalHeaderName("record-route"), "Record-Route");
  });

  void it("finds the compact form of a long name", () => {
    assert.equal(compactHeaderName("Via"), "v");
    assert.equal(compactHeaderName("Referred-By"), "b");
    assert.equal(compactHeaderName("Route"), undefined);
  });
});

void describe("headerParam", () => {
  void it("skips quoted display names and <...> URIs", () => {
    assert.equal(headerParam('"a;tag=1, <x>" <sip:b@c;tag=2>;tag=3;lr', "tag"), "3");
    assert.equal(headerParam('"a;tag=1, <x>" <sip:b@c;tag=2>;tag=3;lr', "LR"), "");
    assert.equal(headerParam("<sip:b@c;tag=2>", "tag"), undefined);
  });

  void it("reads only the first element of a comma list and unquotes values", () => {
    assert.equal(headerParam('SIP/2.0/UDP h;branch="z9hG4bK x", SIP/2.0/UDP g;branch=b2', "branch"), "z9hG4bK x");
    assert.equal(headerParam("SIP/2.0/UDP h, SIP/2.0/UDP g;branch=b2", "branch"), undefined);
    assert.equal(headerParam(undefined, "tag"), undefined);
  });
});
