/**
 * One line of `call_records.jsonl`: everything known about one finished call. snake_case keys, versioned by
 * `schema`. The JSON Schema is docs/call-record.schema.json; every field is described in docs/call-records.md.
 * The engine builds records in src/engine/outputs/call-record-builder.ts and appends them with JsonlWriter.
 */
import type { FailureClass } from "../shared/failure.js";
import type { TransportName } from "../sip/transport.js";

// The record's own vocabulary (records/ sits below media/ and may not import it). The engine's builder assigns
// media values to these types, so a kind added in media/ without a schema change fails to compile there.
export type RecordPipelineKind = "rtp" | "webrtc";
export type RecordCodec = "PCMU" | "PCMA";
export type RecordAudioCheckKind = "tone" | "silence-gap" | "two-way" | "packets";

export const CALL_RECORD_SCHEMA = "sipwright.call-record/1";

/** The file name a run writes its records to, in its output folder. */
export const CALL_RECORDS_FILE = "call_records.jsonl";

export interface RecordEndpoint {
  address: string;
  port: number;
}

export interface CallRecordFailure {
  class: FailureClass;
  /** Index of the scenario step where the call failed. */
  step: number;
  reason: string;
}

/** One direction of an RTP stream (from the pipeline's StreamStats). */
export interface RecordStream {
  packets: number;
  octets: number;
  lost: number;
  jitter_ms: number;
  max_gap_ms: number;
}

export interface RecordAudioCheck {
  kind: RecordAudioCheckKind;
  passed: boolean;
  measured: Record<string, number>;
  reason: string;
}

/** The media block (from the pipeline's MediaStats); null in a record when the call had no media pipeline. */
export interface CallRecordMedia {
  kind: RecordPipelineKind;
  codec: RecordCodec | null;
  payload_type: number | null;
  local: RecordEndpoint | null;
  remote: RecordEndpoint | null;
  sent: RecordStream;
  received: RecordStream;
  dtmf_sent: string;
  dtmf_received: string;
  recordings: string[];
  /** Files of `recordings` that could not be finalised, each with the reason (empty when all were). */
  recordings_incomplete: { path: string; reason: string }[];
  audio_checks: RecordAudioCheck[];
}

export interface CallRecord {
  schema: typeof CALL_RECORD_SCHEMA;
  run_id: string;
  call_number: number;
  call_id: string;
  scenario: string;
  /** uac: the call was started here (outgoing); uas: the peer started it (incoming). */
  role: "uac" | "uas";
  transport: TransportName;
  local: RecordEndpoint;
  remote: RecordEndpoint;
  started_at: string;
  ended_at: string;
  duration_ms: number;
  result: "success" | "failure";
  failure: CallRecordFailure | null;
  messages_sent: number;
  messages_received: number;
  retransmissions_sent: number;
  retransmissions_received: number;
  unexpected_messages: number;
  final_status: number | null;
  rtd: Record<string, number>;
  last_step: number;
  media: CallRecordMedia | null;
  /** The WebRTC bridge's block; null for plain RTP calls and calls without media. */
  webrtc: CallRecordWebRtc | null;
}

export interface RecordCandidate {
  type: string;
  protocol: string;
  address: string;
  port: number;
}

/** The `webrtc` block (docs/call-records.md). */
export interface CallRecordWebRtc {
  role: "offerer" | "answerer" | null;
  trickle_mode: "auto" | "trickle" | "half" | "full";
  ice: {
    gathering: string;
    connection: string;
    policy: "all" | "relay";
    local_candidates: number;
    remote_candidates: number;
    selected_pair: { local: RecordCandidate; remote: RecordCandidate } | null;
  };
  dtls: { state: string; role: "client" | "server" | null };
  trickle: {
    infos_sent: number;
    infos_received: number;
    candidates_sent: number;
    candidates_received: number;
    /** Our trickle INFOs refused (final error) or never answered (Timer F); trickling stopped at the first. */
    infos_refused: number;
    /** The latest refusal, `405 Method Not Allowed` or `timeout`; null when none. */
    last_refusal: string | null;
  };
  turn: { auth: "none" | "inline" | "static" | "rest"; credential_expires_at: string | null; refreshes: number };
  timings_ms: {
    offer_or_answer_ready: number | null;
    ice_connected: number | null;
    dtls_connected: number | null;
    first_rtp: number | null;
  };
}
