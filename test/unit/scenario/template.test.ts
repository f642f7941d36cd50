import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  cleanCdata,
  compileMessageTemplate,
  compileTextTemplate,
  customKeysUsed,
  describeSends,
} from "../../../src/scenario/template.js";

describe("cleanCdata (SIPp clean_cdata)", () => {
  it("trims the CDATA and strips each line's leading and trailing spaces and tabs", () => {
    const raw = "\n\n      OPTIONS sip:x SIP/2.0   \n      Via: a\t\n      To: b  \n\n    ";
    assert.equal(cleanCdata(raw).text, "OPTIONS sip:x SIP/2.0\nVia: a\nTo: b\n\n");
  });

  it("strips line-start spaces before line-start tabs, so TAB then spaces keeps the spaces (as sipp 3.6.1 sends)", () => {
    assert.equal(cleanCdata("A: 1\n\t  From: x\n").text, "A: 1\n  From: x\n\n");
  });

  it("ends a headers-only message with an empty line", () => {
    assert.equal(
      cleanCdata("  BYE sip:x SIP/2.0\n  Content-Length: 0\n  ").text,
      "BYE sip:x SIP/2.0\nContent-Length: 0\n\n",
    );
  });

  it("keeps a single line end after a body whose trailing blank lines were trimmed", () => {
    assert.equal(cleanCdata("M sip:x SIP/2.0\n\nv=0\n  s=-   \n\n\n  ").text, "M sip:x SIP/2.0\n\nv=0\ns=-\n");
  });

  it("adds no line end after a body that had none", () => {
    assert.equal(cleanCdata("M sip:x SIP/2.0\n\nbody").text, "M sip:x SIP/2.0\n\nbody");
  });

  it("treats CRLF in the XML text as LF (XML end-of-line handling)", () => {
    assert.equal(cleanCdata("A: 1\r\nB: 2\r\n").text, "A: 1\nB: 2\n\n");
  });
});

describe("compileMessageTemplate", () => {
  it("turns LF into CRLF in the literal bytes", () => {
    const { template, problems } = compileMessageTemplate("BYE sip:x SIP/2.0\nMax-Forwards: 70\n");
    assert.deepEqual(problems, []);
    assert.deepEqual(template.parts, [Buffer.from("BYE sip:x SIP/2.0\r\nMax-Forwards: 70\r\n\r\n")]);
  });

  it("turns \\x5b into a literal '[' that is not a keyword", () => {
    const { template, problems } = compileMessageTemplate("BYE sip:x SIP/2.0\nX: \\x5bnot-a-keyword]\\x41\n");
    assert.deepEqual(problems, []);
    assert.deepEqual(template.parts, [Buffer.from("BYE sip:x SIP/2.0\r\nX: [not-a-keyword]A\r\n\r\n")]);
  });

  it("compiles keywords between literal parts", () => {
    const { template } = compileMessageTemplate("INVITE sip:[service]@h SIP/2.0\nCSeq: [cseq+1] INVITE\n");
    assert.equal(template.parts.length, 5);
    assert.deepEqual(template.parts[1], { kind: "simple", name: "service", offset: 0 });
    assert.deepEqual(template.parts[3], { kind: "simple", name: "cseq", offset: 1 });
  });

  it("treats a '[' before the closing ']' as literal text", () => {
    const { template, problems } = compileMessageTemplate("M sip:x SIP/2.0\nX: [[call_id]\n");
    assert.deepEqual(problems, []);
    assert.deepEqual(template.parts[0], Buffer.from("M sip:x SIP/2.0\r\nX: ["));
    assert.deepEqual(template.parts[1], { kind: "simple", name: "call_id", offset: 0 });
  });

  it("reports malformed keywords at their offset in the raw CDATA", () => {
    const raw =
      "\n   INVITE sip:x SIP/2.0\n   A: [cseq+x]\n   B: [fieldX]\n   C: [last_]\n   D: [call_id+1]\n" +
      "   E: [authentication realm=x]\n   F: [::1]\n   G: []\n   H: [tdmmap]\n   I: [unclosed\n";
    const { problems } = compileMessageTemplate(raw);
    const at = (s: string): number => raw.indexOf(s);
    assert.deepEqual(
      problems.map((p) => [p.offset, p.length]),
      [
        [at("[cseq+x]"), "[cseq+x]".length],
        [at("[fieldX]"), "[fieldX]".length],
        [at("[last_]"), "[last_]".length],
        [at("[call_id+1]"), "[call_id+1]".length],
        [at("[authentication"), "[authentication realm=x]".length],
        [at("[::1]"), "[::1]".length],
        [at("[]"), 2],
        [at("[tdmmap]"), "[tdmmap]".length],
        [at("[unclosed"), "[unclosed".length],
      ],
    );
    assert.match(problems[0]?.message ?? "", /malformed offset/);
    assert.match(problems[4]?.message ?? "", /unknown parameter 'realm'/);
    assert.match(problems[8]?.message ?? "", /unterminated/);
  });

  it("reports a second [authentication] in one message", () => {
    const raw = "REGISTER sip:x SIP/2.0\n[authentication]\n[authentication]\n";
    const { problems } = compileMessageTemplate(raw);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.offset, raw.lastIndexOf("[authentication]"));
  });

  it("reports an empty CDATA", () => {
    assert.equal(compileMessageTemplate(" \n\t\n ").problems.length, 1);
  });
});

describe("customKeysUsed", () => {
  it("lists identifier-like unknown keywords, which the engine checks against -key names", () => {
    const { template, problems } = compileMessageTemplate(
      "INVITE sip:[my_key]@h SIP/2.0\nX: [custom_media_port] [call_id] [my_key]\n",
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(customKeysUsed(template), ["my_key", "custom_media_port"]);
  });

  it("looks inside [authentication] parameters", () => {
    const { template } = compileTextTemplate('[authentication username="[user_key]"]');
    assert.deepEqual(customKeysUsed(template), ["user_key"]);
  });
});

describe("describeSends", () => {
  it("reads the request method from a literal first line", () => {
    assert.deepEqual(describeSends(compileMessageTemplate("INVITE sip:[service]@x SIP/2.0\n").template), {
      kind: "request",
      method: "INVITE",
    });
  });

  it("reads the status of a response", () => {
    assert.deepEqual(describeSends(compileMessageTemplate("SIP/2.0 180 Ringing\n[last_Via:]\n").template), {
      kind: "response",
      status: 180,
    });
  });

  it("says unknown when the first line starts with a keyword or has a bad status", () => {
    assert.deepEqual(describeSends(compileMessageTemplate("[$m] sip:x SIP/2.0\n").template), { kind: "unknown" });
    assert.deepEqual(describeSends(compileMessageTemplate("SIP/2.0 [$code] OK\n").template), { kind: "unknown" });
    assert.deepEqual(describeSends(compileMessageTemplate("SIP/2.0 99 Low\n").template), { kind: "unknown" });
  });
});

describe("compileTextTemplate", () => {
  it("does not normalise attribute text but still compiles keywords and \\x escapes", () => {
    const { template, problems } = compileTextTemplate("  call [call_number]\\x21 ");
    assert.deepEqual(problems, []);
    assert.deepEqual(template.parts, [
      Buffer.from("  call "),
      { kind: "simple", name: "call_number", offset: 0 },
      Buffer.from("! "),
    ]);
  });
});
