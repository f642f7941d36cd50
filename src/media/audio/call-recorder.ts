/**
 * The recording of one call as a {@link RecordingSpec} asks for it: one mono file per direction
 * (`<baseName>-sent.wav`, `<baseName>-received.wav`), one stereo file (`<baseName>.wav`, left = sent,
 * right = received), or both from the same frames, all under `directory`. Frames carry their 20 ms slot on the pipeline's frame clock
 * (see wav-recorder.ts).
 */
import { join } from "node:path";
import type { AudioDirection, IncompleteRecording, RecordingSpec } from "../media-pipeline.js";
import { MonoWavRecorder, StereoWavRecorder } from "./wav-recorder.js";

export interface CallRecorderOptions {
  /** Audio buffered per write (default 500 ms; the header is patched at least every second of audio). */
  readonly chunkMs?: number;
}

/** The files a recording writes, in CallRecorder's order (sent, received, then the stereo file). */
export function recordingPaths(spec: RecordingSpec): readonly string[] {
  const paths: string[] = [];
  if (spec.layout === "per-direction" || spec.layout === "both") {
    paths.push(
      join(spec.directory, `${spec.baseName}-sent.wav`),
      join(spec.directory, `${spec.baseName}-received.wav`),
    );
  }
  if (spec.layout === "stereo" || spec.layout === "both") paths.push(join(spec.directory, `${spec.baseName}.wav`));
  return paths;
}

export class CallRecorder {
  /** The files being written, in a stable order (sent, received, then the stereo file). */
  readonly paths: readonly string[];
  readonly #mono: Readonly<Record<AudioDirection, MonoWavRecorder>> | undefined;
  readonly #stereo: StereoWavRecorder | undefined;
  #closing: Promise<readonly string[]> | undefined;
  #incomplete: IncompleteRecording[] = [];

  /** Creates the file(s) at once; throws FILE_ERROR when it cannot (closing the files already created). */
  constructor(spec: RecordingSpec, opts: CallRecorderOptions = {}) {
    const chunk = opts.chunkMs === undefined ? {} : { chunkMs: opts.chunkMs };
    const created: (MonoWavRecorder | StereoWavRecorder)[] = [];
    const create = <T extends MonoWavRecorder | StereoWavRecorder>(make: () => T): T => {
      const recorder = make();
      created.push(recorder);
      return recorder;
    };
    const paths = recordingPaths(spec);
    try {
      if (spec.layout === "per-direction" || spec.layout === "both") {
        const [sentPath = "", receivedPath = ""] = paths;
        const sent = create(() => new MonoWavRecorder({ path: sentPath, ...chunk }));
        const received = create(() => new MonoWavRecorder({ path: receivedPath, ...chunk }));
        this.#mono = { sent, received };
      }
      if (spec.layout === "stereo" || spec.layout === "both") {
        const path = paths[paths.length - 1] ?? "";
        this.#stereo = create(() => new StereoWavRecorder({ path, ...chunk }));
      }
    } catch (error) {
      // Do not leak the descriptors of the files already created; the creation error is the one to report.
      for (const recorder of created) void recorder.close().catch(() => undefined);
      throw error;
    }
    this.paths = created.map((recorder) => recorder.path);
  }

  writeFrame(direction: AudioDirection, slot: number, pcm: Int16Array): void {
    this.#mono?.[direction].writeFrame(pcm, slot);
    this.#stereo?.writeFrame(direction, slot, pcm);
  }

  /** The files whose finalisation failed (known once close() has settled), each with the reason. */
  get incomplete(): readonly IncompleteRecording[] {
    return this.#incomplete;
  }

  /** Finalises every file; idempotent; resolves to the paths. Rejects with FILE_ERROR if a write failed. */
  close(): Promise<readonly string[]> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<readonly string[]> {
    const recorders = [this.#mono?.sent, this.#mono?.received, this.#stereo].filter((r) => r !== undefined);
    // Every file is finalised even if one fails; each failure is kept for the call record, the first is thrown.
    const results = await Promise.allSettled(recorders.map((recorder) => recorder.close()));
    this.#incomplete = results.flatMap((r, i) =>
      r.status === "rejected" ? [{ path: recorders[i]?.path ?? "", reason: reasonOf(r.reason) }] : [],
    );
    const failed = results.find((r) => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    return this.paths;
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
