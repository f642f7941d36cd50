/**
 * `-h` / `-v` anywhere on a run command line, and the SIPp options that only concern SIPp's curses screen or process
 * model: accepted, no effect (docs/cli.md "Subcommands", "Accepted and ignored").
 */
import type { OptionGroup, OptionSpec } from "./option-spec.js";

const ignored = (name: string, values: readonly string[], help: string, prefix = false): OptionSpec => ({
  name,
  values,
  action: { kind: "ignore" },
  help,
  doc: "Accepted and ignored",
  ...(prefix ? { prefix } : {}),
});

export const GENERAL_OPTIONS: OptionGroup = {
  title: "Help and version",
  options: [
    {
      name: "-h",
      aliases: ["--help"],
      values: [],
      action: { kind: "help" },
      help: "Print this help.",
      doc: "Subcommands",
    },
    {
      name: "-v",
      aliases: ["--version"],
      values: [],
      action: { kind: "version" },
      help: "Print the version.",
      doc: "Subcommands",
    },
  ],
};

export const IGNORED_OPTIONS: OptionGroup = {
  title: "Accepted and ignored (SIPp screen and process options)",
  options: [
    ignored("-nostdin", [], "SIPp's keyboard input."),
    ignored("-bg", [], "SIPp's background mode (sipwright runs in the foreground)."),
    ignored("-trace_screen", [], "SIPp's screen dump."),
    ignored("-skip_rlimit", [], "SIPp's file descriptor limit."),
    ignored("-screen_file", ["FILE"], "SIPp's screen dump file."),
    ignored("-timer_resol", ["N"], "SIPp's timer resolution."),
    ignored("-max_recv_loops", ["N"], "SIPp's receive loop bound."),
    ignored("-max_sched_loops", ["N"], "SIPp's scheduler loop bound."),
    ignored("-watchdog_*", ["V"], "SIPp's watchdog (every -watchdog_ option).", true),
  ],
};
