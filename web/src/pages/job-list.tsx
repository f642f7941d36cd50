/** Job list: every job with its status, start time, scenario and counts, newest first; refreshed every 2 s. */
import { useCallback, useEffect, useState } from "preact/hooks";
import { api, errorText, type Job } from "../api.ts";
import { Empty, ErrorBox, Loading, StatusBadge, TableHead } from "../components/common.tsx";
import { formatTime } from "../format.ts";

const REFRESH_MS = 2000;

export function JobList() {
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.jobs().then(
      (list) => {
        setJobs(list);
        setError(null);
      },
      (reason: unknown) => setError(errorText(reason)),
    );
  }, []);

  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <section aria-labelledby="jobs-title">
      <div class="page-head">
        <h1 id="jobs-title">Jobs</h1>
        <a class="button primary" href="#/new">
          New job
        </a>
      </div>
      {error !== null && <ErrorBox message={`Could not list the jobs: ${error}`} onRetry={load} />}
      {jobs === null && error === null && <Loading what="jobs" />}
      {jobs !== null && jobs.length === 0 && (
        <Empty>
          <p>No jobs yet.</p>
          <p>
            <a href="#/new">Start one</a>, or run the CLI with <code>--out</code> into the server's data folder.
          </p>
        </Empty>
      )}
      {jobs !== null && jobs.length > 0 && (
        <table class="data jobs">
          <TableHead
            columns={["Job", "Status", "Started", "Scenario", "#Created", "#Active", "#Succeeded", "#Failed"]}
          />
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id} data-job-id={job.id}>
                <td>
                  <a href={`#/jobs/${encodeURIComponent(job.id)}`}>{job.name ?? job.id}</a>
                  {job.name !== null && <div class="muted small">{job.id}</div>}
                </td>
                <td>
                  <StatusBadge status={job.status} />
                  {job.reason !== null && <div class="muted small">{job.reason}</div>}
                </td>
                <td>{formatTime(job.started_at ?? job.created_at)}</td>
                <td>{job.scenario}</td>
                <td class="num">{job.counts.created}</td>
                <td class="num">{job.counts.active}</td>
                <td class="num">{job.counts.succeeded}</td>
                <td class="num">{job.counts.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
