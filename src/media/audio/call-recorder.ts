/**
 * The recording of one call as a {@link RecordingSpec} asks for it: one mono file per direction
 * (`<baseName>-sent.wav`, `<baseName>-received.wav`) or one stereo file (`<baseName>.wav`, left = sent,
 * right = received), all under `directory`. Frames carry their 20 ms slot on the pipeline's frame clock
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
  /** The files being written, in a stable order (sent before received). */
  readonly paths: readonly string[];
  readonly #mono: Readonly<Record<AudioDirection, MonoWavRecorder>> | undefined;
  readonly #stereo: StereoWavRecorder | undefined;
  #closing: Promise<readonly string[]> | undefined;

  /** Creates the file(s) at once; throws FILE_ERROR when it cannot. */
  constructor(spec: RecordingSpec, opts: CallRecorderOptions = {}) {
    const chunk = opts.chunkMs === undefined ? {} : { chunkMs: opts.chunkMs };
    switch (spec.layout) {
      case "per-direction": {
        const sent = new MonoWavRecorder({ path: join(spec.directory, `${spec.baseName}-sent.wav`), ...chunk });
        let received: MonoWavRecorder;
        try {
          received = new MonoWavRecorder({ path: join(spec.directory, `${spec.baseName}-received.wav`), ...chunk });
        } catch (error) {
          // Do not leak the first file's descriptor; the creation error is the one to report.
          void sent.close().catch(() => undefined);
          throw error;
        }
        this.#mono = { sent, received };
        this.paths = [sent.path, received.path];
        break;
      }
      case "stereo":
        this.#stereo = new StereoWavRecorder({ path: join(spec.directory, `${spec.baseName}.wav`), ...chunk });
        this.paths = [this.#stereo.path];
        break;
    }
  }

  writeFrame(direction: AudioDirection, slot: number, pcm: Int16Array): void {
    if (this.#stereo !== undefined) this.#stereo.writeFrame(direction, slot, pcm);
    else this.#mono?.[direction].writeFrame(pcm, slot);
  }

  /** Finalises every file; idempotent; resolves to the paths. Rejects with FILE_ERROR if a write failed. */
  close(): Promise<readonly string[]> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<readonly string[]> {
    if (this.#stereo !== undefined) return [await this.#stereo.close()];
    const mono = this.#mono;
    if (mono === undefined) return [];
    // Both files are finalised even if one fails; the first failure is reported.
    const results = await Promise.allSettled([mono.sent.close(), mono.received.close()]);
    for (const r of results) if (r.status === "rejected") throw r.reason;
    return this.paths;
  }
}
