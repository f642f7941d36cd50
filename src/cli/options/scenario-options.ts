/** `*** Scenario file options` of the help; docs/cli.md "Scenario options". */
import { one, shown, type OptionGroup } from "./option-spec.js";

const doc = "Scenario options";

export const SCENARIO_OPTIONS: OptionGroup = {
  title: "Scenario file options",
  options: [
    // SIPp behaviour: the last scenario option wins.
    one("-sf", "FILE", (c, v, u) => ((c.scenarioFile = u.path(v)), (c.scenarioName = undefined)), {
      help: "Load an XML scenario file.",
      doc,
    }),
    one("-sn", "NAME", (c, v) => ((c.scenarioName = v), (c.scenarioFile = undefined)), {
      help: "Load a built-in scenario (uac, uas, ...).",
      default: shown((d) => d.scenarioName ?? ""),
      doc,
    }),
    one("-oocsf", "FILE", (c, v, u) => ((c.oocScenarioFile = u.path(v)), (c.oocScenarioName = undefined)), {
      help: "Out-of-call scenario file.",
      doc,
    }),
    one("-oocsn", "NAME", (c, v) => ((c.oocScenarioName = v), (c.oocScenarioFile = undefined)), {
      help: "Built-in out-of-call scenario.",
      doc,
    }),
  ],
};
