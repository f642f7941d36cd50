/**
 * Statistical distributions for `<pause distribution=...>` (and the `sample` action): parsing the attributes and
 * drawing samples. SIPp draws normal/lognormal/exponential through GSL; we follow GSL's parameter meanings.
 */
import type { Distribution } from "./model.js";
import { parseNumberAttribute } from "./c-double.js";

/** Every attribute a distribution may use (for unknown-attribute checks). */
export const DISTRIBUTION_ATTRIBUTES = [
  "distribution",
  "value",
  "min",
  "max",
  "mean",
  "stdev",
  "lambda",
  "k",
  "x_m",
  "shape",
  "scale",
  "location",
  "theta",
  "n",
  "p",
] as const;

/** SIPp distributions that exist only in GSL builds; we reject them by name. */
const GSL_ONLY = ["weibull", "pareto", "gpareto", "gamma", "negbin"] as const;

export interface DistributionProblem {
  /** The attribute at fault, when one is. */
  readonly attr: string | undefined;
  readonly message: string;
}

export type DistributionParse =
  | { readonly ok: true; readonly distribution: Distribution }
  | { readonly ok: false; readonly problems: readonly DistributionProblem[] };

/**
 * SIPp behaviour (parse_distribution): `fixed value`, `uniform min max`, `normal mean stdev`,
 * `lognormal mean stdev`, `exponential mean`. Numbers are doubles in milliseconds.
 */
export function parseDistribution(name: string, attrs: Readonly<Record<string, string>>): DistributionParse {
  const problems: DistributionProblem[] = [];
  const num = (attr: string): number => {
    const raw = attrs[attr];
    if (raw === undefined) {
      problems.push({ attr: undefined, message: `distribution ${name} needs the '${attr}' attribute` });
      return Number.NaN;
    }
    const value = parseNumberAttribute(raw);
    if (value === undefined) {
      problems.push({ attr, message: `${attr}="${raw}" is not a number` });
      return Number.NaN;
    }
    return value;
  };
  const check = (condition: boolean, attr: string, message: string): void => {
    if (!condition) problems.push({ attr, message });
  };
  const done = (distribution: Distribution): DistributionParse =>
    problems.length > 0 ? { ok: false, problems } : { ok: true, distribution };

  switch (name) {
    case "fixed":
      return done({ kind: "fixed", value: num("value") });
    case "uniform": {
      const min = num("min");
      const max = num("max");
      check(!(min > max), "max", `uniform distribution needs min <= max (min=${min}, max=${max})`);
      return done({ kind: "uniform", min, max });
    }
    case "normal":
    case "lognormal": {
      const mean = num("mean");
      const stdev = num("stdev");
      check(!(stdev < 0), "stdev", `${name} distribution needs stdev >= 0`);
      return done({ kind: name, mean, stdev });
    }
    case "exponential": {
      const mean = num("mean");
      check(!(mean <= 0), "mean", "exponential distribution needs mean > 0");
      return done({ kind: "exponential", mean });
    }
    default:
      if ((GSL_ONLY as readonly string[]).includes(name)) {
        return {
          ok: false,
          problems: [{ attr: "distribution", message: `distribution ${name} needs GSL in SIPp and is not supported` }],
        };
      }
      return { ok: false, problems: [{ attr: "distribution", message: `unknown distribution '${name}'` }] };
  }
}

/** Draw one value (milliseconds). `random` returns uniform numbers in [0, 1). */
export function sampleDistribution(d: Distribution, random: () => number): number {
  switch (d.kind) {
    case "fixed":
      return d.value;
    case "uniform":
      return d.min + (d.max - d.min) * random();
    case "normal":
      return d.mean + d.stdev * standardNormal(random);
    case "lognormal":
      // GSL gsl_ran_lognormal(zeta, sigma), which SIPp's CLogNormal(mean, stdev) calls: exp(zeta + sigma * N(0,1)).
      // mean and stdev are those of the underlying normal, not of the result.
      return Math.exp(d.mean + d.stdev * standardNormal(random));
    case "exponential":
      // GSL gsl_ran_exponential(mu): -mu * ln(U), U in (0, 1].
      return -d.mean * Math.log(1 - random());
  }
}

/** Box-Muller transform: one standard normal deviate from two uniforms. */
function standardNormal(random: () => number): number {
  const u1 = 1 - random(); // (0, 1]: log(0) must not happen
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
