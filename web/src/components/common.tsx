/** Loading, error, empty and status pieces every page uses. */
import type { ComponentChildren } from "preact";
import type { JobStatus, Problem } from "../api.ts";

export function Loading({ what }: { readonly what: string }) {
  return (
    <p class="state loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ message, onRetry }: { readonly message: string; readonly onRetry?: () => void }) {
  return (
    <div class="state error" role="alert">
      <p>{message}</p>
      {onRetry !== undefined && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { readonly children: ComponentChildren }) {
  return <div class="state empty">{children}</div>;
}

export function StatusBadge({ status }: { readonly status: JobStatus }) {
  return <span class={`badge status-${status}`}>{status}</span>;
}

export function Kpi({ label, value, id }: { readonly label: string; readonly value: string; readonly id?: string }) {
  return (
    <div class="kpi" data-kpi={id}>
      <span class="kpi-label">{label}</span>
      <span class="kpi-value">{value}</span>
    </div>
  );
}

export function ProblemList({ problems }: { readonly problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul class="problems">
      {problems.map((problem, i) => (
        <li key={i}>
          <span class="where">
            line {problem.line}, column {problem.column}
          </span>
          : {problem.message}
        </li>
      ))}
    </ul>
  );
}

/** A table's header row; a label starting with "#" is a numeric (right-aligned) column, the "#" dropped. */
export function TableHead({ columns }: { readonly columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, i) => {
          const numeric = column.startsWith("#");
          return (
            <th key={i} scope="col" class={numeric ? "num" : undefined}>
              {numeric ? column.slice(1) : column}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
