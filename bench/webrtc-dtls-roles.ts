/**
 * ICE connected -> DTLS connected of a WebRtcBridge in each DTLS role, one bridge pair at a time on 127.0.0.1: the
 * offerer (a=setup:actpass) is answered a=setup:active by the answerer, so the answerer is the DTLS client and the
 * offerer the server. Each side's `webrtc.timings_ms` (ICE connected and DTLS connected on its own bridge).
 * Run inside a private network namespace (werift gathers every interface address):
 *   unshare -rn sh -c 'ip link set lo up && node --import tsx bench/webrtc-dtls-roles.ts [pairs]'
 */
import { systemClock } from "../src/shared/clock.js";
import { MediaClock } from "../src/media/rtp/media-clock.js";
import { WebRtcBridge } from "../src/media/webrtc/webrtc-bridge.js";

const pairs = Number(process.argv[2] ?? "30");
const media = new MediaClock(systemClock);
const open = (): WebRtcBridge =>
  WebRtcBridge.create({
    clock: media,
    wallClock: systemClock,
    codecs: ["PCMA"],
    iceServers: [],
    icePolicy: "all",
    candidateAddresses: ["127.0.0.1"],
    trickle: "full",
    gatherTimeoutMs: 2000,
    iceTimeoutMs: 5000,
    dtlsTimeoutMs: 8000,
    analyze: false,
  });
const connected = (bridge: WebRtcBridge): Promise<void> =>
  new Promise((resolve, reject) => {
    bridge.events.on("connected", () => resolve());
    bridge.events.on("failed", (f) => reject(new Error(`${f.failure}: ${f.reason}`)));
  });
const gaps: Record<string, number[]> = {};
for (let i = 0; i < pairs; i++) {
  const offerer = open();
  const answerer = open();
  const up = Promise.all([connected(offerer), connected(answerer)]);
  const answer = await answerer.createAnswer(await offerer.createOffer());
  await offerer.acceptAnswer(answer);
  await up;
  for (const bridge of [offerer, answerer]) {
    const stats = bridge.webrtcStats();
    const { ice_connected: ice, dtls_connected: dtls } = stats.timings_ms;
    if (ice !== null && dtls !== null) (gaps[stats.dtls.role ?? "none"] ??= []).push(dtls - ice);
  }
  await Promise.all([offerer.close(), answerer.close()]);
}
media.close();
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
for (const [role, values] of Object.entries(gaps)) {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(
    `DTLS ${role}: ICE connected -> DTLS connected p50 ${pct(sorted, 50).toFixed(1)} ms, p95 ${pct(sorted, 95).toFixed(1)} ms (${sorted.length} pairs)`,
  );
}
