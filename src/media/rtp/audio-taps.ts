/**
 * Where an RtpSession's audio goes besides the wire: the call's recording ({@link CallRecorder}, slots counted from
 * the start of the recording) and the {@link AudioAnalyzer} behind checkAudio(), for both directions. Every check
 * made is kept for the call record.
 */
import type { AudioCheckResult, AudioCheckSpec, AudioDirection, RecordingSpec } from "../media-pipeline.js";
import type { IncompleteRecording } from "../media-pipeline.js";
import { AudioAnalyzer } from "../audio/audio-analyzer.js";
import { CallRecorder } from "../audio/call-recorder.js";
import { evaluateCheck, type PacketCounts } from "../audio/evaluate-check.js";
import { SipwrightError } from "../../shared/errors.js";

export interface AudioTapsOptions {
  /** Keep per-frame summaries for audio checks (off: only the "packets" check can pass). */
  readonly analyze: boolean;
  readonly frequencyEveryFrames?: number;
}

export class AudioTaps {
  readonly #analyzer: AudioAnalyzer | undefined;
  readonly #checks: AudioCheckResult[] = [];
  #recorder: CallRecorder | undefined;
  #recordingStartSlot = 0;

  constructor(options: AudioTapsOptions) {
    if (options.analyze) {
      const every = options.frequencyEveryFrames;
      this.#analyzer = new AudioAnalyzer(every === undefined ? {} : { frequencyEveryFrames: every });
    }
  }

  /** The files of the recording, empty when none was started. */
  get recordings(): readonly string[] {
    return this.#recorder?.paths ?? [];
  }

  /** The files of the recording that could not be finalised, once close() has settled. */
  get incompleteRecordings(): readonly IncompleteRecording[] {
    return this.#recorder?.incomplete ?? [];
  }

  get checks(): readonly AudioCheckResult[] {
    return this.#checks;
  }

  /** Starts the one recording of the call, slot 0 being `currentSlot`; throws FILE_ERROR when it cannot. */
  startRecording(spec: RecordingSpec, currentSlot: number): void {
    if (this.#recorder !== undefined) {
      throw new SipwrightError("MEDIA", `this call is already recorded to ${this.recordings.join(", ")}`);
    }
    this.#recorder = new CallRecorder(spec);
    this.#recordingStartSlot = currentSlot;
  }

  /** A frame sent or received in media-clock slot `slot`. */
  frame(direction: AudioDirection, slot: number, pcm: Int16Array): void {
    if (this.#recorder !== undefined && slot >= this.#recordingStartSlot) {
      this.#recorder.writeFrame(direction, slot - this.#recordingStartSlot, pcm);
    }
    this.#analyzer?.addFrame(direction, pcm, slot);
  }

  /** `untilSlot`: judge the frames of the slots before it only (AudioAnalyzer.check). */
  check(spec: AudioCheckSpec, packets: PacketCounts, untilSlot?: number): AudioCheckResult {
    let result: AudioCheckResult;
    if (this.#analyzer !== undefined) result = this.#analyzer.check(spec, packets, untilSlot);
    else if (spec.kind === "packets") result = evaluateCheck(spec, [], [], packets);
    else result = { kind: spec.kind, passed: false, measured: {}, reason: "audio analysis is off for this session" };
    this.#checks.push(result);
    return result;
  }

  /** Finalises the recording (idempotent). */
  async close(): Promise<void> {
    await this.#recorder?.close();
  }
}
