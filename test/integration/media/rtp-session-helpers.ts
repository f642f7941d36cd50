/** Helpers for the RtpSession integration tests: sessions on 127.0.0.1, offer/answer, bounded waits, WAV tones. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../../src/shared/clock.js";
import type { G711Codec } from "../../../src/media/media-pipeline.js";
import { analyzeFrame } from "../../../src/media/audio/frame-analysis.js";
import { MediaClock } from "../../../src/media/rtp/media-clock.js";
import { PortAllocator } from "../../../src/media/rtp/port-allocator.js";
import { RtpSession } from "../../../src/media/rtp/rtp-session.js";
import { readWav } from "../../unit/media/audio/audio-test-helpers.js";

export const LOOPBACK = "127.0.0.1";

/** A port range of its own per test file (other test files bind RTP ports at the same time). */
export function testAllocator(pairs = 50): PortAllocator {
  const minPort = 20000 + 2 * Math.floor(Math.random() * 15000);
  return new PortAllocator({ address: LOOPBACK, minPort, maxPort: minPort + 2 * pairs - 1 });
}

export function openSession(
  allocator: PortAllocator,
  media: MediaClock,
  codecs: readonly G711Codec[] = ["PCMA", "PCMU"],
  extra: { readonly rtcpIntervalMs?: number } = {},
): Promise<RtpSession> {
  return RtpSession.open(allocator, { clock: media, wallClock: systemClock, codecs, analyze: true, ...extra });
}

/** A offers, B answers, A accepts the answer. */
export async function connect(a: RtpSession, b: RtpSession): Promise<void> {
  const answer = await b.createAnswer(await a.createOffer());
  await a.acceptAnswer(answer);
}

/** Resolves on the first media-clock tick where `condition()` holds; rejects after `timeoutMs`. */
export function until(media: MediaClock, what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const unregister = media.register(() => {
      if (!condition()) return;
      clearTimeout(timer);
      unregister();
      resolve();
    });
    const timer = setTimeout(() => {
      unregister();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
  });
}

export function tempDirectory(): string {
  return mkdtempSync(join(tmpdir(), "sipwright-rtp-session-"));
}

/** Share of the 20 ms frames of `samples` that carry `frequencyHz` (±2 %) at -30 dBFS or louder. */
export function toneShare(samples: Int16Array, frequencyHz: number): number {
  let frames = 0;
  let tone = 0;
  for (let at = 0; at + 160 <= samples.length; at += 160) {
    frames++;
    const summary = analyzeFrame(samples.subarray(at, at + 160));
    if (summary.levelDbfs >= -30 && Math.abs(summary.frequencyHz - frequencyHz) <= frequencyHz * 0.02) tone++;
  }
  return frames === 0 ? 0 : tone / frames;
}

/** The channels of a WAV file, read back with wavefile. */
export function wavChannels(path: string): { readonly sampleRate: number; readonly channels: Int16Array[] } {
  const wav = readWav(readFileSync(path));
  return { sampleRate: wav.sampleRate, channels: wav.channels };
}
