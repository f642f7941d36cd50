/** `*** Retransmission and timeout options` of the help; docs/cli.md "Retransmissions and timeouts". */
import { flag, int, one, parseTime, shown, shownTime, type OptionGroup } from "./option-spec.js";

const doc = "Retransmissions and timeouts";

export const RETRANSMISSION_OPTIONS: OptionGroup = {
  title: "Retransmission and timeout options",
  options: [
    one("-recv_timeout", "T", (c, v, u) => (c.recvTimeoutMs = parseTime(u.name, v, "ms")), {
      help: "Default receive timeout, unit ms.",
      doc,
    }),
    one("-send_timeout", "T", (c, v, u) => (c.sendTimeoutMs = parseTime(u.name, v, "ms")), {
      help: "Default send timeout, unit ms.",
      doc,
    }),
    one("-timeout", "T", (c, v, u) => (c.globalTimeoutMs = parseTime(u.name, v, "s")), {
      help: "Global timeout, unit s: quit (exit 97) after T.",
      doc,
    }),
    flag("-timeout_error", (c) => (c.timeoutError = true), {
      help: "Make the global timeout a failure (exit 1).",
      doc,
    }),
    one("-max_retrans", "N", (c, v, u) => (c.maxRetrans = int(u.name, v)), {
      help: "UDP retransmissions before a transaction times out.",
      doc,
    }),
    one("-max_invite_retrans", "N", (c, v, u) => (c.maxInviteRetrans = int(u.name, v)), {
      help: "The same for INVITE transactions.",
      default: shown((d) => d.maxInviteRetrans),
      doc,
    }),
    one("-max_non_invite_retrans", "N", (c, v, u) => (c.maxNonInviteRetrans = int(u.name, v)), {
      help: "The same for other transactions.",
      default: shown((d) => d.maxNonInviteRetrans),
      doc,
    }),
    flag("-nr", (c) => (c.noRetrans = true), { help: "No UDP retransmissions.", doc }),
    one("-T1", "TIME", (c, v, u) => (c.t1Ms = parseTime(u.name, v, "ms")), {
      help: "RFC 3261 T1 of the requests sipwright builds itself (trickle INFO).",
      default: shownTime((d) => d.t1Ms, "ms"),
      doc,
    }),
    one("-T2", "TIME", (c, v, u) => (c.t2Ms = parseTime(u.name, v, "ms")), {
      help: "RFC 3261 T2.",
      default: shownTime((d) => d.t2Ms, "ms"),
      doc,
    }),
  ],
};
