import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadScenarioFile, loadScenarioText } from "../../../src/scenario/load-scenario.js";
import { renderMessage } from "../../../src/scenario/render-message.js";
import type { SendStep } from "../../../src/scenario/model.js";
import { fakeState } from "./render-fake-state.js";

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/scenarios/${name}`, import.meta.url));

function firstSend(steps: readonly { kind: string }[]): SendStep {
  const send = steps.find((s) => s.kind === "send");
  assert.ok(send);
  return send as SendStep;
}

describe("scenario file encoding", () => {
  it("sends the literal bytes of an ISO-8859-1 scenario unchanged (0xE9 stays one byte)", async () => {
    const scenario = await loadScenarioFile(fixture("latin1-literal.xml"));
    const bytes = renderMessage(firstSend(scenario.steps).template, fakeState());
    assert.ok(bytes.includes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x40])), "caf\\xE9@ as latin1 bytes");
    assert.ok(!bytes.includes(Buffer.from([0xc3, 0xa9])), "no UTF-8 re-encoding");
  });

  it("sends the literal bytes of a UTF-8 scenario as UTF-8", () => {
    const text =
      '<?xml version="1.0" encoding="UTF-8"?>\n<scenario name="u">\n<send><![CDATA[\nOPTIONS sip:café@[remote_ip] SIP/2.0\nContent-Length: 0\n]]></send>\n</scenario>';
    const scenario = loadScenarioText(text, "u.xml");
    const bytes = renderMessage(firstSend(scenario.steps).template, fakeState());
    assert.ok(bytes.includes(Buffer.from("café@", "utf8")));
  });
});
