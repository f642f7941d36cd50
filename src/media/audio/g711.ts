/**
 * G.711 (ITU-T G.711) frames: 16-bit PCM <-> PCMU (µ-law) / PCMA (A-law) payload bytes, one byte per sample.
 *
 * Both directions use tables built once (lazily) from alawmulaw's reference codec: a 65 536-entry encode table per
 * law (64 KiB each) and a 256-entry decode table; the output is byte-identical to alawmulaw (tested for every
 * input). Measured per 160-sample frame on Node 20: encode 0.33 µs (alawmulaw 0.65–0.86 µs), decode 0.5–0.6 µs
 * (alawmulaw 0.6–0.67 µs; the allocation of the output dominates).
 */
import * as alawmulawNs from "alawmulaw";
import type { G711Codec } from "../media-pipeline.js";
import { cjsNamespace } from "./cjs-namespace.js";

const { alaw, mulaw } = cjsNamespace(alawmulawNs, "alaw");

interface Law {
  readonly encode: Uint8Array;
  readonly decode: Int16Array;
}

function buildLaw(codec: { encodeSample(s: number): number; decodeSample(b: number): number }): Law {
  const encode = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) encode[i] = codec.encodeSample(i - 32768);
  const decode = new Int16Array(256);
  for (let b = 0; b < 256; b++) decode[b] = codec.decodeSample(b);
  return { encode, decode };
}

let laws: Readonly<Record<G711Codec, Law>> | undefined;

function lawOf(codec: G711Codec): Law {
  laws ??= { PCMA: buildLaw(alaw), PCMU: buildLaw(mulaw) };
  return laws[codec];
}

/**
 * Encodes PCM samples into a G.711 payload of the same number of bytes: into `into` when it has that length (a
 * buffer the caller reuses), else a new buffer.
 */
export function encodeFrame(codec: G711Codec, pcm: Int16Array, into?: Buffer): Buffer {
  const table = lawOf(codec).encode;
  const out = into?.length === pcm.length ? into : Buffer.allocUnsafe(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = table[(pcm[i] ?? 0) + 32768] ?? 0;
  return out;
}

/**
 * Decodes a G.711 payload (any length; RTP payloads are untrusted but every byte value is valid G.711): into `into`
 * when it has that length (a frame the caller reuses), else a new array.
 */
export function decodeFrame(codec: G711Codec, payload: Uint8Array, into?: Int16Array): Int16Array {
  const table = lawOf(codec).decode;
  const out = into?.length === payload.length ? into : new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = table[payload[i] ?? 0] ?? 0;
  return out;
}
