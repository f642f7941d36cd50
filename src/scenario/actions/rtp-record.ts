/**
 * `<exec rtp_record="stereo|per-direction"/>` (ours): record the call's audio from now on, decoded to 16-bit PCM
 * WAV — one stereo file (left = sent, right = received) or one mono file per direction. The engine names the files
 * (call number, Call-ID) in the run's folder. A call has one recording.
 */
import type { RecordingSpec } from "../../media/media-pipeline.js";
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { runMedia } from "./media-result.js";

const LAYOUTS: readonly RecordingSpec["layout"][] = ["stereo", "per-direction"];

export function buildRtpRecord(a: ActionAttributes): Action | undefined {
  const layout = a.choice("rtp_record", LAYOUTS);
  if (layout === undefined || a.failed) return undefined;
  return {
    name: "exec",
    loc: a.loc,
    media: true,
    execute: (host) =>
      runMedia(host, "rtp_record", (media) => {
        media.startRecording(layout);
        return undefined;
      }),
  };
}
