/**
 * Reads an 8 kHz mono WAV file (16-bit PCM, A-law or µ-law) into 16-bit PCM. Anything else (stereo, another
 * rate, another bit depth or encoding, not a WAV at all) is rejected with a FILE_ERROR naming the file and what is
 * wrong. wavefile parses the RIFF chunks; the samples are decoded here from the raw `data` bytes.
 *
 * Decoded files are cached (bounded, keyed by path, size and modification time), so a thousand calls streaming the
 * same prompt read and decode it once.
 */
import { statSync } from "node:fs";
import * as wavefileNs from "wavefile";
import { SipwrightError } from "../../shared/errors.js";
import { INPUT_FILES, readInputFile } from "../../shared/input-files.js";
import { SAMPLE_RATE } from "./audio-format.js";
import { cjsNamespace } from "./cjs-namespace.js";
import { decodeFrame } from "./g711.js";

const { WaveFile } = cjsNamespace(wavefileNs, "WaveFile");

/** WAVE format tags (RFC 2361 / mmreg.h). */
const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const MAX_CACHED_FILES = 16;
const cache = new Map<string, { readonly stamp: string; readonly pcm: Int16Array }>();

interface FmtChunk {
  readonly audioFormat: number;
  readonly numChannels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
  readonly subformat: readonly number[];
}

/** The whole file as 16-bit PCM (shared with other readers of the same file: do not modify). */
export function readWavPcm(path: string): Int16Array {
  let stamp: string;
  try {
    const st = statSync(path);
    stamp = `${st.size}/${st.mtimeMs}`;
  } catch (error) {
    throw fileError(path, `cannot read: ${messageOf(error)}`, error);
  }
  const hit = cache.get(path);
  if (hit?.stamp === stamp) return hit.pcm;
  const pcm = decodeWav(path);
  if (cache.size >= MAX_CACHED_FILES) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(path, { stamp, pcm });
  return pcm;
}

function decodeWav(path: string): Int16Array {
  let bytes: Buffer;
  try {
    bytes = readInputFile(path, INPUT_FILES.media);
  } catch (error) {
    throw fileError(path, `cannot read: ${messageOf(error)}`, error);
  }
  return decodeWavPcm(bytes, path);
}

/** Decodes WAV file bytes already in memory (not cached); `path` names the file in errors. Throws FILE_ERROR. */
export function decodeWavPcm(bytes: Uint8Array, path: string): Int16Array {
  let wav: InstanceType<typeof WaveFile>;
  try {
    wav = new WaveFile(bytes);
  } catch (error) {
    throw fileError(path, `not a WAV file: ${messageOf(error)}`, error);
  }
  const fmt = wav.fmt as FmtChunk;
  const data = (wav.data as { samples?: unknown }).samples;
  if (!(data instanceof Uint8Array)) throw fileError(path, "WAV file without a data chunk");
  const need = "need 8 kHz mono 16-bit PCM, A-law or µ-law";
  if (fmt.numChannels !== 1) throw fileError(path, `unsupported WAV: ${fmt.numChannels} channels (${need})`);
  if (fmt.sampleRate !== SAMPLE_RATE) throw fileError(path, `unsupported WAV: ${fmt.sampleRate} Hz (${need})`);
  const format = fmt.audioFormat === WAVE_FORMAT_EXTENSIBLE ? (fmt.subformat[0] ?? 0) : fmt.audioFormat;
  switch (format) {
    case WAVE_FORMAT_PCM:
      if (fmt.bitsPerSample !== 16) {
        throw fileError(path, `unsupported WAV: ${fmt.bitsPerSample}-bit PCM (${need})`);
      }
      return pcm16(data);
    case WAVE_FORMAT_ALAW:
    case WAVE_FORMAT_MULAW:
      if (fmt.bitsPerSample !== 8) {
        throw fileError(path, `unsupported WAV: ${fmt.bitsPerSample}-bit G.711 (${need})`);
      }
      return decodeFrame(format === WAVE_FORMAT_ALAW ? "PCMA" : "PCMU", data);
    default:
      throw fileError(path, `unsupported WAV: format tag ${format} (${need})`);
  }
}

/** WAV samples are little-endian; a trailing odd byte is ignored. */
function pcm16(data: Uint8Array): Int16Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Int16Array(data.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, true);
  return out;
}

function fileError(path: string, reason: string, cause?: unknown): SipwrightError {
  return new SipwrightError("FILE_ERROR", `${path}: ${reason}`, cause === undefined ? undefined : { cause });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
