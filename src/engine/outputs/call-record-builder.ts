/**
 * Call -> CallRecord: the line a finished call leaves in call_records.jsonl (docs/call-records.md). Built once, when
 * the call ends, from the plain counters the engine kept on the Call while it ran.
 */
import type { MediaStats, StreamStats } from "../../media/media-pipeline.js";
import {
  CALL_RECORD_SCHEMA,
  type CallRecord,
  type CallRecordMedia,
  type RecordEndpoint,
  type RecordStream,
} from "../../records/call-record.js";
import type { Peer } from "../../sip/transport.js";
import type { Call } from "../call/call.js";
import type { ClosedMedia } from "../media/call-media.js";

export interface CallRecordInput {
  readonly runId: string;
  /** The media pipeline's final stats, when the call had one. */
  readonly media?: MediaStats | undefined;
}

/** The `YYYY-MM-DDTHH:MM:SS.` of the last second formatted, and that second (epoch ms / 1000). */
let isoSecond = Number.NaN;
let isoPrefix = "";

/**
 * `new Date(epochMs).toISOString()`, with the date and time up to the second formatted once per second: calls end
 * thousands of times a second, and each record has two timestamps. Same text as toISOString (Date keeps whole
 * milliseconds, truncated); outside 1970..9999 it is toISOString itself.
 */
export function isoTimestamp(epochMs: number): string {
  const ms = Math.trunc(epochMs);
  if (!(ms >= 0 && ms < 253402300800000)) return new Date(epochMs).toISOString();
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    isoSecond = second;
  }
  const milli = ms - second * 1000;
  return `${isoPrefix}${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
}

/** Milliseconds to 3 decimals (microseconds), as in summary.json. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function endpoint(peer: Peer): RecordEndpoint {
  return { address: peer.host, port: peer.port };
}

function stream(s: StreamStats): RecordStream {
  return {
    packets: s.packets,
    octets: s.octets,
    lost: s.lost,
    jitter_ms: round(s.jitterMs),
    max_gap_ms: round(s.maxGapMs),
  };
}

function mediaEndpoint(e: MediaStats["local"]): RecordEndpoint | null {
  return e === undefined ? null : { address: e.address, port: e.port };
}

/** The record's media block from a pipeline's stats (the same shape for both pipeline kinds). */
export function buildMediaRecord(stats: MediaStats): CallRecordMedia {
  return {
    kind: stats.kind,
    codec: stats.codec ?? null,
    payload_type: stats.payloadType ?? null,
    local: mediaEndpoint(stats.local),
    remote: mediaEndpoint(stats.remote),
    sent: stream(stats.sent),
    received: stream(stats.received),
    dtmf_sent: stats.dtmfSent,
    dtmf_received: stats.dtmfReceived,
    recordings: [...stats.recordings],
    recordings_incomplete: (stats.incompleteRecordings ?? []).map((r) => ({ path: r.path, reason: r.reason })),
    audio_checks: stats.audioChecks.map((c) => ({
      kind: c.kind,
      passed: c.passed,
      measured: { ...c.measured },
      reason: c.reason,
    })),
  };
}

/** The record's `media` and `webrtc` blocks of a call whose pipeline has closed. */
export function mediaBlocks(call: Call, closed: ClosedMedia): Pick<CallRecord, "media" | "webrtc"> {
  const webrtc = closed.webrtc;
  const trickle = call.trickle;
  return {
    media: buildMediaRecord(closed.stats),
    webrtc:
      webrtc === undefined
        ? null
        : {
            ...webrtc,
            trickle: {
              infos_sent: trickle?.infosSent ?? 0,
              infos_received: trickle?.infosReceived ?? 0,
              candidates_sent: trickle?.candidatesSent ?? 0,
              candidates_received: call.callMedia?.webrtc?.candidatesReceived ?? 0,
              infos_refused: trickle?.infosRefused ?? 0,
              last_refusal: trickle?.lastRefusal ?? null,
            },
          },
  };
}

/** The record of a call that has ended (its outcome is set); timing is read from the run's clock now. */
export function buildCallRecord(call: Call, input: CallRecordInput): CallRecord {
  const clock = call.ctx.clock;
  const endedWall = clock.wallNow();
  const durationMs = Math.max(0, clock.now() - call.startedAt);
  const outcome = call.outcome;
  if (outcome === undefined) throw new Error(`call ${call.callNumber} has not ended: no record yet`);
  const failed = outcome.result === "failure";
  const rtd: Record<string, number> = {};
  if (call.rtdSamples !== undefined) for (const [name, ms] of call.rtdSamples) rtd[name] = round(ms);
  return {
    schema: CALL_RECORD_SCHEMA,
    run_id: input.runId,
    call_number: call.callNumber,
    call_id: call.callId,
    scenario: call.scenario.name,
    role: call.direction === "outgoing" ? "uac" : "uas",
    transport: call.connection.transport,
    local: endpoint(call.connection.local),
    remote: endpoint(call.peer),
    started_at: isoTimestamp(endedWall - durationMs),
    ended_at: isoTimestamp(endedWall),
    duration_ms: round(durationMs),
    result: outcome.result,
    failure: failed ? { class: outcome.failure, step: outcome.step, reason: outcome.reason } : null,
    messages_sent: call.messagesSent,
    messages_received: call.messagesReceived,
    retransmissions_sent: call.retransmissionsSent,
    retransmissions_received: call.retransmissionsReceived,
    unexpected_messages: call.unexpectedMessages,
    final_status: call.finalStatus === 0 ? null : call.finalStatus,
    rtd,
    // Where the call ended: the failing step, or the last step it completed.
    last_step: failed ? outcome.step : Math.max(0, call.lastStep),
    media: input.media === undefined ? null : buildMediaRecord(input.media),
    webrtc: null,
  };
}
