/**
 * Where step execution meets the call's media (CallMedia):
 * - a step that needs the media pipeline (its actions drive media, or its message renders the call's RTP port) waits
 *   in the `media` phase until the pipeline is open — port binding is asynchronous, rendering is not;
 * - the SDP a send carries sets our codec preference; the SDP a received message carries (unless the recv says
 *   `ignoresdp`, SIPp behaviour) sets where and how we send.
 */
import type { FailureClass } from "../../shared/failure.js";
import type { Step } from "../../scenario/model.js";
import { MEDIA_PORT_KEYWORDS, WEBRTC_SDP_KEYWORDS } from "../../scenario/keyword.js";
import type { Scenario } from "../../scenario/model.js";
import type { SipMessage } from "../../sip/message.js";
import { buildResponse } from "../../sip/build-response.js";
import type { Call } from "../call/call.js";
import { CallMediaError } from "./call-media.js";
import type { WebRtcSdpKeyword } from "./webrtc-signalling.js";

/** Per step of a scenario that needs media: the WebRTC SDP keywords its message renders (often none). */
const mediaStepsOf = new WeakMap<Scenario, ReadonlyMap<number, ReadonlySet<WebRtcSdpKeyword>>>();

/** Steps whose actions drive media or whose message renders a media port or WebRTC SDP keyword. */
function mediaSteps(scenario: Scenario): ReadonlyMap<number, ReadonlySet<WebRtcSdpKeyword>> {
  let steps = mediaStepsOf.get(scenario);
  if (steps === undefined) {
    const map = new Map<number, ReadonlySet<WebRtcSdpKeyword>>();
    for (const step of scenario.steps) {
      const needs = stepMediaNeeds(step);
      if (needs !== undefined) map.set(step.index, needs);
    }
    steps = map;
    mediaStepsOf.set(scenario, steps);
  }
  return steps;
}

/** undefined: the step needs no media; otherwise the WebRTC SDP keywords it renders. */
function stepMediaNeeds(step: Step): ReadonlySet<WebRtcSdpKeyword> | undefined {
  const sdp = new Set<WebRtcSdpKeyword>();
  let needs = step.actions.some((action) => action.media === true);
  if (step.kind === "send") {
    for (const part of step.template.parts) {
      if (Buffer.isBuffer(part) || part.kind !== "simple") continue;
      if (MEDIA_PORT_KEYWORDS.has(part.name)) needs = true;
      if (isWebRtcSdpKeyword(part.name)) {
        needs = true;
        sdp.add(part.name);
      }
    }
  }
  return needs ? sdp : undefined;
}

function isWebRtcSdpKeyword(name: string): name is WebRtcSdpKeyword {
  return WEBRTC_SDP_KEYWORDS.has(name as never);
}

/** True when the step needs the call's pipeline (or a WebRTC SDP) that is not ready yet. */
export function needsMediaOpen(call: Call, step: Step): boolean {
  const media = call.callMedia;
  if (media === undefined) return false;
  const needs = mediaSteps(call.scenario).get(step.index);
  return needs !== undefined && !media.readyFor(needs);
}

/** Prepares the call's media for `step`: its pipeline open, and the WebRTC SDP the step renders produced. */
export function prepareStepMedia(call: Call, step: Step): Promise<void> {
  const media = call.callMedia;
  if (media === undefined) return Promise.resolve();
  return media.prepare(mediaSteps(call.scenario).get(step.index));
}

/** Why the media could not be prepared: how the call fails, and the 488 that refuses an offer we cannot answer. */
export function mediaOpenFailure(
  call: Call,
  error: unknown,
): { readonly failure: FailureClass; readonly reason: string; readonly rejection: Buffer | undefined } {
  const failure = error instanceof CallMediaError ? error.failure : "media_error";
  const reason = error instanceof Error ? error.message : String(error);
  return { failure, reason, rejection: failure === "sdp_incompatible" ? rejectOffer(call, reason) : undefined };
}

/** The peer's SDP in a matched message; false when it is unusable and the call failed. */
export function applyPeerSdp(call: Call, message: SipMessage, step: Step): boolean {
  const media = call.callMedia;
  if (media === undefined || !carriesSdp(message)) return true;
  try {
    media.peerSdp(message.body.toString("latin1"));
    return true;
  } catch (error) {
    if (!(error instanceof CallMediaError)) throw error;
    call.fail(error.failure, error.message, step.index);
    return false;
  }
}

/** The SDP of a message we sent (rendered bytes); false when the peer's SDP no longer fits and the call failed. */
export function applyLocalSdp(call: Call, data: Buffer, step: Step): boolean {
  const media = call.callMedia;
  if (media === undefined) return true;
  const end = data.indexOf("\r\n\r\n");
  if (end < 0 || end + 4 >= data.length) return true;
  const body = data.toString("latin1", end + 4);
  if (!body.startsWith("v=")) return true;
  try {
    media.localSdp(body);
    return true;
  } catch (error) {
    if (!(error instanceof CallMediaError)) throw error;
    call.fail(error.failure, error.message, step.index);
    return false;
  }
}

/** SIPp behaviour: the media peer is read from any message with an SDP body (`application/sdp`). */
function carriesSdp(message: SipMessage): boolean {
  if (message.body.length === 0) return false;
  const type = message.header("Content-Type");
  if (type !== undefined) return type.split(";")[0]?.trim().toLowerCase() === "application/sdp";
  return message.body.subarray(0, 2).toString("latin1") === "v=";
}

/**
 * RFC 3261 21.4.26 / RFC 3264 6: an offer we cannot answer (only codecs we do not carry, no audio, not WebRTC) is
 * refused with 488 Not Acceptable Here, its reason in a Warning (RFC 3261 20.43, code 304 "Media type not
 * available"), when we are the one answering an INVITE.
 */
function rejectOffer(call: Call, reason: string): Buffer | undefined {
  const invite = call.lastMessage;
  if (invite?.kind !== "request" || invite.method !== "INVITE" || call.direction !== "incoming") return undefined;
  const warning = reason.replace(/["\\\r\n]/g, " ").slice(0, 200);
  return buildResponse(invite, 488, "Not Acceptable Here", {
    toTag: call.dialog.localTag ?? `sw488-${call.callNumber}`,
    extraHeaders: [`Warning: 304 sipwright "${warning}"`],
  });
}
