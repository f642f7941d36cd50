import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { FakeHost, build, failureOf, mustBuild, sipMessage } from "./fake-host.js";

const BODY = ["v=0", "o=- 1 1 IN IP4 10.0.0.9", "c=IN IP4 10.0.0.9", "m=audio 4000 RTP/AVP 0", ""].join("\r\n");

/** An INVITE with two Via lines, a Reply-To after To, and an SDP body. */
function invite(): FakeHost {
  const message = sipMessage([
    "INVITE sip:bob@example.com SIP/2.0",
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1",
    "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-2",
    "From: <sip:alice@example.com>;tag=abc",
    "To: <sip:bob@example.com>",
    "Reply-To: <sip:carol@example.com>",
    "Call-ID: 1@x",
    "CSeq: 1 INVITE",
    "Content-Type: application/sdp",
    `Content-Length: ${Buffer.byteLength(BODY)}`,
    "",
    BODY,
  ]);
  return new FakeHost({ message });
}

void describe("ereg", () => {
  void it("searches the whole message by default: the first variable gets the whole match, the next ones the groups", () => {
    const host = invite();
    const result = mustBuild("ereg", { regexp: String.raw`Call-ID: ([^\r\n]*)`, assign_to: "whole,cid" }).execute(host);
    assert.deepEqual(result, { ok: true });
    assert.deepEqual(host.variables.get("whole"), { type: "regexp", value: "Call-ID: 1@x" });
    assert.deepEqual(host.variables.get("cid"), { type: "regexp", value: "1@x" });
  });

  void it("search_in=hdr searches the rest of the header line after the name, leading space included", () => {
    const host = invite();
    mustBuild("ereg", { regexp: "^.*$", search_in: "hdr", header: "To:", assign_to: "to" }).execute(host);
    assert.deepEqual(host.variables.get("to"), { type: "regexp", value: " <sip:bob@example.com>" });
  });

  void it("search_in=hdr takes the first of repeated headers, occurrence (and the misspelling occurence) the N-th", () => {
    const attrs = { regexp: "branch=(.*)", search_in: "hdr", header: "Via:", assign_to: "m,b" };
    const first = invite();
    mustBuild("ereg", attrs).execute(first);
    assert.deepEqual(first.variables.get("b"), { type: "regexp", value: "z9hG4bK-1" });
    const second = invite();
    mustBuild("ereg", { ...attrs, occurrence: "2" }).execute(second);
    assert.deepEqual(second.variables.get("b"), { type: "regexp", value: "z9hG4bK-2" });
    const misspelt = invite();
    mustBuild("ereg", { ...attrs, occurence: "2" }).execute(misspelt);
    assert.deepEqual(misspelt.variables.get("b"), { type: "regexp", value: "z9hG4bK-2" });
  });

  void it("finds the header name anywhere in the text as SIPp does (To: inside Reply-To:) unless start_line is true", () => {
    const attrs = { regexp: "sip:([a-z]+)@", search_in: "hdr", header: "To:", occurrence: "2", assign_to: "m,user" };
    const loose = invite();
    mustBuild("ereg", attrs).execute(loose);
    assert.deepEqual(loose.variables.get("user"), { type: "regexp", value: "carol" });
    const anchored = invite();
    const result = mustBuild("ereg", { ...attrs, start_line: "true", check_it: "true" }).execute(anchored);
    assert.equal(failureOf(result), "regexp_hdr_not_found");
  });

  void it("matches the header name case-sensitively unless case_indep is true", () => {
    const attrs = { regexp: "(.+)", search_in: "hdr", header: "call-id:", check_it: "true", assign_to: "m,v" };
    const sensitive = mustBuild("ereg", attrs).execute(invite());
    assert.equal(failureOf(sensitive), "regexp_hdr_not_found");
    const host = invite();
    assert.deepEqual(mustBuild("ereg", { ...attrs, case_indep: "true" }).execute(host), { ok: true });
    assert.deepEqual(host.variables.get("v"), { type: "regexp", value: " 1@x" });
  });

  void it("search_in=body searches the body only", () => {
    const host = invite();
    mustBuild("ereg", { regexp: "m=audio ([0-9]+)", search_in: "body", assign_to: "m,port" }).execute(host);
    assert.deepEqual(host.variables.get("port"), { type: "regexp", value: "4000" });
    const result = mustBuild("ereg", {
      regexp: "Call-ID",
      search_in: "body",
      check_it: "true",
      assign_to: "x",
    }).execute(invite());
    assert.equal(failureOf(result), "regexp_doesnt_match");
  });

  void it("search_in=var searches a string variable", () => {
    const host = invite().with("src", "abc-123-def");
    const action = mustBuild("ereg", { regexp: "[[:digit:]]+", search_in: "var", variable: "src", assign_to: "n" });
    assert.deepEqual(action.execute(host), { ok: true });
    assert.deepEqual(host.variables.get("n"), { type: "regexp", value: "123" });
  });

  void it("fails the call with regexp_doesnt_match when check_it is set and nothing matches, assigning nothing", () => {
    const host = invite();
    const result = mustBuild("ereg", { regexp: "NOT-THERE", check_it: "true", assign_to: "v" }).execute(host);
    assert.equal(failureOf(result), "regexp_doesnt_match");
    assert.equal(host.variables.get("v"), undefined);
  });

  void it("fails the call with regexp_shouldnt_match when check_it_inverse is set and the regexp matches", () => {
    const attrs = { check_it_inverse: "true", assign_to: "v" };
    const matched = mustBuild("ereg", { ...attrs, regexp: "^INVITE" }).execute(invite());
    assert.equal(failureOf(matched), "regexp_shouldnt_match");
    assert.deepEqual(mustBuild("ereg", { ...attrs, regexp: "^BYE" }).execute(invite()), { ok: true });
  });

  void it("leaves the variable of a group that took no part in the match unchanged", () => {
    const host = invite().with("g", "before");
    mustBuild("ereg", { regexp: "(xyz)?INVITE", assign_to: "w,g" }).execute(host);
    assert.deepEqual(host.variables.get("w"), { type: "regexp", value: "INVITE" });
    assert.deepEqual(host.variables.get("g"), { type: "string", value: "before" });
  });

  void it("searches an empty text when the header is absent and check_it is not set (SIPp behaviour)", () => {
    const host = invite();
    const result = mustBuild("ereg", { regexp: ".*", search_in: "hdr", header: "X-Absent:", assign_to: "v" }).execute(
      host,
    );
    assert.deepEqual(result, { ok: true });
    assert.deepEqual(host.variables.get("v"), { type: "regexp", value: "" });
  });

  void it("rejects at load time: a missing regexp, a bad regexp, hdr without header, an unknown search_in, both checks", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ assign_to: "v" }, /missing required attribute 'regexp'/],
      [{ regexp: "(", assign_to: "v" }, /invalid regular expression/],
      [{ regexp: "[[:bogus:]]", assign_to: "v" }, /unknown character class/],
      [{ regexp: "a", search_in: "hdr", assign_to: "v" }, /requires a non-empty 'header'/],
      [{ regexp: "a", search_in: "headers", assign_to: "v" }, /"headers" is not one of msg, hdr, body, var/],
      [
        { regexp: "a", check_it: "true", check_it_inverse: "true", assign_to: "v" },
        /both check_it and check_it_inverse/,
      ],
      [{ regexp: "a", assign_to: "a,b,c,d,e,f,g,h,i,j,k" }, /nine|9 groups/],
      [{ regexp: "a", assign_to: "$v" }, /not a variable name/],
      [{ regexp: "a", search_in: "var", assign_to: "v" }, /missing required attribute 'variable'/],
    ];
    for (const [attrs, expected] of cases) {
      const { action, problems } = build("ereg", attrs);
      assert.equal(action, undefined, JSON.stringify(attrs));
      assert.match(problems.join("\n"), expected);
    }
  });
});
