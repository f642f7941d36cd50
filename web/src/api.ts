/**
 * The control API as the UI sees it (docs/api.md): typed fetch helpers that carry the token, and the shapes of
 * jobs, counters and call records the pages read. The token comes from the page address (`#token=` or `?token=`)
 * once and is kept for the tab in sessionStorage, so hash navigation does not lose it.
 */

export type JobStatus = "queued" | "running" | "stopping" | "succeeded" | "failed" | "stopped";

export interface JobCounts {
  readonly created: number;
  readonly active: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly aborted?: number;
}

export interface Job {
  readonly id: string;
  readonly name: string | null;
  readonly status: JobStatus;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly ended_at: string | null;
  readonly args: readonly string[];
  readonly scenario: string;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly reason: string | null;
  readonly log_tail: string | null;
  readonly counts: JobCounts;
  readonly files?: readonly string[];
}

export interface ScenarioInfo {
  readonly name: string;
  readonly description: string;
  readonly webrtc: boolean;
}

export interface Problem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface WebrtcCounters {
  /** ICE connection states of the calls in progress. */
  readonly states: Readonly<Record<string, number>>;
  /** ICE connection states the finished calls ended in (from their records). */
  readonly ended_states: Readonly<Record<string, number>>;
  readonly pairs: Readonly<Record<string, number>>;
  readonly turn_refreshes: number;
  readonly ice_servers: readonly string[];
  readonly recent_failures: readonly { call_number: number; failure_class: string; reason: string }[];
}

export interface Counters {
  readonly job_id: string;
  readonly t_ms: number;
  readonly calls: JobCounts;
  readonly calls_per_s: number;
  readonly retransmissions: number;
  readonly failure_classes: Readonly<Record<string, number>>;
  readonly rtd_ms: { readonly p50: number; readonly p95: number } | null;
  readonly media: {
    readonly packets_sent: number;
    readonly packets_received: number;
    readonly packets_lost: number;
  } | null;
  readonly webrtc: WebrtcCounters | null;
  /** The last counters of a run, written after it ended: its `calls` equal summary.json. */
  readonly final?: boolean;
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface Stream {
  readonly packets: number;
  readonly octets: number;
  readonly lost: number;
  readonly jitter_ms: number;
  readonly max_gap_ms: number;
}

export interface AudioCheck {
  readonly kind: string;
  readonly passed: boolean;
  readonly measured: Readonly<Record<string, unknown>>;
  readonly reason?: string;
}

export interface MediaBlock {
  readonly kind: "rtp" | "webrtc";
  readonly codec: string | null;
  readonly local: Endpoint | null;
  readonly remote: Endpoint | null;
  readonly sent: Stream;
  readonly received: Stream;
  readonly dtmf_sent?: string;
  readonly dtmf_received?: string;
  readonly recordings: readonly string[];
  readonly recordings_incomplete?: readonly { path: string; reason: string }[];
  readonly audio_checks: readonly AudioCheck[];
}

export interface CallRecord {
  readonly call_number: number;
  readonly call_id: string;
  readonly scenario: string;
  readonly role: "uac" | "uas";
  readonly transport: string;
  readonly remote: Endpoint;
  readonly started_at: string;
  readonly ended_at: string;
  readonly duration_ms: number;
  readonly result: "success" | "failure";
  readonly failure: { readonly class: string; readonly step: number; readonly reason: string } | null;
  readonly messages_sent: number;
  readonly messages_received: number;
  readonly retransmissions_sent: number;
  readonly final_status: number | null;
  readonly rtd: Readonly<Record<string, number>>;
  readonly media: MediaBlock | null;
  readonly webrtc: Readonly<Record<string, unknown>> | null;
}

export interface SipMessage {
  readonly index: number;
  readonly direction: "sent" | "received";
  readonly time: string;
  readonly peer?: string;
  readonly transport?: string;
  readonly first_line: string;
  readonly text: string;
}

export interface CallDetail {
  readonly record: CallRecord;
  readonly messages: readonly SipMessage[];
}

/** An API answer that was not 2xx: the status, the server's `error` message and its problems, if any. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly Problem[],
  ) {
    super(message);
  }
}

const TOKEN_KEY = "sipwright-token";

function tokenFromAddress(): string | null {
  const fromHash = /(?:^#|[#&?])token=([^&]+)/.exec(location.hash)?.[1];
  const fromQuery = new URLSearchParams(location.search).get("token");
  const found = fromHash === undefined ? fromQuery : decodeURIComponent(fromHash);
  if (found !== null && found !== "") sessionStorage.setItem(TOKEN_KEY, found);
  return sessionStorage.getItem(TOKEN_KEY);
}

let token: string | null = null;

export function apiToken(): string | null {
  token ??= tokenFromAddress();
  return token;
}

/**
 * Takes a token handed over in the address (`#token=...`, on load or pasted into an open tab), keeps it, and
 * replaces the address with the job list's so that the token does not stay in the address bar or the history.
 */
export function adoptTokenFromAddress(): void {
  if (!location.hash.startsWith("#token=")) return;
  token = tokenFromAddress();
  history.replaceState(null, "", `${location.pathname}${location.search}#/`);
}

/** A URL the browser fetches by itself (EventSource, <audio>, links): the token rides in the query string. */
export function authorisedUrl(path: string): string {
  const current = apiToken();
  if (current === null) return path;
  return `${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(current)}`;
}

export function fileUrl(jobId: string, file: string): string {
  const encoded = file.split("/").map(encodeURIComponent).join("/");
  return authorisedUrl(`/api/jobs/${encodeURIComponent(jobId)}/files/${encoded}`);
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const current = apiToken();
  if (current !== null) headers.authorization = `Bearer ${current}`;
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const parsed: unknown = text === "" ? null : parseJson(text);
  if (!response.ok) {
    const answer = (parsed ?? {}) as { error?: string; message?: string; errors?: Problem[] };
    const message = answer.error ?? answer.message ?? `${method} ${path}: HTTP ${response.status}`;
    throw new ApiError(response.status, message, answer.errors ?? []);
  }
  return parsed as T;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: text.slice(0, 500) };
  }
}

export const api = {
  scenarios: () => request<ScenarioInfo[]>("GET", "/api/scenarios"),
  validate: (scenarioXml: string) =>
    request<{ ok: boolean; errors?: Problem[] }>("POST", "/api/validate", { scenario_xml: scenarioXml }),
  jobs: () => request<Job[]>("GET", "/api/jobs"),
  job: (id: string) => request<Job>("GET", `/api/jobs/${encodeURIComponent(id)}`),
  createJob: (body: { name?: string; args: string[]; scenario_xml?: string }) =>
    request<Job>("POST", "/api/jobs", body),
  stopJob: (id: string) => request<Job>("POST", `/api/jobs/${encodeURIComponent(id)}/stop`),
  deleteJob: (id: string) => request<null>("DELETE", `/api/jobs/${encodeURIComponent(id)}`),
  records: (id: string, query: Readonly<Record<string, string>>) =>
    request<{ total: number; records: CallRecord[] }>(
      "GET",
      `/api/jobs/${encodeURIComponent(id)}/records?${new URLSearchParams(query).toString()}`,
    ),
  call: (id: string, callNumber: number) =>
    request<CallDetail>("GET", `/api/jobs/${encodeURIComponent(id)}/calls/${callNumber}`),
};

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
