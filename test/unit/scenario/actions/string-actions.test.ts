import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { FakeHost, build, mustBuild } from "./fake-host.js";
import { urlDecode, urlEncode } from "../../../../src/scenario/actions/url-coding.js";

void describe("assignstr", () => {
  void it("expands keywords and stores a string", () => {
    const host = new FakeHost().with("n", 2);
    mustBuild("assignstr", { assign_to: "s", value: "id-[call_number]-[$n]" }).execute(host);
    assert.deepEqual(host.variables.get("s"), { type: "string", value: "id-7-2.000000" });
  });
});

void describe("trim", () => {
  void it("strips leading and trailing whitespace and stores a string", () => {
    const host = new FakeHost();
    host.variables.set("v", { type: "regexp", value: " \t padded value \r\n" });
    mustBuild("trim", { assign_to: "v" }).execute(host);
    assert.deepEqual(host.variables.get("v"), { type: "string", value: "padded value" });
  });
});

void describe("urlencode / urldecode", () => {
  void it("encodes every byte but letters, digits and -_.~ as upper-case %XX (SIPp's test vectors)", () => {
    assert.equal(urlEncode("user1@127.0.0.1:5060"), "user1%40127.0.0.1%3A5060");
    assert.equal(urlEncode("string with spaces"), "string%20with%20spaces");
    assert.equal(urlEncode("ûtf8"), "%C3%BBtf8");
    assert.equal(urlEncode("\n"), "%0A");
  });

  void it("decodes %XX in either case and + as a space, keeping a stray %", () => {
    assert.equal(urlDecode("user1%40127%2E0%2e0%2e1%3a5060"), "user1@127.0.0.1:5060");
    assert.equal(urlDecode("%C3%bbtf8+x"), "ûtf8 x");
    assert.equal(urlDecode("100%"), "100%");
  });

  void it("round-trips a variable in place through urlencode then urldecode", () => {
    const original = "sip:alice@example.com;tag=a b/ü?x=1&y=2";
    const host = new FakeHost().with("v", original);
    mustBuild("urlencode", { variable: "v" }).execute(host);
    const encoded = host.variables.get("v");
    assert.ok(encoded?.type === "string" && !/[@;: /?&=ü]/.test(encoded.value));
    mustBuild("urldecode", { variable: "v" }).execute(host);
    assert.deepEqual(host.variables.get("v"), { type: "string", value: original });
  });

  void it("rejects a missing variable attribute", () => {
    assert.match(build("urlencode", {}).problems.join(), /missing required attribute 'variable'/);
  });
});
