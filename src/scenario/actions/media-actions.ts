/**
 * Media actions SIPp knows (RTP streaming, pcap replay, DTMF, RTP echo). They are recognised so a scenario using them
 * gets a clear load error instead of "unknown action"; they come with the media pipeline.
 */
import type { ActionAttributes } from "./action-attributes.js";

/** `<exec X="...">` forms that drive media. */
export const MEDIA_EXEC_ATTRIBUTES = [
  "rtp_stream",
  "play_pcap_audio",
  "play_pcap_video",
  "play_pcap_image",
  "play_pcap_text",
  "play_dtmf",
  "rtp_echo",
] as const;

/** Action elements that drive media. */
export const MEDIA_ACTION_TAGS = ["rtp_echo", "rtp_stats", "rtp_dtmf"] as const;

export function rejectMediaAction(a: ActionAttributes, name: string): void {
  a.problem(`media action '${name}' is not supported yet (see the media issue)`);
}
