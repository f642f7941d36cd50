/**
 * The loader's whole-scenario checks (issue 12 item 7): variables read but never assigned, loops that certainly spin
 * without waiting, and malformed XML located where the mistake is (not 1:1).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkScenario, loadScenarioText } from "../../../src/scenario/load-scenario.js";
import { ScenarioError } from "../../../src/shared/errors.js";

const OPTIONS = `<send><![CDATA[
    OPTIONS sip:[service]@[remote_ip] SIP/2.0
    Call-ID: [call_id]
    Content-Length: 0
  ]]></send>`;

/** `line:column message` of every problem of `<scenario>` + body lines (line 1 is `<scenario>`). */
function problems(...body: string[]): string[] {
  return checkScenario(`<scenario name="t">\n${body.join("\n")}\n</scenario>`, "t.xml").map(
    (p) => `${p.loc.line}:${p.loc.column} ${p.message}`,
  );
}

function only(found: string[], pattern: RegExp): string[] {
  return found.filter((p) => pattern.test(p));
}

void describe("variables read but never assigned", () => {
  const unassigned = /never assigned/;

  void it("refuses [$never_set] in a message at the keyword, counting its uses", () => {
    const found = problems(
      `<send><![CDATA[
    OPTIONS sip:[service]@[remote_ip] SIP/2.0
    X-A: [$never_set]
    X-B: [$never_set]
    Content-Length: 0
  ]]></send>`,
    );
    assert.deepEqual(only(found, unassigned), [
      "4:10 variable $never_set is used 2 times but never assigned " +
        "(no action assigns it with assign_to, and it is not declared in <Global> for -set)",
    ]);
  });

  void it("refuses test=, condexec=, a pause variable and an action's variable= at the attribute value", () => {
    const found = problems(
      OPTIONS,
      '<recv response="200" next="a" test="never_assigned"/>',
      '<label id="a"/>',
      '<nop condexec="nor_this"><action><add assign_to="n" variable="nosuchvar"/></action></nop>',
      '<pause variable="hold"/>',
    );
    assert.deepEqual(
      only(found, unassigned).map((p) => p.split(" ").slice(0, 2).join(" ")),
      ["7:37 variable", "9:16 variable", "9:63 variable", "10:18 variable"],
    );
    assert.match(found.join("\n"), /\$never_assigned .*\n.*\$nor_this .*\n.*\$nosuchvar .*\n.*\$hold /);
  });

  void it("refuses a variable read in a keyword-bearing action attribute, at the keyword inside the value", () => {
    assert.deepEqual(only(problems(OPTIONS, '<nop><action><log message="got [$nope]"/></action></nop>'), unassigned), [
      "7:32 variable $nope is used 1 time but never assigned " +
        "(no action assigns it with assign_to, and it is not declared in <Global> for -set)",
    ]);
  });

  void it("accepts variables assigned by actions, <init>, <Global> (-set) and the engine's _unexp.* ones", () => {
    const found = problems(
      '<Global variables="g"/>',
      '<init><nop><action><assignstr assign_to="fromInit" value="x"/></action></nop></init>',
      OPTIONS,
      '<recv response="200"><action><ereg regexp="t=(.*)" search_in="msg" assign_to="all,tag"/>' +
        '<gettimeofday assign_to="sec,usec"/></action></recv>',
      // add counts from 0: its assign_to is an assignment.
      '<nop><action><add assign_to="n" value="1"/><test assign_to="more" variable="n" compare="less_than" value="3"/>' +
        '<log message="[$all] [$tag] [$sec] [$g] [$fromInit]"/></action></nop>',
      '<nop condexec="more" next="x" test="more"/>',
      '<label id="x"/>',
      '<nop><action><jump variable="_unexp.retaddr"/></action></nop>',
    );
    assert.deepEqual(only(found, unassigned), []);
  });

  void it("throws from loadScenarioText, so a run refuses the scenario before any traffic", () => {
    assert.throws(
      () => loadScenarioText(`<scenario>${OPTIONS}<nop condexec="ghost"/></scenario>`, "t.xml"),
      (e: unknown) => e instanceof ScenarioError && e.message.includes("$ghost is used 1 time but never assigned"),
    );
  });
});

void describe("loops that spin without waiting", () => {
  const loop = /endless loop/;

  void it("refuses <label id=1/><nop next=1/> at the nop", () => {
    const found = only(problems(OPTIONS, '<label id="1"/>', '<nop next="1"/>'), loop);
    assert.equal(found.length, 1);
    assert.match(found[0] ?? "", /^8:1 endless loop: <nop next="1"> goes back to line 8 unconditionally/);
  });

  void it("refuses a loop of sends and 0 ms pauses reached by falling through", () => {
    const found = problems(
      OPTIONS,
      '<label id="top"/>',
      OPTIONS,
      '<pause milliseconds="0"/>',
      '<nop display="x"/>',
      '<nop next="top"/>',
    );
    const loops = only(found, loop);
    assert.equal(loops.length, 1);
    // The loop starts at the send after the label (line 8).
    assert.match(loops[0] ?? "", /^15:1 endless loop: <nop next="top"> goes back to line 8 unconditionally/);
  });

  void it("accepts loops with a recv or a pause, conditional loops, and loops a jump or exec may leave", () => {
    const found = problems(
      '<Global variables="more"/>',
      OPTIONS,
      '<label id="a"/>',
      '<recv request="INFO"/>',
      '<nop next="a"/>',
      '<label id="b"/>',
      '<pause milliseconds="10"/>',
      '<nop next="b"/>',
      '<label id="c"/>',
      '<nop next="c" test="more"/>',
      '<label id="d"/>',
      '<nop next="d" chance="0.5"/>',
      '<label id="e"/>',
      '<nop next="e" condexec="more"/>',
      '<label id="f"/>',
      '<nop next="f"><action><exec int_cmd="stop_call"/></action></nop>',
    );
    assert.deepEqual(only(found, loop), []);
  });

  void it("accepts a long straight scenario", () => {
    assert.deepEqual(problems(OPTIONS, ...Array.from({ length: 20_000 }, () => "<nop/>")), []);
  });
});

void describe("malformed XML is located where the mistake is", () => {
  function xml(text: string): string[] {
    return checkScenario(text, "x.xml").map((p) => `${p.loc.line}:${p.loc.column} ${p.message}`);
  }

  void it("an unterminated CDATA section: where it starts, with a plain message", () => {
    assert.deepEqual(
      xml('<scenario name="x">\n  <send>\n    <![CDATA[\n  INVITE sip:x SIP/2.0\n  </send>\n</scenario>\n'),
      ["3:5 malformed XML: unterminated CDATA section: no ']]>' closes the '<![CDATA[' here"],
    );
  });

  void it("an unterminated comment: where it starts", () => {
    assert.deepEqual(xml("<scenario>\n  <!-- never closed\n<nop/></scenario>"), [
      "2:3 malformed XML: unterminated comment: no '-->' closes the '<!--' here",
    ]);
  });

  void it("a DOCTYPE with an internal subset, a second DOCTYPE, or one inside the document: at that DOCTYPE", () => {
    const body = `<scenario name="x">${OPTIONS}</scenario>`;
    assert.match(
      xml(`<?xml version="1.0"?>\n  <!DOCTYPE s [ <!ENTITY a "b"> ]>\n${body}`)[0] ?? "",
      /^2:3 malformed XML: a DOCTYPE with an internal subset/,
    );
    assert.deepEqual(xml(`<!DOCTYPE a SYSTEM "a.dtd">\n<!DOCTYPE b SYSTEM "b.dtd">\n${body}`), [
      "2:1 malformed XML: a second DOCTYPE is not allowed",
    ]);
    assert.deepEqual(xml(`<scenario name="x">\n <!DOCTYPE a SYSTEM "a.dtd">${OPTIONS}</scenario>`), [
      "2:2 malformed XML: a DOCTYPE is not allowed inside the document (only before <scenario>)",
    ]);
  });

  void it('accepts SIPp\'s own <!DOCTYPE scenario SYSTEM "sipp.dtd">', () => {
    assert.deepEqual(
      xml(`<?xml version="1.0"?>\n<!DOCTYPE scenario SYSTEM "sipp.dtd">\n<scenario name="x">${OPTIONS}</scenario>`),
      [],
    );
  });

  void it("deep nesting: at the element that passes the limit", () => {
    const deep = `<scenario>\n${"<a>\n".repeat(150)}${"</a>".repeat(150)}\n</scenario>`;
    assert.deepEqual(xml(deep), ["101:1 malformed XML: elements are nested deeper than 100 levels here"]);
  });

  void it("an empty file at 1:1, a comments-only one at its end", () => {
    assert.deepEqual(xml(""), ["1:1 empty file: no <scenario> element"]);
    assert.deepEqual(xml("<!-- a -->\n<!-- b -->"), [
      "2:11 no <scenario> element: the file holds only comments and declarations",
    ]);
  });
});
