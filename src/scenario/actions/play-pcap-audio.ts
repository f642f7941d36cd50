/**
 * `<exec play_pcap_audio="FILE.pcap"/>` (SIPp): replay the RTP of a capture towards the peer with the capture's
 * timing. SIPp behaviour: it does not block (add a pause to let it play) and a relative path is looked for next to
 * the scenario file first, then in the current directory (find_file, see media-file-path.ts). The capture is read and parsed once, when the scenario loads: a missing file, a file that is not
 * a pcap or that holds no RTP is a load error, and every call replays the parsed packets.
 * The video, image (T.38 fax) and text forms are load errors: sipwright replays audio only.
 */
import { SipwrightError } from "../../shared/errors.js";
import type { SourceSpec } from "../../media/media-pipeline.js";
import { readPcapFile } from "../../media/pcap/read-pcap.js";
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { runMedia } from "./media-result.js";

/** SIPp's play_pcap forms that sipwright does not replay. */
export const PLAY_PCAP_OTHER_FORMS = ["play_pcap_video", "play_pcap_image", "play_pcap_text"] as const;

export function buildPlayPcapAudio(a: ActionAttributes): Action | undefined {
  const raw = a.required("play_pcap_audio");
  if (raw === undefined) return undefined;
  const spec = loadCapture(raw.trim(), a, (message) => a.problem(`attribute 'play_pcap_audio': ${message}`));
  if (spec === undefined || a.failed) return undefined;
  return {
    name: "exec",
    loc: a.loc,
    media: true,
    execute: (host) =>
      runMedia(host, "play_pcap_audio", (media) => {
        media.startSource(spec);
        return undefined;
      }),
  };
}

export function rejectPlayPcapOther(a: ActionAttributes, form: (typeof PLAY_PCAP_OTHER_FORMS)[number]): void {
  a.problem(`'${form}' is not supported: sipwright replays audio only (use play_pcap_audio)`);
}

function loadCapture(file: string, a: ActionAttributes, problem: (message: string) => void): SourceSpec | undefined {
  if (file === "") {
    problem("the file name is empty");
    return undefined;
  }
  if (file.includes("[")) {
    problem(`"${file}": keywords are not supported in the file name (the file is read when the scenario loads)`);
    return undefined;
  }
  const path = a.mediaFile("play_pcap_audio", file);
  try {
    return { kind: "pcap", path, stream: readPcapFile(path) };
  } catch (error) {
    if (!(error instanceof SipwrightError)) throw error;
    problem(error.message);
    return undefined;
  }
}
