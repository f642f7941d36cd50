/**
 * A job's files (`/api/jobs/:id/files/<path>`, with HTTP Range so a browser can seek in a recording) and the built
 * web UI (`web/dist/`), both resolved by security.ts's `resolveInside` (no path out of their folder).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { JobManager } from "./jobs.js";
import { resolveInside } from "./security.js";

const TYPES: Record<string, string> = {
  ".wav": "audio/wav",
  ".json": "application/json",
  ".jsonl": "application/x-ndjson",
  ".ndjson": "application/x-ndjson",
  ".xml": "application/xml",
  ".log": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".pcap": "application/vnd.tcpdump.pcap",
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range); undefined for no or an unsupported header, null: unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null || (m[1] === "" && m[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return null;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return null;
  return { start, end };
}

/** Sends a file whole or the requested range (206), with Accept-Ranges. */
export async function sendFile(req: FastifyRequest, reply: FastifyReply, path: string): Promise<FastifyReply> {
  const info = await stat(path);
  if (!info.isFile()) return reply.code(404).send({ error: "no such file" });
  const size = info.size;
  reply.header("Accept-Ranges", "bytes");
  reply.type(TYPES[extname(path).toLowerCase()] ?? "application/octet-stream");
  const range = parseRange(req.headers.range, size);
  if (range === null) {
    return reply.code(416).header("Content-Range", `bytes */${size}`).send({ error: "range not satisfiable" });
  }
  if (range === undefined) {
    reply.header("Content-Length", size);
    return reply.send(createReadStream(path));
  }
  reply.code(206);
  reply.header("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
  reply.header("Content-Length", range.end - range.start + 1);
  return reply.send(createReadStream(path, { start: range.start, end: range.end }));
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sipwright</title></head>
<body><h1>sipwright</h1><p>UI not built: run <code>npm ci</code> (or <code>npm run build</code>) to build
<code>web/dist/</code>. The API is at <a href="/api/health">/api/health</a>, documented in docs/api.md and
<a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>\n`;

export function registerFileRoutes(app: FastifyInstance, jobs: JobManager, uiDir: string): void {
  app.get<{ Params: { id: string; "*": string } }>("/api/jobs/:id/files/*", async (req, reply) => {
    if (jobs.get(req.params.id) === undefined) return reply.code(404).send({ error: "no such job" });
    const resolved = await resolveInside(jobs.folder(req.params.id), req.params["*"]);
    if (!resolved.ok) return reply.code(resolved.status).send({ error: resolved.error });
    return sendFile(req, reply, resolved.path);
  });

  // The UI: a file of web/dist/, else index.html (client-side routes), else the "not built" page.
  app.get<{ Params: { "*": string } }>("/*", async (req, reply) => {
    const wanted = req.params["*"];
    if (wanted.startsWith("api/")) return reply.code(404).send({ error: "no such route" });
    for (const candidate of [wanted === "" ? "index.html" : wanted, "index.html"]) {
      const resolved = await resolveInside(uiDir, candidate);
      if (resolved.ok && (await stat(resolved.path)).isFile()) return sendFile(req, reply, resolved.path);
    }
    return reply.type("text/html; charset=utf-8").send(NOT_BUILT);
  });
}

export function defaultUiDir(packageRoot: string): string {
  return join(packageRoot, "web", "dist");
}
