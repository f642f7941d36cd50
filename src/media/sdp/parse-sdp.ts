/**
 * A tolerant SDP reader for the audio leg (RFC 8866 syntax, RFC 3264 semantics). CRLF and bare LF line ends,
 * unknown lines and attributes are skipped; only what we cannot do without (a v= line, a readable m=audio or c=
 * line) makes an error. Never throws: the result is `{ ok: false, error }` with the line number.
 */
import {
  SDP_DIRECTIONS,
  type SdpAudio,
  type SdpConnection,
  type SdpDirection,
  type SdpOrigin,
  type SdpParseResult,
  type SdpPayloadType,
} from "./session-description.js";

/** RFC 3551 6, Table 4: static audio payload types (used when no a=rtpmap names them). */
const STATIC_PAYLOAD_TYPES: ReadonlyMap<number, readonly [string, number, number]> = new Map([
  [0, ["PCMU", 8000, 1]],
  [3, ["GSM", 8000, 1]],
  [4, ["G723", 8000, 1]],
  [5, ["DVI4", 8000, 1]],
  [6, ["DVI4", 16000, 1]],
  [7, ["LPC", 8000, 1]],
  [8, ["PCMA", 8000, 1]],
  [9, ["G722", 8000, 1]],
  [10, ["L16", 44100, 2]],
  [11, ["L16", 44100, 1]],
  [12, ["QCELP", 8000, 1]],
  [13, ["CN", 8000, 1]],
  [14, ["MPA", 90000, 1]],
  [15, ["G728", 8000, 1]],
  [18, ["G729", 8000, 1]],
] as const);

/** Attributes and lines of one section (session level or one m-line). */
interface Section {
  connection: SdpConnection | undefined;
  direction: SdpDirection | undefined;
  ptime: number | undefined;
  rtpmap: Map<number, { encoding: string; clockRate: number | undefined; channels: number | undefined }>;
  fmtp: Map<number, string>;
  rtcp: { port: number; address: string | undefined } | undefined;
  rtcpMux: boolean;
}

interface MediaSection extends Section {
  readonly media: string;
  readonly port: number;
  readonly protocol: string;
  readonly formats: readonly string[];
}

const newSection = (): Section => ({
  connection: undefined,
  direction: undefined,
  ptime: undefined,
  rtpmap: new Map(),
  fmtp: new Map(),
  rtcp: undefined,
  rtcpMux: false,
});

interface Fail {
  readonly ok: false;
  readonly error: { readonly line: number; readonly message: string };
}
const fail = (line: number, message: string): Fail => ({ ok: false, error: { line, message } });

export function parseSdp(text: string): SdpParseResult {
  const lines = text.split(/\r?\n/);
  const session = newSection();
  const media: MediaSection[] = [];
  let origin: SdpOrigin | undefined;
  let sawVersion = false;
  let current: Section = session;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trimEnd();
    const lineNo = i + 1;
    if (line === "") continue;
    // RFC 8866 5: `<type>=<value>`, type a single letter.
    if (line.length < 2 || line[1] !== "=") {
      if (!sawVersion) return fail(lineNo, `not an SDP body: "${clip(line)}" is not a <type>=<value> line`);
      continue;
    }
    const type = line.charAt(0);
    const value = line.slice(2);
    if (!sawVersion) {
      // RFC 8866 5: "An SDP description ... begins with a "v=" line".
      if (type !== "v") return fail(lineNo, `not an SDP body: expected "v=0" first, found "${clip(line)}"`);
      sawVersion = true;
      continue;
    }
    switch (type) {
      case "o":
        if (current === session) origin = parseOrigin(value);
        break;
      case "c": {
        const connection = parseConnection(value);
        if (connection === undefined) return fail(lineNo, `unreadable connection line "${clip(line)}"`);
        current.connection = connection;
        break;
      }
      case "m": {
        const m = parseMediaLine(value);
        if (m === undefined) return fail(lineNo, `unreadable media line "${clip(line)}"`);
        current = m;
        media.push(m);
        break;
      }
      case "a":
        readAttribute(current, value);
        break;
      default:
        break;
    }
  }
  if (!sawVersion) return fail(0, "empty SDP body");
  const audioSections = media.filter((m) => m.media === "audio");
  const chosen = audioSections.find((m) => m.port !== 0) ?? audioSections[0];
  return {
    ok: true,
    sdp: {
      origin,
      connection: session.connection,
      audio: chosen === undefined ? undefined : toAudio(chosen, session),
      mediaCount: media.length,
    },
  };
}

function clip(line: string): string {
  return line.length > 60 ? `${line.slice(0, 60)}...` : line;
}

function parseOrigin(value: string): SdpOrigin | undefined {
  const [username, sessionId, sessionVersion, , , address] = value.split(/\s+/);
  if (username === undefined || sessionId === undefined || sessionVersion === undefined || address === undefined) {
    return undefined;
  }
  return { username, sessionId, sessionVersion, address };
}

function parseConnection(value: string): SdpConnection | undefined {
  const [net, addressType, address] = value.trim().split(/\s+/);
  if (net !== "IN" || (addressType !== "IP4" && addressType !== "IP6") || address === undefined) return undefined;
  // RFC 8866 5.7: multicast addresses may carry /ttl and /number of addresses.
  const host = address.split("/")[0] ?? "";
  return host === "" ? undefined : { addressType, address: host };
}

function parseMediaLine(value: string): MediaSection | undefined {
  // RFC 8866 5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...
  const [mediaType, portField, protocol, ...formats] = value.trim().split(/\s+/);
  if (mediaType === undefined || portField === undefined || protocol === undefined) return undefined;
  const port = Number(portField.split("/")[0]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  return { ...newSection(), media: mediaType, port, protocol, formats };
}

function readAttribute(section: Section, value: string): void {
  const colon = value.indexOf(":");
  const name = colon < 0 ? value : value.slice(0, colon);
  const rest = colon < 0 ? "" : value.slice(colon + 1).trim();
  if ((SDP_DIRECTIONS as readonly string[]).includes(name)) {
    section.direction = name as SdpDirection;
    return;
  }
  switch (name) {
    case "rtpmap": {
      // RFC 8866 6.6: a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
      const match = /^(\d+)\s+([^/\s]+)(?:\/(\d+))?(?:\/(\d+))?/.exec(rest);
      if (match?.[1] === undefined || match[2] === undefined) return;
      section.rtpmap.set(Number(match[1]), {
        encoding: match[2],
        clockRate: match[3] === undefined ? undefined : Number(match[3]),
        channels: match[4] === undefined ? undefined : Number(match[4]),
      });
      return;
    }
    case "fmtp": {
      const match = /^(\d+)\s+(.*)$/.exec(rest);
      if (match?.[1] !== undefined && match[2] !== undefined) section.fmtp.set(Number(match[1]), match[2].trim());
      return;
    }
    case "ptime": {
      const ptime = Number(rest);
      if (Number.isFinite(ptime) && ptime > 0) section.ptime = ptime;
      return;
    }
    case "rtcp": {
      // RFC 3605 2.1: a=rtcp:<port> [<nettype> <addrtype> <connection-address>]
      const [portField, ...address] = rest.split(/\s+/);
      const port = Number(portField);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return;
      section.rtcp = { port, address: parseConnection(address.join(" "))?.address };
      return;
    }
    case "rtcp-mux":
      section.rtcpMux = true;
      return;
    default:
      return;
  }
}

function toAudio(m: MediaSection, session: Section): SdpAudio {
  const payloadTypes: SdpPayloadType[] = [];
  for (const format of m.formats) {
    const payloadType = Number(format);
    if (!/^\d+$/.test(format) || payloadType > 127) continue;
    const mapped = m.rtpmap.get(payloadType) ?? session.rtpmap.get(payloadType);
    const known = STATIC_PAYLOAD_TYPES.get(payloadType);
    payloadTypes.push({
      payloadType,
      encoding: mapped?.encoding ?? known?.[0],
      clockRate: mapped ? mapped.clockRate : known?.[1],
      // RFC 8866 6.6: the channel count "may be omitted if the number of channels is one".
      channels: mapped ? (mapped.channels ?? 1) : known?.[2],
      fmtp: m.fmtp.get(payloadType),
    });
  }
  // RFC 4733 7.1.1: audio/telephone-event; we pair it with 8 kHz G.711.
  const telephoneEvent = payloadTypes.find(
    (p) => p.encoding?.toLowerCase() === "telephone-event" && (p.clockRate ?? 8000) === 8000,
  );
  return {
    port: m.port,
    protocol: m.protocol,
    connection: m.connection ?? session.connection,
    payloadTypes,
    direction: m.direction ?? session.direction ?? "sendrecv",
    telephoneEventPt: telephoneEvent?.payloadType,
    ptime: m.ptime ?? session.ptime,
    rtcp: m.rtcp,
    rtcpMux: m.rtcpMux,
  };
}
