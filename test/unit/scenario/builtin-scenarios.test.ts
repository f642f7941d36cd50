import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  BUILTIN_SCENARIOS,
  builtinScenarioPath,
  findPackageRoot,
  isBuiltinScenario,
  loadBuiltinScenario,
} from "../../../src/scenario/builtin-scenarios.js";
import { loadScenarioFile } from "../../../src/scenario/load-scenario.js";
import type { Scenario, Step } from "../../../src/scenario/model.js";

/** One token per step: send:INVITE, send:200, recv:100?, recv:INVITE, pause, timewait, with "->N" for next. */
function shape(s: Scenario): string[] {
  return s.steps.map((step: Step) => {
    let token: string = step.kind;
    if (step.kind === "send") {
      token += `:${step.sends.kind === "request" ? step.sends.method : step.sends.kind === "response" ? step.sends.status : "?"}`;
      if (step.retrans !== undefined) token += `/${step.retrans}`;
    }
    if (step.kind === "recv") token += `:${step.request ?? step.response ?? ""}${step.optional === false ? "" : "?"}`;
    if (step.next !== undefined) token += `->${step.next}`;
    return token;
  });
}

void describe("built-in scenarios", () => {
  void it("resolves every built-in to scenarios/NAME.xml under the package root", () => {
    const root = findPackageRoot();
    assert.ok(existsSync(join(root, "package.json")));
    for (const name of BUILTIN_SCENARIOS) {
      assert.equal(builtinScenarioPath(name), join(root, "scenarios", `${name}.xml`));
      assert.ok(existsSync(builtinScenarioPath(name)), name);
    }
    assert.equal(isBuiltinScenario("uac"), true);
    assert.equal(isBuiltinScenario("3pcc-A"), false);
  });

  void it("loads uac: INVITE (retrans 500), optional 100/180/183, 200 with rtd, ACK, pause, BYE, 200", async () => {
    const s = await loadBuiltinScenario("uac");
    assert.equal(s.source, "builtin:uac");
    assert.equal(s.isClient, true);
    assert.deepEqual(shape(s), [
      "send:INVITE/500",
      "recv:100?",
      "recv:180?",
      "recv:183?",
      "recv:200",
      "send:ACK",
      "pause",
      "send:BYE/500",
      "recv:200",
    ]);
    assert.deepEqual(s.steps[4]?.rtd, ["1"]);
    assert.deepEqual(s.steps[6]?.kind === "pause" && s.steps[6].duration, { kind: "default" });
    assert.deepEqual(s.rtdNames, ["1"]);
  });

  void it("loads uas: INVITE, 180, 200 (retrans 500), optional ACK, BYE, 200, timewait 4000", async () => {
    const s = await loadBuiltinScenario("uas");
    assert.equal(s.isClient, false);
    assert.deepEqual(shape(s), [
      "recv:INVITE",
      "send:180",
      "send:200/500",
      "recv:ACK?",
      "recv:BYE",
      "send:200",
      "timewait",
    ]);
    const last = s.steps.at(-1);
    assert.deepEqual(last?.kind === "timewait" && last.duration, {
      kind: "distribution",
      distribution: { kind: "fixed", value: 4000 },
    });
  });

  void it("loads regexp: three checked ereg actions on the 200 and a 1 s pause", async () => {
    const s = await loadBuiltinScenario("regexp");
    assert.equal(s.isClient, true);
    assert.deepEqual(shape(s), [
      "send:INVITE/500",
      "recv:100?",
      "recv:180?",
      "recv:183?",
      "recv:200",
      "send:ACK",
      "pause",
      "send:BYE/500",
      "recv:200",
    ]);
    const ok200 = s.steps[4];
    assert.ok(ok200);
    assert.deepEqual(
      ok200.actions.map((a) => a.name),
      ["ereg", "ereg", "ereg"],
    );
    assert.deepEqual(ok200.startRtd, ["1"]);
    assert.deepEqual(s.responseTimeRepartition.edges, [1000, 1040, 1080, 1120, 1160, 1200]);
  });

  void it("loads branchc: labels 5 and 1, a jump on the optional 403 and a test jump after the ACK", async () => {
    const s = await loadBuiltinScenario("branchc");
    assert.equal(s.isClient, true);
    assert.deepEqual(
      [...s.labels],
      [
        ["5", 3],
        ["1", 11],
      ],
    );
    assert.deepEqual(shape(s), [
      "send:REGISTER/500",
      "recv:200->3",
      "recv:200",
      "send:INVITE/500",
      "recv:100?",
      "recv:180?",
      "recv:183?",
      "recv:403?->11",
      "recv:200",
      "send:ACK->11",
      "pause",
      "send:BYE/500",
      "recv:200",
      "pause",
    ]);
    assert.equal(s.steps[9]?.test, "8");
    assert.deepEqual(
      s.steps[8]?.actions.map((a) => a.name),
      ["ereg"],
    );
  });

  void it("loads branchs: the 180 jumps to label 1 when variable 3 is set, the 403 jumps to label 2", async () => {
    const s = await loadBuiltinScenario("branchs");
    assert.equal(s.isClient, false);
    assert.deepEqual(
      [...s.labels],
      [
        ["1", 5],
        ["2", 8],
      ],
    );
    assert.deepEqual(shape(s), [
      "recv:REGISTER",
      "send:200",
      "recv:INVITE",
      "send:180->5",
      "send:403->8",
      "send:100",
      "send:200/500",
      "recv:ACK?",
      "recv:BYE",
      "send:200",
      "timewait",
    ]);
    assert.equal(s.steps[3]?.test, "3");
  });

  void it("loads ooc_default: any request (regexp .*) answered with 200, then timewait", async () => {
    const s = await loadBuiltinScenario("ooc_default");
    assert.equal(s.isClient, false);
    assert.deepEqual(shape(s), ["recv:.*", "send:200", "timewait"]);
    const recv = s.steps[0];
    assert.ok(recv?.kind === "recv" && recv.regexpMatch && recv.pattern?.test("NOTIFY"));
  });

  void it("loads register: a client whose REGISTER loop refreshes and ends with the unREGISTER", async () => {
    const s = await loadBuiltinScenario("register");
    assert.equal(s.isClient, true);
    const tokens = shape(s);
    // Each REGISTER without credentials, then the 401/407 (stored for [authentication]) or a direct 200.
    assert.equal(tokens.filter((t) => t.startsWith("send:REGISTER/500")).length, 4);
    assert.equal(tokens.filter((t) => t === "recv:401?" || t.startsWith("recv:401?->")).length, 2);
    assert.equal(tokens.filter((t) => t.startsWith("recv:407?->")).length, 2);
    const challenges = s.steps.filter((st) => st.kind === "recv" && (st.response === "401" || st.response === "407"));
    assert.equal(challenges.length, 4);
    assert.ok(challenges.every((st) => st.kind === "recv" && st.auth));
    const pause = s.steps.find((st) => st.kind === "pause");
    assert.deepEqual(pause?.kind === "pause" && pause.duration, { kind: "variable", variable: "refresh_ms" });
    assert.deepEqual(s.globalVariables, ["expires", "refreshes"]);
  });

  void it("loads registrar: a server that challenges with 401 or 407 and checks with verifyauth", async () => {
    const s = await loadBuiltinScenario("registrar");
    assert.equal(s.isClient, false);
    const tokens = shape(s);
    assert.equal(tokens[0], "recv:REGISTER");
    for (const t of ["send:401", "send:407", "send:403", "send:200", "recv:INVITE?", "send:INVITE/500"]) {
      assert.ok(
        tokens.some((x) => x.startsWith(t)),
        `${t} in ${tokens.join(" ")}`,
      );
    }
    assert.deepEqual(s.globalVariables, ["challenge", "algorithm", "max_expires", "place_call"]);
  });

  void it("loads every .xml in scenarios/ as a file", async () => {
    const dir = dirname(builtinScenarioPath("uac"));
    const files = readdirSync(dir).filter((f) => f.endsWith(".xml"));
    assert.ok(files.length >= BUILTIN_SCENARIOS.length);
    for (const file of files) {
      const s = await loadScenarioFile(join(dir, file));
      assert.ok(s.steps.length > 0, file);
    }
  });
});
