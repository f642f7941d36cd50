/** `*** Call rate options` of the help; docs/cli.md "Call rate and load". */
import { flag, int, one, parseNumber, parseTime, shown, shownTime, type OptionGroup } from "./option-spec.js";

const doc = "Call rate and load";

export const RATE_OPTIONS: OptionGroup = {
  title: "Call rate options",
  options: [
    one("-r", "RATE", (c, v, u) => (c.rate = parseNumber(u.name, v, { min: 0 })), {
      help: "Calls per rate period.",
      default: shown((d) => d.rate),
      doc,
    }),
    one("-rp", "TIME", (c, v, u) => (c.ratePeriodMs = parseTime(u.name, v, "ms")), {
      help: "Rate period (-r 7 -rp 2s: 7 calls every 2 s).",
      default: shownTime((d) => d.ratePeriodMs, "ms"),
      doc,
    }),
    one("-rate_increase", "N", (c, v, u) => (c.rateIncrease = int(u.name, v)), {
      help: "Add N to the rate every -rate_interval.",
      doc,
    }),
    one("-rate_interval", "T", (c, v, u) => (c.rateIntervalMs = parseTime(u.name, v, "s")), {
      help: "Interval of the rate increase.",
      default: "the -fd value, unit s",
      doc,
    }),
    one("-rate_max", "N", (c, v, u) => (c.rateMax = int(u.name, v)), {
      help: "Stop increasing (and quit, unless -no_rate_quit) at this rate.",
      doc,
    }),
    flag("-no_rate_quit", (c) => (c.noRateQuit = true), { help: "Keep running when -rate_max is reached.", doc }),
    one("-l", "N", (c, v, u) => (c.limit = int(u.name, v, 1)), {
      help: "Maximum simultaneous calls.",
      default: "3 * calls per second * max(-d, 1 s)",
      doc,
    }),
    one("-m", "N", (c, v, u) => (c.maxCalls = int(u.name, v, 1)), { help: "Stop after N calls.", doc }),
    one("-users", "N", (c, v, u) => (c.users = int(u.name, v, 1)), {
      help: "Closed loop: N calls at start, a new one whenever one ends.",
      doc,
    }),
  ],
};
