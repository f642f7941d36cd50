/** `/api/jobs...`: create, list, get, stop, delete; a job's summary, records and calls (docs/api.md "Routes"). */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { FastifyInstance } from "fastify";
import type { JobManager } from "./jobs.js";
import { MESSAGES_FILE, RECORDS_FILE, SUMMARY_FILE } from "./job.js";
import { TraceCache } from "./message-trace.js";
import { RecordsStore } from "./records-index.js";
import { anyObject, createJobBody, errorSchema, idParams, jobSchema, recordsQuery } from "./schemas.js";

async function listFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(root, path)));
    else if (entry.isFile()) out.push(relative(root, path));
  }
  return out.sort();
}

interface IdParams {
  id: string;
}

const notFound = { error: "no such job" };

export function registerJobRoutes(app: FastifyInstance, jobs: JobManager): void {
  const errors = { 400: errorSchema, 404: errorSchema, 409: errorSchema };
  const traces = new TraceCache();
  const records = new RecordsStore();

  app.post<{ Body: { name?: string; args: string[]; scenario_xml?: string } }>(
    "/api/jobs",
    { schema: { body: createJobBody, response: { 201: jobSchema, 400: errorSchema } } },
    async (req, reply) => {
      const created = await jobs.create(req.body);
      if (!created.ok) return reply.code(400).send({ error: created.error, errors: created.errors });
      return reply.code(201).send(created.job);
    },
  );

  app.get("/api/jobs", { schema: { response: { 200: { type: "array", items: jobSchema } } } }, async () => {
    await jobs.load();
    return jobs.list();
  });

  app.get<{ Params: IdParams }>(
    "/api/jobs/:id",
    { schema: { params: idParams, response: { 200: jobSchema, ...errors } } },
    async (req, reply) => {
      const job = jobs.get(req.params.id);
      if (job === undefined) return reply.code(404).send(notFound);
      return { ...job, files: await listFiles(jobs.folder(job.id)) };
    },
  );

  app.post<{ Params: IdParams }>(
    "/api/jobs/:id/stop",
    { schema: { params: idParams, response: { 202: jobSchema, ...errors } } },
    async (req, reply) => {
      const result = await jobs.stop(req.params.id);
      if (result === "not-found") return reply.code(404).send(notFound);
      if (result === "not-running") return reply.code(409).send({ error: "the job is not running" });
      return reply.code(202).send(result);
    },
  );

  app.delete<{ Params: IdParams }>(
    "/api/jobs/:id",
    { schema: { params: idParams, response: errors } },
    async (req, reply) => {
      const result = await jobs.remove(req.params.id);
      if (result === "not-found") return reply.code(404).send(notFound);
      if (result === "running") return reply.code(409).send({ error: "the job is running: stop it first" });
      records.forget(join(jobs.folder(req.params.id), RECORDS_FILE));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: IdParams }>(
    "/api/jobs/:id/summary",
    { schema: { params: idParams, response: { 200: anyObject, ...errors } } },
    async (req, reply) => {
      if (jobs.get(req.params.id) === undefined) return reply.code(404).send(notFound);
      const text = await readFile(join(jobs.folder(req.params.id), SUMMARY_FILE), "utf8").catch(() => undefined);
      if (text === undefined) return reply.code(404).send({ error: "no summary.json yet" });
      return reply.type("application/json").send(text);
    },
  );

  app.get<{
    Params: IdParams;
    Querystring: { result?: string; failure_class?: string; call_id?: string; offset: number; limit: number };
  }>(
    "/api/jobs/:id/records",
    { schema: { params: idParams, querystring: recordsQuery, response: { 404: errorSchema } } },
    async (req, reply) => {
      if (jobs.get(req.params.id) === undefined) return reply.code(404).send(notFound);
      const { offset, limit, ...filter } = req.query;
      return records.page(join(jobs.folder(req.params.id), RECORDS_FILE), filter, offset, limit);
    },
  );

  app.get<{ Params: IdParams & { call_number: number } }>(
    "/api/jobs/:id/calls/:call_number",
    {
      schema: {
        params: {
          type: "object",
          required: ["id", "call_number"],
          properties: { ...idParams.properties, call_number: { type: "integer", minimum: 0 } },
        },
        response: { 404: errorSchema },
      },
    },
    async (req, reply) => {
      if (jobs.get(req.params.id) === undefined) return reply.code(404).send(notFound);
      const folder = jobs.folder(req.params.id);
      const record = await records.find(join(folder, RECORDS_FILE), req.params.call_number);
      if (record === undefined) return reply.code(404).send({ error: "no such call" });
      return { record, messages: await traces.callMessages(join(folder, MESSAGES_FILE), record.call_id) };
    },
  );
}
