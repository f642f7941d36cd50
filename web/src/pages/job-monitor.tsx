/**
 * Job monitor: KPI cards and a live chart from SSE `counters`, failure classes, the WebRTC strip, the finished
 * calls, the job's files, and Stop (a second Stop ends the job at once, like the CLI's second SIGUSR1).
 */
import { useEffect, useState } from "preact/hooks";
import { api, errorText, fileUrl, type Job } from "../api.ts";
import { CallsTable } from "../components/calls-table.tsx";
import { ErrorBox, Kpi, Loading, StatusBadge } from "../components/common.tsx";
import { LiveChart } from "../components/live-chart.tsx";
import { WebrtcStrip } from "../components/webrtc-strip.tsx";
import { isFinished, useJobEvents } from "../events.ts";
import { formatMs, formatNumber, formatTime } from "../format.ts";

export function JobMonitor({ jobId }: { readonly jobId: string }) {
  const events = useJobEvents(jobId);
  const [details, setDetails] = useState<Job | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [stopError, setStopError] = useState<string | null>(null);
  const [stopping, setStopping] = useState(false);
  const status = events.job?.status ?? details?.status;

  // GET /api/jobs/:id gives the file list; read again once the job has ended (its artifacts are complete).
  useEffect(() => {
    api.job(jobId).then(setDetails, (reason: unknown) => setLoadError(errorText(reason)));
  }, [jobId, events.ended]);

  const job = events.job ?? details;
  if (job === null) {
    return loadError !== null ? <ErrorBox message={`Job ${jobId}: ${loadError}`} /> : <Loading what={`job ${jobId}`} />;
  }
  const finished = status !== undefined && isFinished(status);
  const counters = events.counters;
  // The cards follow the live counters; the last ones (`final`) equal summary.json. A job seen only after it
  // ended has no live counters: its counts are summary.json's.
  const calls = counters === null || (finished && counters.final !== true) ? job.counts : counters.calls;
  const failureClasses = Object.entries(counters?.failure_classes ?? {}).sort((a, b) => b[1] - a[1]);

  const stop = () => {
    setStopping(true);
    setStopError(null);
    api.stopJob(jobId).then(
      () => setStopping(false),
      (reason: unknown) => {
        setStopping(false);
        setStopError(errorText(reason));
      },
    );
  };

  return (
    <section aria-labelledby="job-title" data-job-status={job.status}>
      <div class="page-head">
        <div>
          <p class="crumbs">
            <a href="#/">Jobs</a> /
          </p>
          <h1 id="job-title">{job.name ?? job.id}</h1>
          <p class="muted">
            <StatusBadge status={job.status} /> {job.scenario} · started {formatTime(job.started_at)}
            {job.ended_at !== null && ` · ended ${formatTime(job.ended_at)}`}
            {!finished && (events.connected ? " · live" : " · connecting…")}
          </p>
        </div>
        {!finished && (
          <button type="button" class="danger" onClick={stop} disabled={stopping}>
            {job.status === "stopping" ? "Stop now" : "Stop"}
          </button>
        )}
      </div>
      {stopError !== null && <ErrorBox message={`Stop failed: ${stopError}`} />}
      {job.status === "failed" && (
        <div class="state error" role="alert">
          <p>
            Failed{job.reason !== null && `: ${job.reason}`}
            {job.exit_code !== null && ` (exit code ${job.exit_code})`}
            {job.signal !== null && ` (signal ${job.signal})`}
          </p>
          {job.log_tail !== null && <pre class="log">{job.log_tail}</pre>}
        </div>
      )}
      <div class="kpis" aria-label="Counters">
        <Kpi id="created" label="Calls started" value={formatNumber(calls.created)} />
        <Kpi id="active" label="Active" value={formatNumber(calls.active)} />
        <Kpi id="succeeded" label="Succeeded" value={formatNumber(calls.succeeded)} />
        <Kpi id="failed" label="Failed" value={formatNumber(calls.failed)} />
        <Kpi id="cps" label="Calls/s" value={formatNumber(counters?.calls_per_s, 1)} />
        <Kpi id="retrans" label="Retransmissions" value={formatNumber(counters?.retransmissions)} />
        <Kpi
          id="rtd"
          label="RTD p50 / p95"
          value={counters?.rtd_ms == null ? "—" : `${formatMs(counters.rtd_ms.p50)} / ${formatMs(counters.rtd_ms.p95)}`}
        />
        <Kpi
          id="media"
          label="Media packets sent / received / lost"
          value={
            counters?.media == null
              ? "—"
              : `${formatNumber(counters.media.packets_sent)} / ${formatNumber(counters.media.packets_received)} / ${formatNumber(counters.media.packets_lost)}`
          }
        />
      </div>
      <div class="columns">
        <section class="panel grow" aria-label="Live chart">
          <LiveChart series={events.series} />
        </section>
        <section class="panel" aria-labelledby="classes-title">
          <h2 id="classes-title">Failure classes</h2>
          {failureClasses.length === 0 ? (
            <p class="muted">no failures</p>
          ) : (
            <table class="data compact">
              <tbody>
                {failureClasses.map(([name, count]) => (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td class="num">{count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      {counters?.webrtc != null && <WebrtcStrip webrtc={counters.webrtc} />}
      <CallsTable
        jobId={jobId}
        live={events.records}
        failureClasses={failureClasses.map(([name]) => name)}
        reloadKey={job.status}
      />
      <Files job={details ?? job} />
    </section>
  );
}

function Files({ job }: { readonly job: Job }) {
  const files = job.files ?? [];
  if (files.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="files-title">
      <h2 id="files-title">Files</h2>
      <ul class="plain files">
        {files.map((file) => (
          <li key={file}>
            <a href={fileUrl(job.id, file)} target="_blank" rel="noopener">
              {file}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
