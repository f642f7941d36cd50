/**
 * A `sipwright serve` control plane in the test process (port 0, a temporary data folder), whose jobs run the CLI
 * from source through tsx; an SSE client that collects events; small fetch helpers.
 */
import { request } from "node:http";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startControlPlane, type ControlPlane, type ServerOptions } from "../../src/api/server.js";
import { REPO_ROOT, sipwrightArgv } from "./sipwright.js";

export const SOURCE_CLI = [process.execPath, ...sipwrightArgv([])];

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "sipwright-api-"));
}

export async function startTestPlane(over: Partial<ServerOptions> = {}): Promise<ControlPlane> {
  return startControlPlane({
    host: "127.0.0.1",
    port: 0,
    dataDir: over.dataDir ?? (await tempDataDir()),
    token: undefined,
    allowExec: false,
    cwd: REPO_ROOT,
    cli: SOURCE_CLI,
    ...over,
  });
}

export interface SseEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** An EventSource-like client: every event in order; `next(predicate)` waits (bounded) for a matching one. */
export class SseClient {
  readonly events: SseEvent[] = [];
  #waiters: { pred: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  #close: () => void = () => undefined;
  status = 0;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    await new Promise<void>((resolve, reject) => {
      const req = request(url, { headers: { accept: "text/event-stream", ...headers } }, (res) => {
        client.status = res.statusCode ?? 0;
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            client.#parse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        resolve();
      });
      req.on("error", reject);
      req.end();
      client.#close = () => req.destroy();
    });
    return client;
  }

  #parse(block: string): void {
    let type = "message";
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) type = line.slice(7);
      else if (line.startsWith("data: ")) data += line.slice(6);
    }
    if (data === "") return;
    const event = { type, data: JSON.parse(data) as Record<string, unknown> };
    this.events.push(event);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.pred(event)) return true;
      w.resolve(event);
      return false;
    });
  }

  next(pred: (e: SseEvent) => boolean, timeoutMs = 60_000): Promise<SseEvent> {
    const seen = this.events.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching SSE event in ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  close(): void {
    this.#close();
  }
}

/** A raw GET (the path is sent as given: no `..` normalisation as fetch would do). */
export function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

export async function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}
