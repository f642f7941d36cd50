import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { checkScenario, loadScenarioFile, loadScenarioText } from "../../../src/scenario/load-scenario.js";
import { DEFAULT_CALL_LENGTH_REPARTITION, DEFAULT_RESPONSE_TIME_REPARTITION } from "../../../src/scenario/model.js";
import type { PauseStep, RecvStep, Scenario, SendStep, Step } from "../../../src/scenario/model.js";
import { ScenarioError } from "../../../src/shared/errors.js";

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/scenarios/${name}`, import.meta.url));

function cdata(firstLine: string): string {
  return `<![CDATA[\n  ${firstLine}\n  Call-ID: [call_id]\n  Content-Length: 0\n]]>`;
}
const INVITE = `<send retrans="500">${cdata("INVITE sip:[service]@[remote_ip] SIP/2.0")}</send>`;
const ACK = `<send>${cdata("ACK sip:[service]@[remote_ip] SIP/2.0")}</send>`;
const OK = `<send>${cdata("SIP/2.0 200 OK")}</send>`;

function load(...body: string[]): Scenario {
  return loadScenarioText(`<scenario name="t">\n${body.join("\n")}\n</scenario>`, "t.xml");
}

function step<K extends Step["kind"]>(s: Scenario, index: number, kind: K): Extract<Step, { kind: K }> {
  const found = s.steps[index];
  assert.equal(found?.kind, kind, `step ${index}`);
  return found as Extract<Step, { kind: K }>;
}

void describe("loadScenarioText", () => {
  void it("numbers steps in order and gives each the location of its element", () => {
    const s = load(INVITE, '<recv response="200"/>', ACK);
    assert.deepEqual(
      s.steps.map((x) => [x.kind, x.index, x.loc.line, x.loc.column]),
      [
        ["send", 0, 2, 1],
        ["recv", 1, 7, 1],
        ["send", 2, 8, 1],
      ],
    );
    assert.equal(s.name, "t");
    assert.equal(s.source, "t.xml");
  });

  void it("resolves a label to the index of the element that follows it, and to steps.length at the end", () => {
    const s = load(
      INVITE,
      '<recv response="200" next="skip" ontimeout="end"/>',
      '<label id="skip"/>',
      ACK,
      '<label id="end"/>',
    );
    assert.deepEqual(
      [...s.labels],
      [
        ["skip", 2],
        ["end", 3],
      ],
    );
    const recv = step(s, 1, "recv");
    assert.equal(recv.next, 2);
    assert.equal(recv.nextLabel, "skip");
    assert.equal(recv.ontimeout, 3);
    assert.equal(recv.ontimeoutLabel, "end");
  });

  void it("reads test, chance, condexec and condexec_inverse", () => {
    const s = load(
      '<Global variables="v,w"/>',
      INVITE,
      '<recv response="200" next="a" test="v" chance="0.25"/>',
      '<label id="a"/>',
      '<nop condexec="w" condexec_inverse="true"/>',
    );
    const recv = step(s, 1, "recv");
    assert.equal(recv.test, "v");
    assert.equal(recv.chance, 0.25);
    const nop = step(s, 2, "nop");
    assert.equal(nop.chance, 1);
    assert.equal(nop.condexec, "w");
    assert.equal(nop.condexecInverse, true);
  });

  void it("reads send attributes: retrans, timeout, start_txn, ack_txn, and what the message is", () => {
    const s = load(
      `<send retrans="500" timeout="2000" start_txn="inv">${cdata("INVITE sip:x SIP/2.0")}</send>`,
      '<recv response="200" response_txn="inv"/>',
      `<send ack_txn="inv">${cdata("ACK sip:x SIP/2.0")}</send>`,
      OK,
    );
    const invite = step(s, 0, "send");
    assert.equal(invite.retrans, 500);
    assert.equal(invite.timeout, 2000);
    assert.equal(invite.startTxn, "inv");
    assert.deepEqual(invite.sends, { kind: "request", method: "INVITE" });
    assert.equal(step(s, 1, "recv").responseTxn, "inv");
    const ack = step(s, 2, "send");
    assert.equal(ack.ackTxn, "inv");
    assert.equal(ack.retrans, undefined, "SIPp behaviour: no retransmission unless retrans is set");
    assert.deepEqual(step(s, 3, "send").sends, { kind: "response", status: 200 });
  });

  void it("reads recv attributes and compiles regexp_match patterns", () => {
    const s = load(
      '<recv request="INVITE" rrs="true" auth="true" timeout="5000" ignoresdp="true"/>',
      '<recv request="(INFO|UPDATE)" regexp_match="true" optional="global" advance_state="false"/>',
      '<recv request="BYE" optional="true"/>',
      '<recv request="ACK"/>',
    );
    const invite: RecvStep = step(s, 0, "recv");
    assert.deepEqual(
      [invite.request, invite.response, invite.rrs, invite.auth, invite.timeout, invite.ignoresdp],
      ["INVITE", undefined, true, true, 5000, true],
    );
    assert.equal(invite.optional, false);
    assert.equal(invite.advanceState, true);
    assert.equal(invite.pattern, undefined);
    const re = step(s, 1, "recv");
    assert.equal(re.regexpMatch, true);
    assert.equal(re.optional, "global");
    assert.equal(re.advanceState, false);
    assert.ok(re.pattern);
    assert.ok(re.pattern.test("UPDATE"));
    assert.ok(!re.pattern.test("BYE"));
    assert.equal(step(s, 2, "recv").optional, "true");
  });

  void it("reads every form of pause duration", () => {
    const s = load(
      '<Global variables="hold"/>',
      INVITE,
      "<pause/>",
      '<pause milliseconds="250"/>',
      '<pause milliseconds="5s"/>',
      '<pause milliseconds="1.5m"/>',
      '<pause variable="hold"/>',
      '<pause distribution="uniform" min="10" max="20"/>',
      '<pause min="1" max="2"/>',
      '<pause distribution="normal" mean="100" stdev="5"/>',
      '<pause distribution="lognormal" mean="4" stdev="0.5"/>',
      '<pause distribution="exponential" mean="30"/>',
      '<pause distribution="fixed" value="42"/>',
      '<timewait milliseconds="4000"/>',
    );
    const durations = s.steps.slice(1).map((x) => (x as PauseStep).duration);
    assert.deepEqual(durations, [
      { kind: "default" },
      { kind: "distribution", distribution: { kind: "fixed", value: 250 } },
      { kind: "distribution", distribution: { kind: "fixed", value: 5000 } },
      { kind: "distribution", distribution: { kind: "fixed", value: 90000 } },
      { kind: "variable", variable: "hold" },
      { kind: "distribution", distribution: { kind: "uniform", min: 10, max: 20 } },
      { kind: "distribution", distribution: { kind: "uniform", min: 1, max: 2 } },
      { kind: "distribution", distribution: { kind: "normal", mean: 100, stdev: 5 } },
      { kind: "distribution", distribution: { kind: "lognormal", mean: 4, stdev: 0.5 } },
      { kind: "distribution", distribution: { kind: "exponential", mean: 30 } },
      { kind: "distribution", distribution: { kind: "fixed", value: 42 } },
      { kind: "distribution", distribution: { kind: "fixed", value: 4000 } },
    ]);
    assert.equal(s.steps.at(-1)?.kind, "timewait");
  });

  void it("maps rtd and start_rtd 'true' to RTD \"1\", accepts lists, and collects RTD and counter names in first-use order", () => {
    const s = load(
      '<send start_rtd="setup, true" counter="c2">' + cdata("INVITE sip:x SIP/2.0") + "</send>",
      '<recv response="200" rtd="true,setup" repeat_rtd="true" counter="c1"/>',
      '<nop counter="c2" rtd="false"/>',
    );
    const send = step(s, 0, "send");
    assert.deepEqual(send.startRtd, ["setup", "1"]);
    const recv = step(s, 1, "recv");
    assert.deepEqual(recv.rtd, ["1", "setup"]);
    assert.equal(recv.repeatRtd, true);
    assert.deepEqual(step(s, 2, "nop").rtd, []);
    assert.deepEqual(s.rtdNames, ["setup", "1"]);
    assert.deepEqual(s.counterNames, ["c2", "c1"]);
  });

  void it("reads display attributes, and hiderest changes the default of hide for later elements", () => {
    const s = load(
      '<send crlf="true" display="calling" lost="10">' + cdata("INVITE sip:x SIP/2.0") + "</send>",
      '<recv response="200" hiderest="true"/>',
      '<recv response="201" hide="false"/>',
      "<nop/>",
    );
    const send = step(s, 0, "send");
    assert.deepEqual([send.crlf, send.display, send.lost, send.hide], [true, "calling", 10, false]);
    assert.equal(step(s, 1, "recv").hide, true);
    assert.equal(step(s, 2, "recv").hide, false);
    assert.equal(step(s, 3, "nop").hide, true);
    assert.equal(step(s, 3, "nop").lost, undefined);
  });

  void it("is a client scenario when the first send/recv (after leading nops and pauses) is a send", () => {
    assert.equal(load("<nop/>", '<pause milliseconds="10"/>', INVITE, '<recv response="200"/>').isClient, true);
    assert.equal(load("<nop/>", '<recv request="INVITE"/>', OK).isClient, false);
  });

  void it("reads init nops and labels, _unexp.main, repartitions, variables and default messages", () => {
    const s = load(
      '<init><nop next="i"/><label id="i"/><nop/></init>',
      '<Global variables="g1, g2"/>',
      '<User variables="u"/>',
      '<Reference variables="g1"/>',
      '<ResponseTimeRepartition value="5, 1, 10"/>',
      `<DefaultMessage id="bye">${cdata("BYE sip:x SIP/2.0")}</DefaultMessage>`,
      INVITE,
      '<recv response="200"/>',
      '<label id="_unexp.main"/>',
      "<nop/>",
    );
    assert.equal(s.initSteps.length, 2);
    assert.equal(s.initSteps[0]?.next, 1);
    assert.equal(s.initSteps[1]?.index, 1);
    assert.equal(s.labels.has("i"), false, "init labels are separate from the main labels");
    assert.equal(s.unexpectedHandler, 2);
    assert.deepEqual(s.globalVariables, ["g1", "g2"]);
    assert.deepEqual(s.userVariables, ["u"]);
    assert.deepEqual(s.responseTimeRepartition.edges, [1, 5, 10]);
    assert.deepEqual(s.callLengthRepartition, DEFAULT_CALL_LENGTH_REPARTITION);
    assert.deepEqual([...s.defaultMessages.keys()], ["bye"]);
  });

  void it("uses SIPp's default repartitions and no webrtc when the scenario says nothing", () => {
    const s = load(INVITE);
    assert.deepEqual(s.responseTimeRepartition, DEFAULT_RESPONSE_TIME_REPARTITION);
    assert.deepEqual(s.callLengthRepartition, DEFAULT_CALL_LENGTH_REPARTITION);
    assert.equal(s.webrtc, false);
    assert.equal(s.unexpectedHandler, undefined);
    const w = loadScenarioText(`<scenario webrtc="true">${INVITE}</scenario>`, "w.xml");
    assert.equal(w.webrtc, true);
    assert.equal(w.name, "");
  });

  void it("builds every element inside <action> into the step's actions, in order", () => {
    const s = load(
      '<recv request="INVITE"><action><ereg regexp="x" search_in="msg" assign_to="v"/>' +
        '<log message="got [$v]"/></action></recv>',
      OK,
    );
    const recv = step(s, 0, "recv");
    assert.deepEqual(
      recv.actions.map((a) => [a.name, a.loc.line, a.loc.column]),
      [
        ["ereg", 2, 32],
        ["log", 2, 80],
      ],
    );
  });

  void it("returns no problems from checkScenario for a valid scenario", () => {
    assert.deepEqual(checkScenario(`<scenario>${INVITE}</scenario>`, "ok.xml"), []);
  });

  void it("throws a ScenarioError whose message lists each problem as file:line:column", () => {
    assert.throws(
      () => loadScenarioText('<scenario>\n  <sned/>\n  <recv response="abc"/>\n</scenario>', "bad.xml"),
      (error: unknown) => {
        assert.ok(error instanceof ScenarioError);
        assert.equal(error.code, "SCENARIO_INVALID");
        assert.equal(error.problems.length, 2);
        assert.match(error.message, /^bad\.xml:2:3: unknown element <sned>/);
        assert.match(error.message, /\nbad\.xml:3:9: response="abc" is not a valid integer/);
        return true;
      },
    );
  });
});

void describe("loadScenarioFile", () => {
  void it("reads an ISO-8859-1 file with CRLF line ends", async () => {
    const s = await loadScenarioFile(fixture("latin1-crlf.xml"));
    assert.equal(s.name, "Appel \u00e9t\u00e9");
    assert.equal(s.source, fixture("latin1-crlf.xml"));
    assert.deepEqual(
      s.steps.map((x) => [x.kind, x.loc.line]),
      [
        ["send", 4],
        ["recv", 17],
      ],
    );
    assert.deepEqual((s.steps[0] as SendStep).sends, { kind: "request", method: "OPTIONS" });
  });

  void it("rejects a missing file with a FILE_ERROR", async () => {
    await assert.rejects(loadScenarioFile(fixture("does-not-exist.xml")), { code: "FILE_ERROR" });
  });
});
