/**
 * The run's media worker threads (`--media-workers N`). SIP stays in the engine's thread; each call's pipeline is
 * opened on the least-loaded worker (fewest open pipelines; a worker is started the first time it is chosen, so a
 * run with one call starts one). The engine holds a proxy (remote-pipeline.ts) per pipeline.
 *
 * A worker that dies (an uncaught error, killed) fails only its own calls: each open pipeline hears `onFailure` with
 * `media worker N exited: <why>`, and the WAV files it was writing get their headers finalised here, so they stay
 * playable up to what was written. The next call that needs a worker starts a fresh one in its place.
 */
import { Worker } from "node:worker_threads";
import { SipwrightError } from "../../shared/errors.js";
import { createLogger } from "../../shared/logger.js";
import type { BridgePipeline, G711Codec, RtpPipeline } from "../media-pipeline.js";
import { pacingStatsOf, type PacingRecord, type PacingStats } from "../rtp/media-clock.js";
import type { BridgeSettings } from "../thread-media.js";
import { fromWire } from "./error-wire.js";
import { RemoteBridgePipeline, RemoteRtpPipeline, type WorkerLink } from "./remote-pipeline.js";
import { HANG_UP, HANG_UP_SLOTS, type FromWorker, type OpenedValue } from "./worker-protocol.js";
import type { PipelineNotice, PipelineRequest, PipelineState } from "./worker-protocol.js";
import type { ToWorker, WorkerInit } from "./worker-protocol.js";

const log = createLogger("media.workers");

/** How long a worker gets to send its final pacing after shutdown before it is terminated. */
const SHUTDOWN_GRACE_MS = 2000;

export interface MediaWorkerPoolOptions {
  readonly size: number;
  readonly init: Omit<WorkerInit, "index" | "hangUps">;
}

/** What the pool tells about one worker (for tests and diagnostics). */
export interface MediaWorkerInfo {
  readonly index: number;
  readonly threadId: number;
  /** Pipelines open on it. */
  readonly pipelines: number;
  /** Pipelines being opened on it. */
  readonly opening: number;
  /** Ends the worker as a crash would (tests: a worker that dies mid-run). */
  terminate(): Promise<void>;
}

type Remote = RemoteRtpPipeline | RemoteBridgePipeline;

interface Pending {
  /** The pipeline the request is about (its state comes with the reply); undefined for an open. */
  readonly pipeline: number | undefined;
  resolve(reply: { value: unknown; state?: PipelineState }): void;
  reject(error: Error): void;
}

/** One worker thread and what is open on it. */
class WorkerSlot implements WorkerLink {
  readonly index: number;
  readonly worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #remotes = new Map<number, Remote>();
  /** Pipelines placed here whose open has not answered yet. */
  #opening = 0;
  #nextRequest = 1;
  #dead: string | undefined;
  #pacing: PacingRecord | undefined;
  #finalPacing: (() => void) | undefined;
  readonly #onExit: (slot: WorkerSlot) => void;
  /** The worker's hang-up flags (worker-protocol.ts HANG_UP), and which slot each open pipeline has. */
  readonly #hangUps = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * HANG_UP_SLOTS));
  readonly #flagOf = new Map<number, number>();
  readonly #freeFlags: number[] = Array.from({ length: HANG_UP_SLOTS }, (_, i) => HANG_UP_SLOTS - 1 - i);

  constructor(index: number, init: Omit<WorkerInit, "hangUps">, onExit: (slot: WorkerSlot) => void) {
    this.index = index;
    this.#onExit = onExit;
    this.worker = startWorker({ ...init, hangUps: this.#hangUps.buffer });
    this.worker.unref();
    this.worker.on("message", (message: FromWorker) => this.#receive(message));
    let error: Error | undefined;
    this.worker.on("error", (e) => (error = e));
    this.worker.on("exit", (code) => {
      const why = error === undefined ? `exit code ${code}` : `${error.name}: ${error.message}`;
      this.#died(`media worker ${index} exited (${why})`);
    });
  }

  get load(): number {
    return this.#remotes.size + this.#opening;
  }

  get openPipelines(): number {
    return this.#remotes.size;
  }

  get opening(): number {
    return this.#opening;
  }

  get dead(): boolean {
    return this.#dead !== undefined;
  }

  get pacing(): PacingRecord | undefined {
    return this.#pacing;
  }

  async open(
    pipeline: number,
    message: ToWorker,
    build: (value: OpenedValue, state: PipelineState) => Remote,
  ): Promise<Remote> {
    this.#opening++;
    try {
      const reply = await this.#ask(undefined, (request) => ({ ...message, request }) as ToWorker);
      if (reply.state === undefined) throw new Error("an open always answers with the pipeline's state");
      const remote = build(reply.value as OpenedValue, reply.state);
      this.#remotes.set(pipeline, remote);
      return remote;
    } catch (error) {
      this.#releaseFlag(pipeline);
      throw error;
    } finally {
      this.#opening--;
    }
  }

  flagHangUp(pipeline: number): void {
    const flag = this.#flagOf.get(pipeline);
    if (flag !== undefined) Atomics.store(this.#hangUps, flag, HANG_UP);
  }

  #releaseFlag(pipeline: number): void {
    const flag = this.#flagOf.get(pipeline);
    if (flag === undefined) return;
    this.#flagOf.delete(pipeline);
    this.#freeFlags.push(flag);
  }

  request(pipeline: number, call: PipelineRequest): Promise<{ value: unknown; state?: PipelineState }> {
    return this.#ask(pipeline, (request) => ({ type: "request", request, pipeline, call }));
  }

  notice(pipeline: number, notice: PipelineNotice): void {
    if (this.#dead === undefined) this.worker.postMessage({ type: "notice", pipeline, notice } satisfies ToWorker);
  }

  released(pipeline: number): void {
    this.#remotes.delete(pipeline);
    this.#releaseFlag(pipeline);
  }

  /** Asks the worker to stop its clock and send its final pacing; terminates it then (or after a grace period). */
  async shutdown(): Promise<void> {
    if (this.#dead !== undefined) return;
    const final = new Promise<void>((resolve) => {
      this.#finalPacing = resolve;
      const timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
      timer.unref();
    });
    this.worker.postMessage({ type: "shutdown" } satisfies ToWorker);
    await final;
    this.#dead = "shut down";
    await this.worker.terminate();
  }

  #ask(
    pipeline: number | undefined,
    build: (request: number) => ToWorker,
  ): Promise<{ value: unknown; state?: PipelineState }> {
    if (this.#dead !== undefined) return Promise.reject(new SipwrightError("MEDIA", this.#dead));
    const request = this.#nextRequest++;
    return new Promise((resolve, reject) => {
      this.#pending.set(request, { pipeline, resolve, reject });
      this.worker.postMessage(build(request));
    });
  }

  #receive(message: FromWorker): void {
    switch (message.type) {
      case "reply": {
        const pending = this.#pending.get(message.request);
        if (pending === undefined) return;
        this.#pending.delete(message.request);
        // The state first, failed requests too: a close that failed still tells which recordings it could not
        // finalise.
        if (message.state !== undefined && pending.pipeline !== undefined) {
          this.#remotes.get(pending.pipeline)?.update(message.state);
        }
        if (message.ok) {
          pending.resolve({ value: message.value, ...(message.state === undefined ? {} : { state: message.state }) });
        } else {
          pending.reject(fromWire(message.error));
        }
        return;
      }
      case "event": {
        const remote = this.#remotes.get(message.pipeline);
        if (remote instanceof RemoteBridgePipeline) remote.emit(message.event);
        return;
      }
      case "state":
        this.#remotes.get(message.pipeline)?.update(message.state);
        return;
      case "failure":
        this.#remotes.get(message.pipeline)?.failed(message.reason);
        return;
      case "pacing":
        this.#pacing = message.record;
        if (message.final) this.#finalPacing?.();
        return;
    }
  }

  #died(reason: string): void {
    if (this.#dead !== undefined) return;
    this.#dead = reason;
    log.error(reason);
    for (const pending of this.#pending.values()) pending.reject(new SipwrightError("MEDIA", reason));
    this.#pending.clear();
    for (const remote of this.#remotes.values()) remote.lost(reason);
    this.#onExit(this);
  }
}

export class MediaWorkerPool {
  readonly #options: MediaWorkerPoolOptions;
  /** Index i: the worker of slot i, once started (a dead one is replaced on the next placement). */
  readonly #slots: (WorkerSlot | undefined)[];
  /** The pacing of workers that are gone (replaced or shut down). */
  readonly #pastPacing: PacingRecord[] = [];
  #nextPipeline = 1;

  constructor(options: MediaWorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError("a worker pool needs a worker");
    this.#options = options;
    this.#slots = Array.from({ length: options.size }, () => undefined);
  }

  async openRtp(codecs: readonly G711Codec[], onFailure?: (reason: string) => void): Promise<RtpPipeline> {
    const id = this.#nextPipeline++;
    const slot = this.#place();
    const remote = await slot.open(
      id,
      { type: "open", request: 0, pipeline: id, flag: -1, kind: "rtp" },
      (value, state) => {
        if (value.localPort === undefined) throw new Error("an RTP open answers with the RTP port");
        return new RemoteRtpPipeline({ id, link: slot, state, onFailure, localPort: value.localPort, codecs });
      },
    );
    return remote as RemoteRtpPipeline;
  }

  async openBridge(settings: BridgeSettings, onFailure?: (reason: string) => void): Promise<BridgePipeline> {
    const id = this.#nextPipeline++;
    const slot = this.#place();
    const message = { type: "open", request: 0, pipeline: id, flag: -1, kind: "webrtc", settings } as const;
    const remote = await slot.open(id, message, (_value, state) => {
      return new RemoteBridgePipeline({ id, link: slot, state, onFailure });
    });
    return remote as RemoteBridgePipeline;
  }

  /** The pacing of every worker's clock, merged. */
  get pacing(): PacingStats {
    const records = [...this.#pastPacing];
    for (const slot of this.#slots) if (slot?.pacing !== undefined) records.push(slot.pacing);
    return pacingStatsOf(records);
  }

  get workers(): readonly MediaWorkerInfo[] {
    return this.#slots.flatMap((slot) =>
      slot === undefined || slot.dead
        ? []
        : [
            {
              index: slot.index,
              threadId: slot.worker.threadId,
              pipelines: slot.openPipelines,
              opening: slot.opening,
              terminate: async () => {
                await slot.worker.terminate();
              },
            },
          ],
    );
  }

  /** Every pipeline has closed: the workers stop. */
  async close(): Promise<void> {
    await Promise.all(this.#slots.flatMap((slot) => (slot === undefined ? [] : [slot.shutdown()])));
  }

  /** The least-loaded worker; one not started yet counts as idle. */
  #place(): WorkerSlot {
    let best = 0;
    let bestLoad = Infinity;
    for (const [i, slot] of this.#slots.entries()) {
      const load = slot === undefined || slot.dead ? 0 : slot.load;
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    const chosen = this.#slots[best];
    if (chosen !== undefined && !chosen.dead) return chosen;
    const slot = new WorkerSlot(best, { ...this.#options.init, index: best }, (gone) => {
      if (gone.pacing !== undefined) this.#pastPacing.push(gone.pacing);
      if (this.#slots[gone.index] === gone) this.#slots[gone.index] = undefined;
    });
    this.#slots[best] = slot;
    return slot;
  }
}

/**
 * A media worker's young generation, in MB (V8's own default grows to 32 MB under a media load's allocation rate).
 * What a media tick allocates (packets, their views) dies within the tick, so a 4 MB nursery is scavenged as
 * cheaply as a big one, and each worker holds less memory (bench/rtp-calls: RSS per call, docs/performance.md).
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/**
 * The worker runs compiled JavaScript; run from the TypeScript sources (tsx: tests, benches), the worker first
 * registers tsx itself — a worker thread does not inherit the loader hooks of `--import tsx`.
 */
function startWorker(init: WorkerInit): Worker {
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = new URL(fromSource ? "./media-worker.ts" : "./media-worker.js", import.meta.url);
  const options = { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } };
  if (!fromSource) return new Worker(entry, options);
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), options);
}
