/**
 * bench/rtp-calls.ts and bench/webrtc.ts `--media-workers 0,1,2 --rounds R`: the worker counts they accept, the
 * arguments a sipwright side gets, the comparison helpers, and the WebRTC pair's scenarios with audio checks.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mediaWorkersArgs, workerCounts, workersLabel } from "../../../bench/bench-args.js";
import { mean, peakRssCells, ratioText, span } from "../../../bench/report-format.js";
import { uacXml, uasXml, UAS_XML } from "../../../bench/webrtc-pair.js";
import { loadScenarioText } from "../../../src/scenario/load-scenario.js";

describe("bench --media-workers", () => {
  it("accepts worker counts from 0 in the order given and refuses anything else, naming the value", () => {
    assert.deepEqual(workerCounts("--media-workers", "0,1,2"), [0, 1, 2]);
    assert.deepEqual(workerCounts("--media-workers", "2,0"), [2, 0]);
    assert.throws(() => workerCounts("--media-workers", "0,-1"), /--media-workers: "-1" is not a worker count/);
    assert.throws(() => workerCounts("--media-workers", "1,"), /--media-workers: "" is not a worker count/);
    assert.throws(() => workerCounts("--media-workers", "1.5"), /"1.5" is not a worker count/);
  });

  it("passes the count to sipwright, or nothing for the CLI's default", () => {
    assert.deepEqual(mediaWorkersArgs(0), ["--media-workers", "0"]);
    assert.deepEqual(mediaWorkersArgs(null), []);
    assert.equal(workersLabel(null), "default");
    assert.equal(workersLabel(2), "2");
  });

  it("summarises rounds: means and ranges of the known values, ratios, peak RSS per call", () => {
    assert.equal(mean([1, null, 3]), 2);
    assert.equal(mean([null]), null);
    assert.equal(span([2.5, null, 1, undefined], 1), "1.0–2.5");
    assert.equal(span([4, 4], 0), "4");
    assert.equal(span([null], 0), "-");
    assert.equal(ratioText(3, 2), "1.50");
    assert.equal(ratioText(null, 2), "-");
    const step = (uac: number | null, uas: number | null) => ({
      uac: { peak_rss_kb_per_call: uac },
      uas: { peak_rss_kb_per_call: uas },
    });
    assert.deepEqual(peakRssCells([step(100, null), step(200, null)]), ["150", "-"]);
  });
});

describe("bench/webrtc concurrency scenarios", () => {
  it("load with and without audio checks; the checks are the built-in ones", () => {
    for (const checks of [false, true]) {
      const uac = uacXml(5000, checks);
      const uas = uasXml(checks);
      loadScenarioText(uac, "uac.xml");
      loadScenarioText(uas, "uas.xml");
      assert.equal(uac.includes('<check_audio tone="880" tolerance="2%" min_share="70%"/>'), checks);
      assert.equal(uac.includes('<check_audio two_way="true"/>'), checks);
      assert.equal(uas.includes('<check_audio tone="440" tolerance="2%" min_share="70%"/>'), checks);
    }
    assert.equal(UAS_XML, uasXml(false));
  });
});
