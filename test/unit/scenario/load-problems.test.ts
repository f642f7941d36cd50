import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkScenario, loadScenarioFile } from "../../../src/scenario/load-scenario.js";
import { ScenarioError } from "../../../src/shared/errors.js";

const INVITE_CDATA = ["    <![CDATA[", "      INVITE sip:x SIP/2.0", "      Call-ID: [call_id]", "    ]]>"];

/** A scenario file made of these lines, and helpers to point at a text on a given (1-based) line. */
function scenario(...lines: string[]): { text: string; at: (line: number, needle: string) => string } {
  return {
    text: lines.join("\n"),
    at: (line, needle) => {
      const column = (lines[line - 1] ?? "").indexOf(needle) + 1;
      assert.ok(column > 0, `'${needle}' is on line ${line}`);
      return `${line}:${column}`;
    },
  };
}

/** Problems as "line:column message" strings. */
function problems(text: string): string[] {
  return checkScenario(text, "p.xml").map((p) => {
    assert.equal(p.loc.file, "p.xml");
    return `${p.loc.line}:${p.loc.column} ${p.message}`;
  });
}

function onlyProblem(text: string): { where: string; message: string } {
  const found = problems(text);
  assert.equal(found.length, 1, found.join("\n"));
  const [where = "", ...rest] = (found[0] ?? "").split(" ");
  return { where, message: rest.join(" ") };
}

void describe("scenario problems", () => {
  void it("reports malformed XML (an unclosed tag) with line and column", () => {
    const s = scenario("<scenario>", '  <send retrans="500">', ...INVITE_CDATA, "</scenario>");
    const p = onlyProblem(s.text);
    assert.equal(p.where, "7:1");
    assert.match(p.message, /malformed XML: .*'send'/);
  });

  void it("reports an unknown element at its '<', listing the allowed elements", () => {
    const s = scenario("<scenario>", '  <recv request="INVITE"/>', "  <sned/>", "</scenario>");
    const p = onlyProblem(s.text);
    assert.equal(p.where, s.at(3, "<sned"));
    assert.match(p.message, /unknown element <sned> \(allowed: send, recv, pause, nop, timewait, label, init/);
  });

  void it("reports an unknown attribute at its name, listing the allowed attributes", () => {
    const s = scenario("<scenario>", '  <recv request="INVITE"', '        optinal="true"/>', "</scenario>");
    const p = onlyProblem(s.text);
    assert.equal(p.where, s.at(3, "optinal"));
    assert.match(p.message, /unknown attribute 'optinal' on <recv> \(allowed: .*optional/);
  });

  void it("reports an unknown action tag (through createAction) at the action element", () => {
    const s = scenario(
      "<scenario>",
      '  <recv request="INVITE">',
      "    <action>",
      '      <bogus_action value="1"/>',
      "    </action>",
      "  </recv>",
      "</scenario>",
    );
    const p = onlyProblem(s.text);
    assert.equal(p.where, s.at(4, "<bogus_action"));
    assert.match(p.message, /bogus_action/);
  });

  void it("reports a next label that is not defined, at the next attribute", () => {
    const s = scenario("<scenario>", '  <recv request="INVITE" next="nowhere"/>', "</scenario>");
    assert.deepEqual(problems(s.text), [`${s.at(2, "next=")} the label 'nowhere' is not defined (next attribute)`]);
  });

  void it("reports an ontimeout label that is not defined, at the ontimeout attribute", () => {
    const s = scenario(
      "<scenario>",
      '  <recv request="INVITE" timeout="1000" ontimeout="later"/>',
      '  <label id="Later"/>',
      "</scenario>",
    );
    assert.deepEqual(problems(s.text), [
      `${s.at(2, "ontimeout=")} the label 'later' is not defined (ontimeout attribute)`,
    ]);
  });

  void it("reports an unknown keyword inside CDATA at its exact line and column", () => {
    const s = scenario(
      "<scenario>",
      "  <send>",
      "    <![CDATA[",
      "      INVITE sip:[service]@[remote_ip] SIP/2.0",
      "      Call-ID: [call_id]",
      "      X-Test: [bogus!]",
      "    ]]>",
      "  </send>",
      "</scenario>",
    );
    const p = onlyProblem(s.text);
    assert.equal(p.where, s.at(6, "[bogus!]"));
    assert.match(p.message, /unknown keyword \[bogus!\]/);
  });

  void it("reports an unknown keyword inside an action attribute at its place in the value", () => {
    const s = scenario(
      "<scenario>",
      '  <recv request="INVITE">',
      '    <action><log message="got [bogus!] here"/></action>',
      "  </recv>",
      "</scenario>",
    );
    const p = onlyProblem(s.text);
    assert.equal(p.where, s.at(3, "[bogus!]"));
    assert.match(p.message, /unknown keyword \[bogus!\]/);
  });

  void it("reports a label defined twice at the second definition", () => {
    const s = scenario(
      "<scenario>",
      '  <recv request="INVITE"/>',
      '  <label id="1"/>',
      '  <recv request="ACK"/>',
      '  <label  id="1"/>',
      "</scenario>",
    );
    assert.deepEqual(problems(s.text), [`${s.at(5, "id=")} the label '1' is defined twice`]);
  });

  void it("reports a message after <timewait>, and next/ontimeout on a timewait", () => {
    const s = scenario(
      "<scenario>",
      '  <recv request="INVITE"/>',
      '  <timewait milliseconds="4000" next="x"/>',
      '  <recv request="BYE"/>',
      '  <label id="x"/>',
      "</scenario>",
    );
    assert.deepEqual(problems(s.text), [
      `${s.at(3, "next=")} next labels are not allowed in <timewait>`,
      `${s.at(4, "<recv")} <timewait> can only be the last message in a scenario`,
    ]);
  });

  void it("reports bad distributions: GSL-only, unknown, bad parameters", () => {
    const s = scenario(
      "<scenario>",
      '  <recv request="INVITE"/>',
      '  <pause distribution="weibull" lambda="1" k="2"/>',
      '  <pause distribution="poisson"/>',
      '  <pause distribution="normal" mean="ten" stdev="-1"/>',
      '  <pause distribution="uniform" min="9" max="3"/>',
      '  <pause distribution="exponential"/>',
      '  <pause milliseconds="5 seconds"/>',
      "</scenario>",
    );
    assert.deepEqual(problems(s.text), [
      `${s.at(3, "distribution=")} distribution weibull needs GSL in SIPp and is not supported`,
      `${s.at(4, "distribution=")} unknown distribution 'poisson'`,
      `${s.at(5, "mean=")} mean="ten" is not a number`,
      `${s.at(5, "stdev=")} normal distribution needs stdev >= 0`,
      `${s.at(6, "max=")} uniform distribution needs min <= max (min=9, max=3)`,
      `${s.at(7, "<pause")} distribution exponential needs the 'mean' attribute`,
      `${s.at(8, "milliseconds=")} milliseconds="5 seconds" is not a valid time (e.g. 500, 500ms, 5s, 2m, 1h)`,
    ]);
  });

  void it("reports recv with neither or both of request and response, and bad response codes and patterns", () => {
    const s = scenario(
      "<scenario>",
      '  <recv timeout="100"/>',
      '  <recv request="INVITE" response="200"/>',
      '  <recv response="20x"/>',
      '  <recv response="999"/>',
      '  <recv request="(unclosed" regexp_match="true"/>',
      "</scenario>",
    );
    const found = problems(s.text);
    assert.deepEqual(found.slice(0, 4), [
      `${s.at(2, "<recv")} <recv> needs exactly one of 'request' or 'response'`,
      `${s.at(3, "<recv")} <recv> needs exactly one of 'request' or 'response'`,
      `${s.at(4, "response=")} response="20x" is not a valid integer`,
      `${s.at(5, "response=")} response="999" is not a SIP status code (100-699)`,
    ]);
    assert.match(found[4] ?? "", new RegExp(`^${s.at(6, "request=")} invalid regular expression /\\(unclosed/`));
    assert.equal(found.length, 5);
  });

  void it("refuses regexps that are not linear-time POSIX ERE at load, at the ereg action or the recv attribute", () => {
    const s = scenario(
      "<scenario>",
      '  <recv request="INVITE">',
      "    <action>",
      '      <ereg regexp="(a)\\1" search_in="msg" assign_to="v"/>',
      '      <ereg regexp="tag=(.*?);" search_in="msg" assign_to="w"/>',
      "    </action>",
      "  </recv>",
      '  <recv request="(?!BYE)[A-Z]+" regexp_match="true"/>',
      "</scenario>",
    );
    const found = problems(s.text);
    assert.equal(found.length, 3, found.join("\n"));
    assert.match(found[0] ?? "", new RegExp(`^${s.at(4, "<ereg")} .*backreference`));
    assert.match(found[1] ?? "", new RegExp(`^${s.at(5, "<ereg")} .*lazy quantifier`));
    assert.match(found[2] ?? "", new RegExp(`^${s.at(8, "request=")} invalid regular expression .*lookaround`));
  });

  void it("reports bad common attributes: chance out of range, bad number, bad boolean, bad optional, lost", () => {
    const s = scenario(
      "<scenario>",
      '  <recv request="INVITE" next="a" chance="1.5"/>',
      '  <label id="a"/>',
      '  <send retrans="soon" lost="150">',
      ...INVITE_CDATA,
      "  </send>",
      '  <recv response="200" rrs="yes" optional="maybe"/>',
      "</scenario>",
    );
    assert.deepEqual(problems(s.text), [
      `${s.at(2, "chance=")} chance="1.5" is not in range [0..1]`,
      `${s.at(4, "retrans=")} retrans="soon" is not a valid integer`,
      `${s.at(4, "lost=")} lost="150" must be a percentage 0-100`,
      `${s.at(10, "rrs=")} rrs="yes" is not a valid boolean (true or false)`,
      `${s.at(10, "optional=")} optional="maybe" must be true, false or global`,
    ]);
  });

  void it("reports SIPp's structural rules: 3PCC, init content, optional recv before a send, missing attributes", () => {
    const s = scenario(
      "<scenario>",
      "  <init><send/></init>",
      '  <recv request="INVITE" optional="true"/>',
      "  <send>",
      ...INVITE_CDATA,
      "  </send>",
      "  <sendCmd/>",
      "  <label/>",
      "  <recv/>",
      "  <send/>",
      "</scenario>",
    );
    assert.deepEqual(problems(s.text), [
      `${s.at(2, "<send")} <init> may hold only <nop> and <label>, not <send>`,
      `${s.at(4, "<send")} <send> follows an optional <recv> with no mandatory <recv> in between (SIPp rejects this: remove one optional="true")`,
      `${s.at(10, "<sendCmd")} 3PCC (sendCmd/recvCmd) is not supported`,
      `${s.at(11, "<label")} <label> is missing the required 'id' attribute`,
      `${s.at(12, "<recv")} <recv> needs exactly one of 'request' or 'response'`,
      `${s.at(13, "<send")} <send> needs the message in a CDATA section`,
    ]);
  });

  void it("reports transaction and RTD misuse as SIPp does", () => {
    const s = scenario(
      "<scenario>",
      '  <send start_txn="reg" start_rtd="setup">',
      "    <![CDATA[",
      "      REGISTER sip:x SIP/2.0",
      "    ]]>",
      "  </send>",
      '  <recv response="200" response_txn="other"/>',
      '  <recv request="BYE" repeat_rtd="true"/>',
      "</scenario>",
    );
    assert.deepEqual(problems(s.text), [
      `${s.at(2, "start_txn=")} transaction 'reg' has no <recv response_txn="reg">`,
      `${s.at(2, "start_rtd=")} response time 'setup' is started but never stopped`,
      `${s.at(7, "response_txn=")} response_txn 'other' names no transaction started with start_txn`,
      `${s.at(8, "repeat_rtd=")} repeat_rtd needs an rtd attribute`,
    ]);
  });

  void it("reports a root that is not <scenario>, and a scenario without messages", () => {
    assert.deepEqual(problems("<scenarios/>"), ["1:1 the root element must be <scenario>, not <scenarios>"]);
    assert.deepEqual(problems('<scenario>\n  <label id="a"/>\n</scenario>'), [
      "1:1 the scenario has no messages (send, recv, pause, nop)",
    ]);
  });

  void it("reports every problem of a file, in file order, in one ScenarioError", async () => {
    const path = fileURLToPath(new URL("../../fixtures/scenarios/many-problems.xml", import.meta.url));
    const s = scenario(...readFileSync(path, "latin1").split("\n"));
    await assert.rejects(loadScenarioFile(path), (error: unknown) => {
      assert.ok(error instanceof ScenarioError);
      assert.deepEqual(
        error.problems.map((p) => `${p.loc.line}:${p.loc.column} ${p.message.split(" (")[0] ?? ""}`),
        [
          `${s.at(3, "retrans=")} retrans="fast" is not a valid integer`,
          `${s.at(10, "optinal=")} unknown attribute 'optinal' on <recv>`,
          `${s.at(11, "<recv")} <recv> needs exactly one of 'request' or 'response'`,
          `${s.at(13, "id=")} the label 'a' is defined twice`,
          `${s.at(14, "distribution=")} distribution gamma needs GSL in SIPp and is not supported`,
          `${s.at(15, "next=")} the label 'nowhere' is not defined`,
        ],
      );
      return true;
    });
  });
});
