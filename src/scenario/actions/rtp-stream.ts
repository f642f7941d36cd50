/**
 * `<exec rtp_stream="FILE[,LOOPS[,PT[,CODEC]]]"/>` (SIPp): stream an audio file on the call's RTP. FILE is an 8 kHz
 * mono WAV (16-bit PCM, A-law or µ-law) or a raw G.711 file in the codec of PT (SIPp streams a non-RIFF file as is).
 * LOOPS: -1 forever, default 0 (= once). PT: 8 (PCMA, SIPp's default) or 0 (PCMU); when given, the stream is sent
 * with that codec and payload type whatever the SDP negotiated (SIPp behaviour: it sends what the action says), else
 * with the negotiated codec. CODEC (`PCMA/8000`) must agree with PT. A relative path is looked for next to the
 * scenario file first, then in the current directory, as SIPp's find_file does (media-file-path.ts). The file is read and decoded once, when the scenario loads: a missing or unusable file is
 * a load error, and every call shares the decoded samples.
 * `rtp_stream="pause|resume|stop"` control the call's source. Ours: `tone,FREQ_HZ[,LEVEL_DBFS[,PT[,CODEC]]]` (default -10 dBFS),
 * `silence`, `echo` (send back what arrives).
 */
import { SipwrightError } from "../../shared/errors.js";
import { readAudioFile } from "../../media/audio/read-audio-file.js";
import { G711_CODECS, G711_PAYLOAD_TYPE } from "../../media/media-pipeline.js";
import type { G711Codec, SourceControl, SourceSpec } from "../../media/media-pipeline.js";
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { runMedia } from "./media-result.js";
import { parseFiniteValue, parseIntegerValue } from "./media-values.js";

type RtpStreamCommand = { readonly control: SourceControl } | { readonly spec: SourceSpec };

const CONTROLS: readonly SourceControl[] = ["pause", "resume", "stop"];

/** SIPp's rtpcheck bit-pattern forms: `apattern,...`, `vpattern,...`, `pauseapattern`, `resumevpattern`... */
const PATTERN_FORM = /^(?:pause|resume)?[av]pattern$/;

/** Payload types SIPp's rtp_stream knows besides G.711, named in the error. */
const OTHER_PAYLOAD_TYPES: Readonly<Record<number, string>> = { 9: "G722", 18: "G729", 98: "iLBC" };

const DEFAULT_TONE_LEVEL_DBFS = -10;

export function buildRtpStream(a: ActionAttributes): Action | undefined {
  const raw = a.required("rtp_stream");
  if (raw === undefined) return undefined;
  const command = parseRtpStream(raw, a, (message) => a.problem(`attribute 'rtp_stream': ${message}`));
  if (command === undefined || a.failed) return undefined;
  return {
    name: "exec",
    loc: a.loc,
    media: true,
    execute: (host) =>
      runMedia(host, "rtp_stream", (media) => {
        if ("control" in command) media.controlSource(command.control);
        else media.startSource(command.spec);
        return undefined;
      }),
  };
}

/** Parses an rtp_stream value (reading the file of the FILE form); problems go to `problem`. */
function parseRtpStream(
  value: string,
  a: ActionAttributes,
  problem: (message: string) => void,
): RtpStreamCommand | undefined {
  const fields = value.split(",").map((f) => f.trim());
  const first = fields[0] ?? "";
  const control = CONTROLS.find((c) => c === first);
  const bare = control !== undefined || first === "silence" || first === "echo";
  if (bare && fields.length > 1) {
    problem(`"${value}": '${first}' takes no parameters`);
    return undefined;
  }
  if (control !== undefined) return { control };
  if (PATTERN_FORM.test(first)) {
    problem(
      `"${value}": SIPp's rtpcheck bit-pattern forms (apattern, vpattern, pauseapattern, ...) are not supported; ` +
        `stream a file (FILE[,LOOPS[,PT[,CODEC]]]), tone,FREQ_HZ[,LEVEL_DBFS[,PT[,CODEC]]], silence or echo`,
    );
    return undefined;
  }
  switch (first) {
    case "tone":
      return parseTone(fields, problem);
    case "silence":
      return { spec: { kind: "silence" } };
    case "echo":
      return { spec: { kind: "echo" } };
    default:
      return parseFile(value, fields, a, problem);
  }
}

function parseTone(fields: readonly string[], problem: (message: string) => void): RtpStreamCommand | undefined {
  if (fields.length < 2 || fields.length > 5) {
    problem(`"${fields.join(",")}": the tone form is tone,FREQ_HZ[,LEVEL_DBFS[,PT[,CODEC]]]`);
    return undefined;
  }
  const frequencyHz = parseFiniteValue(fields[1] ?? "");
  // Nyquist: 8 kHz G.711 carries frequencies below 4000 Hz only.
  if (frequencyHz === undefined || frequencyHz < 1 || frequencyHz > 3999) {
    problem(`tone frequency "${fields[1]}" is not a number of Hz from 1 to 3999`);
    return undefined;
  }
  const levelText = fields[2];
  const levelDbfs = levelText === undefined || levelText === "" ? DEFAULT_TONE_LEVEL_DBFS : parseFiniteValue(levelText);
  if (levelDbfs === undefined || levelDbfs > 0 || levelDbfs < -120) {
    problem(`tone level "${levelText}" is not a dBFS value from -120 to 0`);
    return undefined;
  }
  // As in the file form, a payload type sends with that codec whatever the SDP negotiated.
  const codec = parseCodec(fields[3] ?? "", fields[4] ?? "", problem);
  if (codec === false) return undefined;
  return {
    spec:
      codec === undefined ? { kind: "tone", frequencyHz, levelDbfs } : { kind: "tone", frequencyHz, levelDbfs, codec },
  };
}

function parseFile(
  value: string,
  fields: readonly string[],
  a: ActionAttributes,
  problem: (message: string) => void,
): RtpStreamCommand | undefined {
  const [file = "", loopsText = "", ptText = "", codecText = ""] = fields;
  if (fields.length > 4 || file === "") {
    problem(
      `"${value}": expected FILE[,LOOPS[,PT[,CODEC]]], pause, resume, stop, tone,FREQ_HZ[,LEVEL_DBFS[,PT[,CODEC]]], silence ` +
        `or echo`,
    );
    return undefined;
  }
  if (file.includes("[")) {
    problem(`"${file}": keywords are not supported in the file name (the file is read when the scenario loads)`);
    return undefined;
  }
  // SIPp behaviour (measured, sipp 3.6.1): LOOPS is the number of plays — omitted plays once, 0 sends nothing,
  // -1 loops forever.
  const loops = loopsText === "" ? 1 : parseIntegerValue(loopsText);
  if (loops === undefined || loops < -1) {
    problem(`loop count "${loopsText}" is not -1 (forever) or a count >= 0`);
    return undefined;
  }
  const codec = parseCodec(ptText, codecText, problem);
  if (codec === false) return undefined;
  const path = a.mediaFile("rtp_stream", file);
  let pcm: Int16Array;
  try {
    // SIPp behaviour: a raw file is sent as the payload type's codec, PCMA (8) by default.
    pcm = readAudioFile(path, codec ?? "PCMA").pcm;
  } catch (error) {
    if (!(error instanceof SipwrightError)) throw error;
    problem(error.message);
    return undefined;
  }
  const spec: SourceSpec =
    codec === undefined ? { kind: "wav", path, loops, pcm } : { kind: "wav", path, loops, pcm, codec };
  return { spec };
}

/** The codec PT and CODEC name: undefined when neither is given (send the negotiated one), false after a problem. */
function parseCodec(
  ptText: string,
  codecText: string,
  problem: (message: string) => void,
): G711Codec | undefined | false {
  const carried = "sipwright streams PCMA (8) and PCMU (0)";
  let byPt: G711Codec | undefined;
  if (ptText !== "") {
    const pt = parseIntegerValue(ptText);
    byPt = G711_CODECS.find((c) => G711_PAYLOAD_TYPE[c] === pt);
    if (pt === undefined || byPt === undefined) {
      const name = pt === undefined ? undefined : OTHER_PAYLOAD_TYPES[pt];
      problem(`payload type "${ptText}"${name === undefined ? "" : ` (${name})`} is not supported: ${carried}`);
      return false;
    }
  }
  if (codecText === "") return byPt;
  const [encoding = "", rate = "8000", ...rest] = codecText.split("/");
  const byName = G711_CODECS.find((c) => c === encoding.toUpperCase());
  if (byName === undefined || rate !== "8000" || rest.length > 0) {
    problem(`codec "${codecText}" is not supported: ${carried} (write PCMA/8000 or PCMU/8000)`);
    return false;
  }
  if (byPt !== undefined && byPt !== byName) {
    problem(`codec "${codecText}" does not match payload type ${ptText} (${byPt}/8000)`);
    return false;
  }
  return byName;
}
