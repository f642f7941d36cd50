/** `*** RTP behaviour options` of the help; docs/cli.md "Addresses and transport" (the RTP range) and "Media". */
import { flag, int, one, shown, type OptionGroup } from "./option-spec.js";

const addresses = "Addresses and transport";

export const MEDIA_OPTIONS: OptionGroup = {
  title: "RTP behaviour options",
  options: [
    one("-mi", "IP", (c, v) => (c.mediaIp = v), { help: "Media IP.", default: "the local IP", doc: addresses }),
    one("-mp", "PORT", (c, v, u) => (c.mediaPort = int(u.name, v, 0, 65535)), {
      help: "First port of the RTP range (each call with media binds its own even/odd\nRTP/RTCP pair from it).",
      default: shown((d) => d.mediaPort),
      doc: addresses,
    }),
    one("-min_rtp_port", "P", (c, v, u) => (c.mediaPort = int(u.name, v, 0, 65535)), {
      help: "Same as -mp.",
      doc: addresses,
    }),
    one("-max_rtp_port", "P", (c, v, u) => (c.mediaMaxPort = int(u.name, v, 1, 65535)), {
      help: "Last port of the RTP range.",
      default: shown((d) => d.mediaMaxPort),
      doc: addresses,
    }),
    flag("-rtp_echo", (c) => (c.rtpEcho = true), {
      help: "Every call's RTP session sends back the audio it receives.",
      doc: "Media",
    }),
  ],
};
