/**
 * The `<exec>` forms that drive the call's media, SIPp's first, then ours (documented in docs/actions.md):
 * `rtp_stream`, `play_pcap_audio` (the video, image and text forms are load errors: audio only), `play_dtmf`,
 * `rtp_echo`; ours: `send_dtmf`, `rtp_record`. Each builds an action marked `media` (the engine creates the call's
 * pipeline before its step runs). The `<rtp_echo>` and `<check_audio>` elements are built by create-action.ts.
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { buildPlayDtmf } from "./play-dtmf.js";
import { buildPlayPcapAudio, rejectPlayPcapOther } from "./play-pcap-audio.js";
import { buildExecRtpEcho } from "./rtp-echo.js";
import { buildRtpRecord } from "./rtp-record.js";
import { buildRtpStream } from "./rtp-stream.js";

/** `<exec X="...">` forms that drive media. */
export const MEDIA_EXEC_ATTRIBUTES = [
  "rtp_stream",
  "play_pcap_audio",
  "play_pcap_video",
  "play_pcap_image",
  "play_pcap_text",
  "play_dtmf",
  "send_dtmf",
  "rtp_echo",
  "rtp_record",
] as const;

export type MediaExecForm = (typeof MEDIA_EXEC_ATTRIBUTES)[number];

export function buildMediaExec(a: ActionAttributes, form: MediaExecForm): Action | undefined {
  switch (form) {
    case "rtp_stream":
      return buildRtpStream(a);
    case "play_pcap_audio":
      return buildPlayPcapAudio(a);
    case "play_pcap_video":
    case "play_pcap_image":
    case "play_pcap_text":
      rejectPlayPcapOther(a, form);
      return undefined;
    case "play_dtmf":
    case "send_dtmf":
      return buildPlayDtmf(a, form);
    case "rtp_echo":
      return buildExecRtpEcho(a);
    case "rtp_record":
      return buildRtpRecord(a);
  }
}
