/**
 * RTP echo control: the call sends back what arrives.
 * - `<exec rtp_echo="startaudio|updateaudio|stopaudio[,PT,RTPMAP]"/>` (SIPp's rtpcheck echo control): start and
 *   update turn the echo source on, stop stops the call's source. The payload type and rtpmap are checked (G.711
 *   only: PCMU 0 or PCMA 8) but the echo answers in the negotiated codec. The video forms are load errors.
 * - `<rtp_echo value="0|1"/>` (SIPp #259): turns the echo off (stops the call's source) or on.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { runMedia } from "./media-result.js";
import { parseIntegerValue } from "./media-values.js";

export const RTP_ECHO_ATTRIBUTES = ["value"] as const;

const AUDIO_VERBS = ["startaudio", "updateaudio", "stopaudio"] as const;
const VIDEO_VERBS = ["startvideo", "updatevideo", "stopvideo"] as const;

/** `<exec rtp_echo="...">`. */
export function buildExecRtpEcho(a: ActionAttributes): Action | undefined {
  const raw = a.required("rtp_echo");
  if (raw === undefined) return undefined;
  const on = parseEchoCommand(raw, (message) => a.problem(`attribute 'rtp_echo': ${message}`));
  if (on === undefined || a.failed) return undefined;
  return echoAction("exec", a, on);
}

/** `<rtp_echo value="0|1"/>`. */
export function buildRtpEchoElement(a: ActionAttributes): Action | undefined {
  if (a.required("value") === undefined) return undefined;
  const on = a.bool("value", false);
  if (a.failed) return undefined;
  return echoAction("rtp_echo", a, on);
}

function echoAction(name: string, a: ActionAttributes, on: boolean): Action {
  return {
    name,
    loc: a.loc,
    media: true,
    execute: (host) =>
      runMedia(host, "rtp_echo", (media) => {
        if (on) media.startSource({ kind: "echo" });
        else media.controlSource("stop");
        return undefined;
      }),
  };
}

/** True for echo on (start/update), false for off; undefined after a problem. */
function parseEchoCommand(value: string, problem: (message: string) => void): boolean | undefined {
  const fields = value.split(",").map((f) => f.trim());
  const [verb = "", ptText, rtpmap, ...rest] = fields;
  if ((VIDEO_VERBS as readonly string[]).includes(verb)) {
    problem(`'${verb}' is not supported: sipwright echoes audio only (startaudio, updateaudio, stopaudio)`);
    return undefined;
  }
  const audio = AUDIO_VERBS.find((v) => v === verb);
  if (audio === undefined || rest.length > 0) {
    problem(`"${value}": expected ${AUDIO_VERBS.join(", ")} or their form VERB,PT,RTPMAP`);
    return undefined;
  }
  if (ptText !== undefined && ptText !== "") {
    const pt = parseIntegerValue(ptText);
    if (pt !== 0 && pt !== 8) {
      problem(`payload type "${ptText}" is not supported: sipwright echoes PCMU (0) and PCMA (8)`);
      return undefined;
    }
    const expected = pt === 0 ? "PCMU" : "PCMA";
    if (rtpmap !== undefined && rtpmap !== "" && rtpmap.split("/")[0]?.toUpperCase() !== expected) {
      problem(`rtpmap "${rtpmap}" does not match payload type ${pt} (${expected}/8000)`);
      return undefined;
    }
  }
  return audio !== "stopaudio";
}
