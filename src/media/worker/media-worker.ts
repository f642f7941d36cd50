/**
 * A media worker thread (`--media-workers N`): owns the pipelines the pool places on it — their sockets, its own
 * MediaClock, their recorders and WebRTC bridges — in a ThreadMedia on the system clock, and does what the engine's
 * proxies (remote-pipeline.ts) ask. After every request it answers with the pipeline's state; a bridge's events go
 * to the engine as they happen, followed by its state, and every second the state of each bridge (live WebRTC
 * counters) and the clock's pacing go too.
 */
import { parentPort, workerData } from "node:worker_threads";
import { systemClock } from "../../shared/clock.js";
import type { BridgePipeline, MediaPipeline, RtpPipeline } from "../media-pipeline.js";
import { ThreadMedia } from "../thread-media.js";
import type { WebRtcBridgeEvents } from "../webrtc/webrtc-types.js";
import { toWire } from "./error-wire.js";
import { HANG_UP, type ClosedValue, type FromWorker, type OpenedValue } from "./worker-protocol.js";
import type { PipelineNotice, PipelineRequest } from "./worker-protocol.js";
import type { PipelineState, ToWorker, WorkerInit } from "./worker-protocol.js";

const PUSH_INTERVAL_MS = 1000;
const BRIDGE_EVENTS: readonly (keyof WebRtcBridgeEvents)[] = [
  "localCandidate",
  "gatheringComplete",
  "connected",
  "failed",
];

/** A pipeline of this worker, with its slot among the hang-up flags and whether it has hung up. */
type Opened = (
  | { readonly kind: "rtp"; readonly pipeline: RtpPipeline }
  | { readonly kind: "webrtc"; readonly pipeline: BridgePipeline }
) & { readonly flag: number; hungUp: boolean };

const port = parentPort;
if (port === null) throw new Error("media-worker.ts runs as a worker thread");
const init = workerData as WorkerInit;
const media = new ThreadMedia({
  clock: systemClock,
  mediaIp: init.mediaIp,
  minPort: init.minPort,
  maxPort: init.maxPort,
  codecs: init.codecs,
  analyze: init.analyze,
  claims: init.claims,
});
const pipelines = new Map<number, Opened>();
const hangUps = new Int32Array(init.hangUps);

/** The call hung up: nothing more is sent (RTP: hangUp; a bridge: its source stops). Once. */
function hangUp(opened: Opened): void {
  if (opened.hungUp) return;
  opened.hungUp = true;
  if (opened.kind === "rtp") opened.pipeline.hangUp();
  else opened.pipeline.controlSource("stop");
}

/**
 * The hang-up flags are read at every tick, before any pipeline's own tick callback: registered on the clock before
 * the first pipeline (so a hang-up flagged since the last tick stops this tick's sending already), and only while
 * pipelines are open or opening (an idle worker's clock does not tick, and its pacing counts only ticks with media).
 */
let opening = 0;
let unwatch: (() => void) | undefined;

function watchHangUps(): void {
  unwatch ??= media.onTick(() => {
    for (const opened of pipelines.values()) {
      if (!opened.hungUp && opened.flag >= 0 && Atomics.load(hangUps, opened.flag) === HANG_UP) hangUp(opened);
    }
  });
}

function unwatchIfIdle(): void {
  if (pipelines.size > 0 || opening > 0) return;
  unwatch?.();
  unwatch = undefined;
}

const post = (message: FromWorker): void => {
  port.postMessage(message);
};

function stateOf(opened: Opened): PipelineState {
  if (opened.kind === "rtp") return { stats: opened.pipeline.stats() };
  const ice = opened.pipeline.iceFragmentInfo();
  return {
    stats: opened.pipeline.stats(),
    webrtc: opened.pipeline.webrtcStats(),
    ...(ice === undefined ? {} : { ice }),
  };
}

const pushes = setInterval(() => {
  for (const [id, opened] of pipelines) {
    if (opened.kind === "webrtc") post({ type: "state", pipeline: id, state: stateOf(opened) });
  }
  post({ type: "pacing", record: media.pacingRecord(), final: false });
}, PUSH_INTERVAL_MS);
pushes.unref();

port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "open":
      void open(message);
      return;
    case "request":
      void answer(message.request, message.pipeline, message.call);
      return;
    case "notice":
      notice(message.pipeline, message.notice);
      return;
    case "shutdown":
      clearInterval(pushes);
      media.close();
      post({ type: "pacing", record: media.pacingRecord(), final: true });
      return;
  }
});

async function open(message: Extract<ToWorker, { type: "open" }>): Promise<void> {
  opening++;
  try {
    // werift is loaded before the clock runs for it: loading takes a few hundred ms of this thread, which would
    // count as late ticks (the same load in the main thread comes before its first bridge registers too).
    if (message.kind === "webrtc") await import("../webrtc/webrtc-bridge.js");
    watchHangUps();
    const { flag } = message;
    const opened: Opened =
      message.kind === "rtp"
        ? { kind: "rtp", pipeline: await media.openRtp(), flag, hungUp: false }
        : { kind: "webrtc", pipeline: await media.openBridge(message.settings), flag, hungUp: false };
    pipelines.set(message.pipeline, opened);
    if (opened.kind === "webrtc") forwardEvents(message.pipeline, opened);
    const value: OpenedValue = { localPort: opened.kind === "rtp" ? opened.pipeline.localPort : undefined };
    post({ type: "reply", request: message.request, ok: true, value, state: stateOf(opened) });
  } catch (error) {
    post({ type: "reply", request: message.request, ok: false, error: toWire(error) });
  } finally {
    opening--;
    unwatchIfIdle();
  }
}

function forwardEvents(id: number, opened: Extract<Opened, { kind: "webrtc" }>): void {
  for (const name of BRIDGE_EVENTS) {
    opened.pipeline.events.on(name, (payload: WebRtcBridgeEvents[typeof name]) => {
      post({ type: "event", pipeline: id, event: { name, payload } as never });
      if (pipelines.has(id)) post({ type: "state", pipeline: id, state: stateOf(opened) });
    });
  }
}

async function answer(request: number, id: number, call: PipelineRequest): Promise<void> {
  const opened = pipelines.get(id);
  if (opened === undefined) {
    const error = toWire(new Error(`media worker ${init.index}: no pipeline ${id}`));
    post({ type: "reply", request, ok: false, error });
    return;
  }
  if (call.op === "close") {
    await close(request, id, opened);
    return;
  }
  try {
    const value = await perform(opened, call);
    post({ type: "reply", request, ok: true, value, state: stateOf(opened) });
  } catch (error) {
    post({ type: "reply", request, ok: false, error: toWire(error), state: stateOf(opened) });
  }
}

async function perform(opened: Opened, call: Exclude<PipelineRequest, { op: "close" }>): Promise<unknown> {
  const pipeline: MediaPipeline = opened.pipeline;
  switch (call.op) {
    case "createOffer":
      return pipeline.createOffer();
    case "createAnswer":
      return pipeline.createAnswer(call.remoteOffer);
    case "acceptAnswer":
      return pipeline.acceptAnswer(call.remoteAnswer);
    case "applyRemoteUpdate":
      return pipeline.applyRemoteUpdate(call.body, call.contentType);
    case "sendDtmf":
      return opened.kind === "rtp"
        ? opened.pipeline.sendDtmf(call.digits, call.durationMs, call.fallbackPayloadType)
        : opened.pipeline.sendDtmf(call.digits, call.durationMs);
    case "checkAudio":
      return pipeline.checkAudio(call.spec, call.asOfWallMs);
  }
}

async function close(request: number, id: number, opened: Opened): Promise<void> {
  // The WebRTC state as the call left it (ICE connected, the selected pair), not as closing leaves it.
  const value: ClosedValue = { webrtcAtClose: opened.kind === "webrtc" ? opened.pipeline.webrtcStats() : undefined };
  try {
    await opened.pipeline.close();
    post({ type: "reply", request, ok: true, value, state: stateOf(opened) });
  } catch (error) {
    post({ type: "reply", request, ok: false, error: toWire(error), state: stateOf(opened) });
  } finally {
    pipelines.delete(id);
    unwatchIfIdle();
  }
}

function notice(id: number, notice: PipelineNotice): void {
  const opened = pipelines.get(id);
  if (opened === undefined) return;
  try {
    switch (notice.op) {
      case "startSource":
        opened.pipeline.startSource(notice.spec);
        return;
      case "controlSource":
        opened.pipeline.controlSource(notice.control);
        return;
      case "startRecording":
        opened.pipeline.startRecording(notice.spec);
        // The engine learns the files' names: it finalises them itself if this worker dies.
        post({ type: "state", pipeline: id, state: stateOf(opened) });
        return;
      case "applyPeerSdp":
        if (opened.kind === "rtp") opened.pipeline.applyPeerSdp(notice.body, notice.preference);
        return;
      case "hangUp":
        hangUp(opened);
        return;
    }
  } catch (error) {
    post({ type: "failure", pipeline: id, reason: error instanceof Error ? error.message : String(error) });
  }
}
