/** `*** sipwright options` of the help; docs/cli.md "sipwright options" and "Media" (recording, codecs). */
import { ConfigError } from "../../shared/errors.js";
import type { RunConfig } from "../../engine/run/run-config.js";
import { flag, int, one, parseTime, shown, shownTime, type OptionGroup } from "./option-spec.js";

const doc = "sipwright options";

/** `--codecs PCMA,PCMU`: G.711 only, each once, in preference order. */
function parseCodecs(value: string): RunConfig["codecs"] {
  const codecs: RunConfig["codecs"] = [];
  for (const name of value.split(",").map((n) => n.trim().toUpperCase())) {
    if (name !== "PCMA" && name !== "PCMU") {
      throw new ConfigError(`--codecs: '${name}' is not a codec sipwright carries (PCMA, PCMU)`);
    }
    if (!codecs.includes(name)) codecs.push(name);
  }
  return codecs;
}

function parseStatus(value: string): RunConfig["statusMode"] {
  if (value !== "tty" && value !== "lines" && value !== "none")
    throw new ConfigError(`--status: '${value}' is not tty, lines or none`);
  return value;
}

export const OUTPUT_OPTIONS: OptionGroup = {
  title: "sipwright options",
  options: [
    one("--out", "DIR", (c, v, u) => (c.outDir = u.path(v)), {
      help: "Output folder for summary.json, call records, recordings and traces.",
      default: "recordings/<run-id>/",
      doc,
    }),
    one("--summary-json", "F", (c, v, u) => (c.summaryJson = u.path(v)), {
      help: "Where to write summary.json.",
      default: "<out>/summary.json",
      doc,
    }),
    one("--records", "F", (c, v, u) => ((c.callRecordsFile = u.path(v)), (c.callRecords = true)), {
      help: "Where to append call_records.jsonl.",
      default: "<out>/call_records.jsonl",
      doc,
    }),
    flag("--no-records", (c) => (c.callRecords = false), { help: "Write no call records.", doc }),
    one("--junit", "F", (c, v, u) => (c.junitFile = u.path(v)), {
      help: "Write JUnit XML at the end of the run: one testcase per call, the verdict as a property.",
      doc,
    }),
    one("--live-stats", "F", (c, v, u) => (c.liveStatsFile = u.path(v)), {
      help: "Append the live counters as one JSON line per second (read by sipwright serve).",
      doc,
    }),
    // Both given: both layouts, written from the same frames (issue 9 item 9).
    flag("--record", (c) => (c.record = c.record === "stereo" || c.record === "both" ? "both" : "per-direction"), {
      help: "Record every call: <out>/recordings/<call>-<Call-ID>-sent.wav and -received.wav.",
      doc: "Media",
    }),
    flag(
      "--record-stereo",
      (c) => (c.record = c.record === "per-direction" || c.record === "both" ? "both" : "stereo"),
      {
        help: "Record every call to one stereo WAV (left = sent, right = received).\nWith --record too, both are written.",
        doc: "Media",
      },
    ),
    one("--codecs", "LIST", (c, v) => (c.codecs = parseCodecs(v)), {
      help: "G.711 codecs in order of preference.",
      default: shown((d) => d.codecs.join(",")),
      doc: "Media",
    }),
    one("--media-workers", "N", (c, v, u) => (c.mediaWorkers = int(u.name, v, 0, 256)), {
      help: "Worker threads the calls' media runs on (RTP, WebRTC, recordings); SIP\nstays in the main thread. 0: media in the main thread too.",
      default: "the number of cores ($SIPWRIGHT_MEDIA_WORKERS)",
      doc: "Media",
    }),
    one("--status", "MODE", (c, v) => (c.statusMode = parseStatus(v)), {
      help: "tty (one line redrawn), lines (a line per -f period) or none.",
      default: "tty on a terminal, lines otherwise",
      doc,
    }),
    flag("--quiet", (c) => (c.statusMode = "none"), {
      help: "Same as --status none: nothing on stderr but errors.",
      doc,
    }),
    // SIPp's -f (screen refresh period) sets our status line period.
    one("-f", "TIME", (c, v, u) => (c.statusPeriodMs = parseTime(u.name, v, "s")), {
      help: 'Status line period in "lines" mode.',
      default: shownTime((d) => d.statusPeriodMs, "s"),
      doc,
    }),
  ],
};
