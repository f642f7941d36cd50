/**
 * Server-Sent Events: `/api/jobs/:id/events` (one job) and `/api/events` (every job). A client gets a `state` event
 * first (the job and its latest counters; on `/api/events` one per job, running or finished), then `counters`,
 * `record`, `state` and `end` as they happen (docs/api.md "Events"). A slow client's events queue in its socket; it is dropped past a bound.
 */
import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import type { JobEvent, JobManager } from "./jobs.js";
import { idParams } from "./schemas.js";
import { isRunning } from "./job.js";

const PING_MS = 15_000;
/** A client that lets this much pile up unread is disconnected (it can reconnect and get the state again). */
const MAX_BUFFERED = 16 * 1024 * 1024;

function write(res: ServerResponse, event: JobEvent): void {
  res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
  if (res.writableLength > MAX_BUFFERED) res.destroy();
}

function open(res: ServerResponse): void {
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  res.write(": sipwright events\n\n");
}

function stream(res: ServerResponse, jobs: JobManager, jobId: string | undefined, first: JobEvent[]): void {
  open(res);
  for (const event of first) write(res, event);
  const unsubscribe = jobs.on("event", (event) => {
    if (jobId === undefined || event.data.job_id === jobId) write(res, event);
  });
  const ping = setInterval(() => res.write(": ping\n\n"), PING_MS);
  res.on("close", () => {
    clearInterval(ping);
    unsubscribe();
  });
}

function stateEvent(jobs: JobManager, id: string): JobEvent | undefined {
  const job = jobs.get(id);
  return job === undefined
    ? undefined
    : { type: "state", data: { job_id: id, job, counters: jobs.latestCounters(id) } };
}

export function registerEventRoutes(app: FastifyInstance, jobs: JobManager): void {
  app.get<{ Params: { id: string } }>("/api/jobs/:id/events", { schema: { params: idParams } }, (req, reply) => {
    const state = stateEvent(jobs, req.params.id);
    if (state === undefined) return reply.code(404).send({ error: "no such job" });
    reply.hijack();
    // A job that has already ended: its state, then its end (a client waiting for `end` is not left hanging).
    const ended = state.type === "state" && !isRunning(state.data.job);
    const end: JobEvent[] = ended ? [{ type: "end", data: { job_id: req.params.id, job: state.data.job } }] : [];
    stream(reply.raw, jobs, req.params.id, [state, ...end]);
    return reply;
  });

  app.get("/api/events", async (_req, reply) => {
    await jobs.load(); // CLI runs made into the data folder since the last listing.
    reply.hijack();
    // Every job's current state first, finished ones too (their final status and counts), oldest first.
    const first = jobs
      .list()
      .reverse()
      .map((j) => stateEvent(jobs, j.id))
      .filter((e): e is JobEvent => e !== undefined);
    stream(reply.raw, jobs, undefined, first);
    return reply;
  });
}
