/**
 * The recording of one call as a {@link RecordingSpec} asks for it: one mono file per direction
 * (`<baseName>-sent.wav`, `<baseName>-received.wav`), one stereo file (`<baseName>.wav`, left = sent,
 * right = received), or both from the same frames, all under `directory`. Frames carry their 20 ms slot on the pipeline's frame clock
 * (see wav-recorder.ts).
 */
import { join } from "node:path";
import type { AudioDirection, RecordingSpec } from "../media-pipeline.js";
import { MonoWavRecorder, StereoWavRecorder } from "./wav-recorder.js";

export interface CallRecorderOptions {
  /** Audio buffered per write and header patch (default 1000 ms). */
  readonly chunkMs?: number;
}

export class CallRecorder {
  /** The files being written, in a stable order (sent, received, then the stereo file). */
  readonly paths: readonly string[];
  readonly #mono: Readonly<Record<AudioDirection, MonoWavRecorder>> | undefined;
  readonly #stereo: StereoWavRecorder | undefined;
  #closing: Promise<readonly string[]> | undefined;

  /** Creates the file(s) at once; throws FILE_ERROR when it cannot (closing the files already created). */
  constructor(spec: RecordingSpec, opts: CallRecorderOptions = {}) {
    const chunk = opts.chunkMs === undefined ? {} : { chunkMs: opts.chunkMs };
    const created: (MonoWavRecorder | StereoWavRecorder)[] = [];
    const create = <T extends MonoWavRecorder | StereoWavRecorder>(make: () => T): T => {
      const recorder = make();
      created.push(recorder);
      return recorder;
    };
    try {
      if (spec.layout === "per-direction" || spec.layout === "both") {
        const path = (d: AudioDirection): string => join(spec.directory, `${spec.baseName}-${d}.wav`);
        const sent = create(() => new MonoWavRecorder({ path: path("sent"), ...chunk }));
        const received = create(() => new MonoWavRecorder({ path: path("received"), ...chunk }));
        this.#mono = { sent, received };
      }
      if (spec.layout === "stereo" || spec.layout === "both") {
        const path = join(spec.directory, `${spec.baseName}.wav`);
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

  /** Finalises every file; idempotent; resolves to the paths. Rejects with FILE_ERROR if a write failed. */
  close(): Promise<readonly string[]> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<readonly string[]> {
    const mono = this.#mono;
    // Every file is finalised even if one fails; the first failure is reported.
    const results = await Promise.allSettled([mono?.sent.close(), mono?.received.close(), this.#stereo?.close()]);
    for (const r of results) if (r.status === "rejected") throw r.reason;
    return this.paths;
  }
}
