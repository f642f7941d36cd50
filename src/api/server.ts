/**
 * The control plane's HTTP server (`sipwright serve`, docs/api.md): fastify with route schemas (and the OpenAPI
 * document made from them), the token and Origin checks, the jobs, their events and files, and the web UI.
 */
import { readFile } from "node:fs/promises";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import swagger from "@fastify/swagger";
import { BUILTIN_SCENARIOS, builtinScenarioPath, findPackageRoot } from "../scenario/builtin-scenarios.js";
import { SIPWRIGHT_VERSION } from "../engine/run/run-environment.js";
import { JobManager } from "./jobs.js";
import { LocalJobRunner, type JobRunner } from "./job-runner.js";
import { validateXml } from "./job-validate.js";
import { createMetrics } from "./metrics.js";
import { registerEventRoutes } from "./routes-events.js";
import { defaultUiDir, registerFileRoutes } from "./routes-files.js";
import { registerJobRoutes } from "./routes-jobs.js";
import { errorSchema, validateBody } from "./schemas.js";
import { generateToken, originAllowed, tokenMatches, tokenRequired } from "./security.js";

export const BODY_LIMIT = 2 * 1024 * 1024;

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly token: string | undefined;
  readonly allowExec: boolean;
  /** Working folder for jobs (relative paths in their arguments); default process.cwd(). */
  readonly cwd?: string;
  /** The CLI a job runs (default `node bin/sipwright.js`); tests run it from source. */
  readonly cli?: readonly string[];
  readonly runner?: JobRunner;
  readonly uiDir?: string;
  /** Tests: handle a loopback listen address as if it were not loopback (a token is then required). */
  readonly treatAsRemote?: boolean;
}

export interface ControlPlane {
  readonly app: FastifyInstance;
  readonly jobs: JobManager;
  /** The token in force, if any. */
  readonly token: string | undefined;
  /** `http://host:port` once listening. */
  readonly url: string;
  close(): Promise<void>;
}

/** The built-ins, with the description from each file's leading comment. */
async function builtinScenarios(): Promise<{ name: string; description: string; webrtc: boolean }[]> {
  return Promise.all(
    BUILTIN_SCENARIOS.map(async (name) => {
      const text = await readFile(builtinScenarioPath(name), "latin1").catch(() => "");
      const m = /built-in scenario "[^"]+":\s*([^\n]*(?:\n(?!\s*(?:Flow|-->))[^\n]*)*)/.exec(text);
      const description = (m?.[1] ?? "").replace(/\s+/g, " ").trim();
      return { name, description, webrtc: name.startsWith("webrtc") || /<scenario[^>]*webrtc="true"/.test(text) };
    }),
  );
}

function needsOriginCheck(req: FastifyRequest): boolean {
  if (req.method !== "GET" && req.method !== "HEAD" && req.method !== "OPTIONS") return true;
  const path = req.url.split("?")[0] ?? "";
  return path === "/api/events" || path.endsWith("/events");
}

export async function startControlPlane(opts: ServerOptions): Promise<ControlPlane> {
  const token = tokenRequired(opts.host, opts.token !== undefined, opts.treatAsRemote === true)
    ? (opts.token ?? generateToken())
    : undefined;
  const cwd = opts.cwd ?? process.cwd();
  const runner = opts.runner ?? new LocalJobRunner({ cwd, ...(opts.cli ? { cli: opts.cli } : {}) });
  const jobs = new JobManager({ dataDir: opts.dataDir, runner, allowExec: opts.allowExec, cwd });
  await jobs.load();

  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false, forceCloseConnections: true });
  await app.register(swagger, {
    openapi: {
      info: { title: "sipwright control plane", version: SIPWRIGHT_VERSION, description: "See docs/api.md" },
    },
  });
  // JSON bodies only: a cross-site form (text/plain, urlencoded, multipart) never reaches a route (415).
  app.removeContentTypeParser("text/plain");
  app.setErrorHandler((error: Error & { statusCode?: number }, _req, reply) => {
    const status = error.statusCode ?? 500;
    void reply.code(status).send({ error: status === 500 ? `internal error: ${error.message}` : error.message });
  });

  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    const guarded = path.startsWith("/api/") || path === "/metrics";
    if (!guarded) return;
    if (token !== undefined) {
      const query = req.query as Record<string, string | undefined>;
      if (!tokenMatches(token, req.headers.authorization, query.token)) {
        return reply.code(401).send({ error: "a token is required: Authorization: Bearer <token> or ?token=" });
      }
    }
    if (needsOriginCheck(req) && !originAllowed(req.headers.origin, req.headers.host)) {
      return reply.code(403).send({ error: `origin ${req.headers.origin ?? ""} is not allowed` });
    }
  });

  app.get("/api/health", () => ({ ok: true, version: SIPWRIGHT_VERSION }));
  const scenarios = await builtinScenarios();
  app.get("/api/scenarios", () => scenarios);
  app.post<{ Body: { scenario_xml: string; webrtc?: boolean } }>(
    "/api/validate",
    { schema: { body: validateBody, response: { 400: errorSchema } } },
    (req) => {
      const errors = validateXml(req.body.scenario_xml, { webrtc: req.body.webrtc ?? false });
      return errors.length === 0 ? { ok: true } : { ok: false, errors };
    },
  );
  registerJobRoutes(app, jobs);
  registerEventRoutes(app, jobs);
  const metrics = createMetrics(jobs);
  app.get("/metrics", async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
  app.get("/api/openapi.json", () => app.swagger());
  registerFileRoutes(app, jobs, opts.uiDir ?? defaultUiDir(findPackageRoot()));

  await app.listen({ host: opts.host, port: opts.port });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : opts.port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    app,
    jobs,
    token,
    url: `http://${host}:${port}`,
    async close() {
      await app.close();
      await jobs.close();
    },
  };
}
