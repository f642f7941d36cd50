import { describe, it } from "node:test";
import { strict as assert } from "node:assert";
import { parseDistribution, sampleDistribution } from "../../../src/scenario/distribution.js";
import type { Distribution } from "../../../src/scenario/model.js";

/** mulberry32: a tiny seeded PRNG so the statistics below are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DRAWS = 20_000;

function stats(d: Distribution, seed = 1): { mean: number; stdev: number; min: number; max: number; values: number[] } {
  const random = mulberry32(seed);
  const values = Array.from({ length: DRAWS }, () => sampleDistribution(d, random));
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, stdev: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values), values };
}

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} not within ${tolerance} of ${expected}`);
}

void describe("sampleDistribution", () => {
  void it("returns the value of a fixed distribution", () => {
    assert.equal(sampleDistribution({ kind: "fixed", value: 250 }, mulberry32(3)), 250);
  });

  void it("draws uniform values between min and max with mean (min+max)/2 and stdev (max-min)/sqrt(12)", () => {
    const s = stats({ kind: "uniform", min: 100, max: 300 });
    assert.ok(s.min >= 100 && s.max < 300);
    near(s.mean, 200, 2, "mean");
    near(s.stdev, 200 / Math.sqrt(12), 1.5, "stdev");
  });

  void it("draws normal values with the given mean and stdev", () => {
    const s = stats({ kind: "normal", mean: 1000, stdev: 50 });
    near(s.mean, 1000, 1.5, "mean");
    near(s.stdev, 50, 1.5, "stdev");
  });

  void it("draws lognormal values whose logarithm has the given mean and stdev (GSL's zeta and sigma)", () => {
    const s = stats({ kind: "lognormal", mean: 5, stdev: 0.4 });
    const logs = s.values.map((v) => Math.log(v));
    const logMean = logs.reduce((a, v) => a + v, 0) / logs.length;
    const logStdev = Math.sqrt(logs.reduce((a, v) => a + (v - logMean) ** 2, 0) / (logs.length - 1));
    near(logMean, 5, 0.015, "mean of ln");
    near(logStdev, 0.4, 0.015, "stdev of ln");
    near(s.mean, Math.exp(5 + 0.4 ** 2 / 2), 3, "mean of the values");
  });

  void it("draws exponential values with the given mean (and stdev equal to the mean)", () => {
    const s = stats({ kind: "exponential", mean: 200 });
    assert.ok(s.min >= 0);
    near(s.mean, 200, 5, "mean");
    near(s.stdev, 200, 7, "stdev");
  });

  void it("never produces an infinite value, even when the source returns 0", () => {
    const zero = (): number => 0;
    assert.ok(Number.isFinite(sampleDistribution({ kind: "exponential", mean: 10 }, zero)));
    assert.ok(Number.isFinite(sampleDistribution({ kind: "normal", mean: 10, stdev: 1 }, zero)));
  });
});

void describe("parseDistribution", () => {
  void it("parses SIPp's supported distributions and their parameters", () => {
    assert.deepEqual(parseDistribution("fixed", { value: "12.5" }), {
      ok: true,
      distribution: { kind: "fixed", value: 12.5 },
    });
    assert.deepEqual(parseDistribution("uniform", { min: "1", max: "2" }), {
      ok: true,
      distribution: { kind: "uniform", min: 1, max: 2 },
    });
    assert.deepEqual(parseDistribution("lognormal", { mean: "1e1", stdev: ".5" }), {
      ok: true,
      distribution: { kind: "lognormal", mean: 10, stdev: 0.5 },
    });
  });

  void it("rejects GSL-only, unknown and badly parameterised distributions", () => {
    assert.deepEqual(parseDistribution("pareto", { k: "1", x_m: "2" }), {
      ok: false,
      problems: [{ attr: "distribution", message: "distribution pareto needs GSL in SIPp and is not supported" }],
    });
    assert.equal(parseDistribution("zipf", {}).ok, false);
    assert.deepEqual(parseDistribution("exponential", { mean: "0" }), {
      ok: false,
      problems: [{ attr: "mean", message: "exponential distribution needs mean > 0" }],
    });
    assert.deepEqual(parseDistribution("normal", { mean: "1" }), {
      ok: false,
      problems: [{ attr: undefined, message: "distribution normal needs the 'stdev' attribute" }],
    });
  });
});
