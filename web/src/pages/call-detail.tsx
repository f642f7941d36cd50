/**
 * Call detail: the record's summary, the SIP ladder of its messages, media stats both ways, audio checks with
 * their measured values, the `webrtc` block, and the recordings with waveform and player.
 */
import { useEffect, useState } from "preact/hooks";
import { api, errorText, fileUrl, type CallDetail as Detail, type Job, type MediaBlock } from "../api.ts";
import { ErrorBox, Loading, TableHead } from "../components/common.tsx";
import { Ladder } from "../components/ladder.tsx";
import { Recording } from "../components/recording.tsx";
import { baseName, formatMs, formatNumber, formatTime, formatValue } from "../format.ts";

/** The job file (a path inside the job folder) that a record's recording path names, if the job lists it. */
export function recordingFile(recording: string, files: readonly string[]): string | undefined {
  const normalised = recording.replace(/\\/g, "/");
  return (
    files.find((file) => normalised === file || normalised.endsWith(`/${file}`)) ??
    files.find((file) => baseName(file) === baseName(normalised))
  );
}

export function CallDetail({ jobId, callNumber }: { readonly jobId: string; readonly callNumber: number }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([api.call(jobId, callNumber), api.job(jobId)]).then(
      ([call, owner]) => {
        setDetail(call);
        setJob(owner);
      },
      (reason: unknown) => setError(errorText(reason)),
    );
  }, [jobId, callNumber]);

  const back = `#/jobs/${encodeURIComponent(jobId)}`;
  if (error !== null) return <ErrorBox message={`Call ${callNumber} of job ${jobId}: ${error}`} />;
  if (detail === null || job === null) return <Loading what={`call ${callNumber}`} />;
  const { record, messages } = detail;
  return (
    <section aria-labelledby="call-title">
      <div class="page-head">
        <div>
          <p class="crumbs">
            <a href="#/">Jobs</a> / <a href={back}>{job.name ?? job.id}</a> /
          </p>
          <h1 id="call-title">Call {record.call_number}</h1>
          <p class="muted mono">{record.call_id}</p>
        </div>
      </div>
      <dl class="facts">
        <div>
          <dt>Result</dt>
          <dd>
            <span class={`badge result-${record.result}`}>{record.result}</span>
            {record.failure !== null &&
              ` ${record.failure.class} at step ${record.failure.step}: ${record.failure.reason}`}
          </dd>
        </div>
        <div>
          <dt>Role / transport</dt>
          <dd>
            {record.role} / {record.transport} to {record.remote.address}:{record.remote.port}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatTime(record.started_at)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatMs(record.duration_ms)}</dd>
        </div>
        <div>
          <dt>Messages sent / received</dt>
          <dd>
            {record.messages_sent} / {record.messages_received} ({record.retransmissions_sent} retransmitted)
          </dd>
        </div>
        {Object.entries(record.rtd).map(([name, value]) => (
          <div key={name}>
            <dt>RTD {name}</dt>
            <dd>{formatMs(value)}</dd>
          </div>
        ))}
      </dl>
      <section class="panel" aria-labelledby="ladder-title">
        <h2 id="ladder-title">SIP ladder ({messages.length} messages)</h2>
        {messages.length === 0 ? (
          <p class="muted">No message trace for this call (the job was run without one).</p>
        ) : (
          <Ladder messages={messages} local={record.role} />
        )}
      </section>
      {record.media !== null && <Media media={record.media} job={job} />}
      {record.webrtc !== null && (
        <section class="panel" aria-labelledby="webrtc-block-title">
          <h2 id="webrtc-block-title">WebRTC</h2>
          <pre class="json">{JSON.stringify(record.webrtc, null, 2)}</pre>
        </section>
      )}
    </section>
  );
}

function Media({ media, job }: { readonly media: MediaBlock; readonly job: Job }) {
  const rows = [
    ["packets", "packets"],
    ["octets", "octets"],
    ["lost", "lost"],
    ["jitter_ms", "jitter (ms)"],
    ["max_gap_ms", "max gap (ms)"],
  ] as const;
  return (
    <>
      <section class="panel" aria-labelledby="media-title">
        <h2 id="media-title">
          Media ({media.kind}, {media.codec ?? "no codec"})
        </h2>
        <table class="data compact media-stats">
          <TableHead columns={["", "#Sent", "#Received"]} />
          <tbody>
            {rows.map(([key, label]) => (
              <tr key={key}>
                <th scope="row">{label}</th>
                <td class="num">{formatNumber(media.sent[key], key.endsWith("_ms") ? 1 : 0)}</td>
                <td class="num">{formatNumber(media.received[key], key.endsWith("_ms") ? 1 : 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {media.audio_checks.length > 0 && (
          <>
            <h3>Audio checks</h3>
            <ul class="plain checks">
              {media.audio_checks.map((check, i) => (
                <li key={i} class={check.passed ? "ok" : "problem"}>
                  <strong>
                    {check.kind}: {check.passed ? "passed" : "failed"}
                  </strong>
                  {check.reason !== undefined && ` — ${check.reason}`}
                  <span class="measured">
                    {Object.entries(check.measured).map(([name, value]) => (
                      <span key={name}>
                        {name} = {formatValue(value)}
                      </span>
                    ))}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section class="panel" aria-labelledby="rec-title">
        <h2 id="rec-title">Recordings</h2>
        {media.recordings.length === 0 && <p class="muted">This call was not recorded (--record, --record-stereo).</p>}
        {media.recordings.map((path) => {
          const file = recordingFile(path, job.files ?? []);
          return file === undefined ? (
            <p key={path} class="problem">
              {path}: not among the job's files
            </p>
          ) : (
            <Recording key={file} url={fileUrl(job.id, file)} label={baseName(file)} />
          );
        })}
      </section>
    </>
  );
}
