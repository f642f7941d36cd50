/**
 * The monitor's table of finished calls, filtered by result, failure class and Call-ID. Pages come from the
 * records API; while the job runs, the calls that SSE `record` events bring are shown on top as they finish.
 */
import { useEffect, useState } from "preact/hooks";
import { api, errorText, type CallRecord } from "../api.ts";
import { formatMs, formatTime } from "../format.ts";
import { Empty, ErrorBox, Loading, TableHead } from "./common.tsx";

const PAGE = 50;

interface Filters {
  readonly result: string;
  readonly failureClass: string;
  readonly callId: string;
}

function matches(record: CallRecord, filters: Filters): boolean {
  if (filters.result !== "" && record.result !== filters.result) return false;
  if (filters.failureClass !== "" && record.failure?.class !== filters.failureClass) return false;
  return filters.callId === "" || record.call_id === filters.callId.trim();
}

export function CallsTable(props: {
  readonly jobId: string;
  readonly live: readonly CallRecord[];
  readonly failureClasses: readonly string[];
  readonly reloadKey: string;
}) {
  const [filters, setFilters] = useState<Filters>({ result: "", failureClass: "", callId: "" });
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ total: number; records: CallRecord[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    const query: Record<string, string> = { offset: String(offset), limit: String(PAGE) };
    if (filters.result !== "") query.result = filters.result;
    if (filters.failureClass !== "") query.failure_class = filters.failureClass;
    if (filters.callId.trim() !== "") query.call_id = filters.callId.trim();
    const timer = setTimeout(() => {
      api.records(props.jobId, query).then(
        (answer) => {
          if (!current) return;
          setPage(answer);
          setError(null);
        },
        (reason: unknown) => {
          if (current) setError(errorText(reason));
        },
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [props.jobId, filters, offset, props.reloadKey, attempt]);

  const fetched = new Set(page?.records.map((record) => record.call_number));
  const liveRows = offset === 0 ? props.live.filter((r) => !fetched.has(r.call_number) && matches(r, filters)) : [];
  const rows = [...liveRows, ...(page?.records ?? [])];
  const total = Math.max(page?.total ?? 0, 0) + liveRows.length;
  const setFilter = (key: keyof Filters, value: string) => {
    setOffset(0);
    setFilters((current) => ({ ...current, [key]: value }));
  };

  return (
    <section class="panel" aria-labelledby="calls-title">
      <h2 id="calls-title">Finished calls</h2>
      <div class="filters" role="search">
        <label>
          Result{" "}
          <select value={filters.result} onChange={(e) => setFilter("result", e.currentTarget.value)}>
            <option value="">any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
          </select>
        </label>
        <label>
          Failure class{" "}
          <select value={filters.failureClass} onChange={(e) => setFilter("failureClass", e.currentTarget.value)}>
            <option value="">any</option>
            {props.failureClasses.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Call-ID{" "}
          <input
            type="search"
            value={filters.callId}
            placeholder="exact Call-ID"
            onInput={(e) => setFilter("callId", e.currentTarget.value)}
          />
        </label>
        <span class="muted" aria-live="polite" data-calls-total>
          {total} call{total === 1 ? "" : "s"}
        </span>
      </div>
      {error !== null && (
        <ErrorBox message={`Could not load the calls: ${error}`} onRetry={() => setAttempt((n) => n + 1)} />
      )}
      {page === null && error === null && <Loading what="calls" />}
      {page !== null && rows.length === 0 && <Empty>No finished call matches.</Empty>}
      {rows.length > 0 && (
        <table class="data calls">
          <TableHead columns={["##", "Call-ID", "Result", "Failure", "Started", "#Duration", "#Status"]} />
          <tbody>
            {rows.map((record) => (
              <tr key={record.call_number} data-call={record.call_number}>
                <td class="num">
                  <a href={`#/jobs/${encodeURIComponent(props.jobId)}/calls/${record.call_number}`}>
                    {record.call_number}
                  </a>
                </td>
                <td class="mono ellipsis" title={record.call_id}>
                  {record.call_id}
                </td>
                <td>
                  <span class={`badge result-${record.result}`}>{record.result}</span>
                </td>
                <td>{record.failure === null ? "" : `${record.failure.class} (step ${record.failure.step})`}</td>
                <td>{formatTime(record.started_at)}</td>
                <td class="num">{formatMs(record.duration_ms)}</td>
                <td class="num">{record.final_status ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page !== null && page.total > PAGE && (
        <div class="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(offset + PAGE, page.total)} of {page.total}
          </span>
          <button type="button" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
            Next
          </button>
        </div>
      )}
    </section>
  );
}
