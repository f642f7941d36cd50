/**
 * Why a call failed. The names map one to one onto SIPp's statistics counters (Failed*), plus our own classes.
 * Records and summaries use the snake_case value; the stat CSV uses the SIPp column name.
 */
export const FAILURE_CLASSES = [
  "cannot_send_message",
  "max_udp_retrans",
  "tcp_connect",
  "tcp_closed",
  "unexpected_message",
  "call_rejected",
  "cmd_not_sent",
  "regexp_doesnt_match",
  "regexp_shouldnt_match",
  "regexp_hdr_not_found",
  "outbound_congestion",
  "timeout_on_recv",
  "timeout_on_send",
  "test_doesnt_match",
  "test_shouldnt_match",
  "strcmp_doesnt_match",
  "strcmp_shouldnt_match",
  // Not SIPp counters: a TLS / WS / WSS connection that could not be opened or was lost (the reason says which:
  // refused, certificate verification failed and why, closed by peer; TCP keeps SIPp's tcp_connect / tcp_closed);
  // the global -timeout with -timeout_error, a call aborted at shutdown, a scenario error at run time.
  "transport_error",
  "global_timeout",
  "aborted",
  "scenario_error",
  // Media (not SIPp counters): an audio check failed; the media could not be set up or driven (no free port, an
  // unreadable file, DTMF the peer cannot receive); the peer's SDP cannot be used (no common codec, no audio);
  // WebRTC connectivity that never completed.
  "audio_check_failed",
  "media_error",
  "sdp_incompatible",
  "ice_failed",
  "dtls_failed",
] as const;

export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** SIPp's stat CSV column stem for each SIPp failure class (undefined for classes SIPp does not have). */
export const SIPP_FAILURE_COLUMN: Partial<Record<FailureClass, string>> = {
  cannot_send_message: "FailedCannotSendMessage",
  max_udp_retrans: "FailedMaxUDPRetrans",
  tcp_connect: "FailedTcpConnect",
  tcp_closed: "FailedTcpClosed",
  unexpected_message: "FailedUnexpectedMessage",
  call_rejected: "FailedCallRejected",
  cmd_not_sent: "FailedCmdNotSent",
  regexp_doesnt_match: "FailedRegexpDoesntMatch",
  regexp_shouldnt_match: "FailedRegexpShouldntMatch",
  regexp_hdr_not_found: "FailedRegexpHdrNotFound",
  outbound_congestion: "FailedOutboundCongestion",
  timeout_on_recv: "FailedTimeoutOnRecv",
  timeout_on_send: "FailedTimeoutOnSend",
  test_doesnt_match: "FailedTestDoesntMatch",
  test_shouldnt_match: "FailedTestShouldntMatch",
  strcmp_doesnt_match: "FailedStrcmpDoesntMatch",
  strcmp_shouldnt_match: "FailedStrcmpShouldntMatch",
};
