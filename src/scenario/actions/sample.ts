/**
 * `<sample assign_to="v" distribution="normal" mean="100" stdev="10"/>`: a random double drawn from a distribution
 * (SIPp E_AT_ASSIGN_FROM_SAMPLE, parse_distribution). The parameters are those of `<pause distribution=...>`:
 * fixed value; uniform min max; normal mean stdev; lognormal mean stdev; exponential mean.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { ACTION_OK } from "../runtime.js";
import { DISTRIBUTION_ATTRIBUTES, parseDistribution, sampleDistribution } from "../distribution.js";

export const SAMPLE_ATTRIBUTES = ["assign_to", ...DISTRIBUTION_ATTRIBUTES] as const;

export function buildSample(a: ActionAttributes, random: () => number = Math.random): Action | undefined {
  const target = a.variable("assign_to");
  const name = a.required("distribution");
  if (name === undefined) return undefined;
  const parsed = parseDistribution(name, a.all());
  if (!parsed.ok) for (const p of parsed.problems) a.problem(p.message);
  if (a.failed || target === undefined || !parsed.ok) return undefined;
  const distribution = parsed.distribution;
  return {
    name: "sample",
    loc: a.loc,
    execute: (host) => {
      host.state.variables.set(target, { type: "double", value: sampleDistribution(distribution, random) });
      return ACTION_OK;
    },
  };
}
