/**
 * `*** WebRTC options` of the help; docs/cli.md "WebRTC". `--ice-server` URLs are parsed as they are read (a bad
 * URL is a ConfigError naming it); the TURN authentication plan is made from all of them once the arguments are read
 * (parse-args.ts), so a run starts from typed values.
 */
import { parseIceServers } from "../../media/webrtc/ice-servers.js";
import { TRICKLE_MODES } from "../../media/webrtc/webrtc-types.js";
import { choice, flag, int, one, parseTime, shown, shownTime, type OptionGroup } from "./option-spec.js";

const doc = "WebRTC";

export const WEBRTC_OPTIONS: OptionGroup = {
  title: "WebRTC options (see docs/cli.md)",
  options: [
    flag("--webrtc", (c) => (c.webrtc = true), {
      help: "Every call's media is a WebRTC bridge (ICE + DTLS-SRTP).",
      doc,
    }),
    one(
      "--ice-server",
      "URL",
      (c, v, u) => {
        u.iceServers.push(...parseIceServers([v]));
        c.webrtcOptions.iceServers.push(v);
      },
      { help: "stun:, turn: or turns: server (repeatable; turn:user:pass@host for inline credentials).", doc },
    ),
    one(
      "--ice-policy",
      "P",
      (c, v) => (c.webrtcOptions.icePolicy = choice("--ice-policy", v, ["all", "relay"] as const)),
      { help: "all or relay.", default: shown((d) => d.webrtcOptions.icePolicy), doc },
    ),
    one("--ice-username", "U", (c, v) => (c.webrtcOptions.iceUsername = v), {
      help: "Static TURN user name (with --ice-credential).",
      doc,
    }),
    one("--ice-credential", "P", (c, v) => (c.webrtcOptions.iceCredential = v), {
      help: "Static TURN password (with --ice-username).",
      doc,
    }),
    one("--turn-secret", "S", (c, v) => (c.webrtcOptions.turnSecret = v), {
      help: "TURN REST credentials (coturn use-auth-secret) from this shared secret.",
      doc,
    }),
    one("--turn-ttl", "SECONDS", (c, v, u) => (c.webrtcOptions.turnTtlS = int(u.name, v, 1)), {
      help: "Lifetime of a TURN REST credential.",
      default: shown((d) => d.webrtcOptions.turnTtlS),
      doc,
    }),
    one("--turn-user", "ID", (c, v) => (c.webrtcOptions.turnUser = v), {
      help: "User id of TURN REST credentials.",
      default: shown((d) => d.webrtcOptions.turnUser),
      doc,
    }),
    one("--trickle", "MODE", (c, v) => (c.webrtcOptions.trickle = choice("--trickle", v, TRICKLE_MODES)), {
      help:
        "auto (every candidate in the SDP; INFO only to a peer that supports trickle),\n" +
        "trickle (SDP at once, candidates in SIP INFO), half or full.",
      default: shown((d) => d.webrtcOptions.trickle),
      doc,
    }),
    one("--ice-address", "IP", (c, v) => c.webrtcOptions.candidateAddresses.push(v), {
      help: "Address host candidates may have (repeatable).",
      default: "the media IP",
      doc,
    }),
    one("--gather-timeout", "T", (c, v, u) => (c.webrtcOptions.gatherTimeoutMs = parseTime(u.name, v, "ms")), {
      help: "Bound on candidate gathering.",
      default: shownTime((d) => d.webrtcOptions.gatherTimeoutMs, "ms"),
      doc,
    }),
    one("--ice-timeout", "T", (c, v, u) => (c.webrtcOptions.iceTimeoutMs = parseTime(u.name, v, "ms")), {
      help: "Bound on ICE after the remote description.",
      default: shownTime((d) => d.webrtcOptions.iceTimeoutMs, "ms"),
      doc,
    }),
    one("--dtls-timeout", "T", (c, v, u) => (c.webrtcOptions.dtlsTimeoutMs = parseTime(u.name, v, "ms")), {
      help: "Bound on DTLS after ICE.",
      default: shownTime((d) => d.webrtcOptions.dtlsTimeoutMs, "ms"),
      doc,
    }),
  ],
};
