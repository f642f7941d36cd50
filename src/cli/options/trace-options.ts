/** `*** Tracing, logging and statistics options` of the help; docs/cli.md "Traces and statistics". */
import { flag, int, one, parseTime, shown, shownTime, type OptionGroup } from "./option-spec.js";

const doc = "Traces and statistics";

export const TRACE_OPTIONS: OptionGroup = {
  title: "Tracing, logging and statistics options",
  after: "   Traces go to the run's output folder unless a file option names a path.",
  options: [
    flag("-trace_stat", (c) => (c.trace.stat = true), {
      help: "Statistics CSV <scenario>_<pid>_.csv (SIPp's columns in SIPp's order).",
      doc,
    }),
    one("-stf", "FILE", (c, v, u) => (c.trace.statFile = u.path(v)), { help: "Statistics file name.", doc }),
    one("-fd", "TIME", (c, v, u) => (c.trace.statPeriodMs = parseTime(u.name, v, "s")), {
      help: "Statistics period.",
      default: shownTime((d) => d.trace.statPeriodMs, "s"),
      doc,
    }),
    one("-stat_delimiter", "S", (c, v) => (c.trace.statDelimiter = v), {
      help: "Statistics delimiter.",
      default: shown((d) => d.trace.statDelimiter),
      doc,
    }),
    flag("-trace_msg", (c) => (c.trace.msg = true), {
      help: "All messages in <scenario>_<pid>_messages.log.",
      doc,
    }),
    one("-message_file", "FILE", (c, v, u) => (c.trace.messageFile = u.path(v)), {
      help: "Name of the -trace_msg file.",
      doc,
    }),
    flag("-trace_shortmsg", (c) => (c.trace.shortmsg = true), {
      help: "One line per message in <scenario>_<pid>_shortmessages.log.",
      doc,
    }),
    one("-shortmessage_file", "FILE", (c, v, u) => (c.trace.shortmsgFile = u.path(v)), {
      help: "Name of the -trace_shortmsg file.",
      doc,
    }),
    flag("-trace_err", (c) => (c.trace.err = true), {
      help: "Errors and warnings in <scenario>_<pid>_errors.log.",
      doc,
    }),
    one("-error_file", "FILE", (c, v, u) => (c.trace.errorFile = u.path(v)), {
      help: "Name of the -trace_err file.",
      doc,
    }),
    flag("-trace_rtt", (c) => (c.trace.rtt = true), { help: "Response times in <scenario>_<pid>_rtt.csv.", doc }),
    one("-rtt_freq", "N", (c, v, u) => (c.trace.rttFreq = int(u.name, v, 1)), {
      help: "Write the -trace_rtt file every N samples.",
      default: shown((d) => d.trace.rttFreq),
      doc,
    }),
    flag("-trace_counts", (c) => (c.trace.counts = true), {
      help: "Per-step message counts in <scenario>_<pid>_counts.csv.",
      doc,
    }),
    flag("-trace_logs", (c) => (c.trace.logs = true), {
      help: "<log> action output in <scenario>_<pid>_logs.log.",
      doc,
    }),
    one("-log_file", "FILE", (c, v, u) => (c.trace.logFile = u.path(v)), {
      help: "Name of the -trace_logs file.",
      doc,
    }),
  ],
};
