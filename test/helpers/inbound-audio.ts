/**
 * A bounded wait for Chromium's inbound-rtp audio report to count `packets` packets. How many packets a browser
 * has received after some wall-clock time depends on how busy the machine is; a wait for the count does not.
 */
import type { InboundAudio } from "./chromium-peer.js";

/** Polls `inboundAudio()` every 50 ms; rejects with the last report after `timeoutMs`. */
export async function waitInboundPackets(
  source: { inboundAudio(): Promise<InboundAudio | undefined> },
  packets: number,
  timeoutMs: number,
): Promise<InboundAudio> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const inbound = await source.inboundAudio();
    if (inbound !== undefined && inbound.packetsReceived >= packets) return inbound;
    if (Date.now() > deadline) {
      throw new Error(
        `inbound audio: ${packets} packets not received within ${timeoutMs} ms: ${JSON.stringify(inbound)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
