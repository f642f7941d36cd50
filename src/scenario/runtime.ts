/**
 * The run-time view that keyword rendering and actions need of a call. scenario/ defines it; engine/'s Call
 * implements it. Nothing in scenario/ imports engine/.
 */
import type { SipMessage } from "../sip/message.js";
import type { TransportName } from "../sip/transport.js";
import type { FailureClass } from "../shared/failure.js";
import type {
  AudioCheckResult,
  AudioCheckSpec,
  RecordingSpec,
  SourceControl,
  SourceSpec,
} from "../media/media-pipeline.js";

/** SIPp variable types: string, double, bool, and the result of a regexp match (counts as "set"). */
export type VariableValue =
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "double"; readonly value: number }
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "regexp"; readonly value: string };

/** Variables visible to one call: call scope, plus the scenario's Global and User names resolved to their scope. */
export interface VariableStore {
  get(name: string): VariableValue | undefined;
  set(name: string, value: VariableValue): void;
}

/** Values fixed for a whole run. */
export interface RunValues {
  readonly service: string;
  /** Host as typed on the command line / -rsa. */
  readonly remoteHost: string;
  /** Resolved IP (IPv6 without brackets; the renderer adds them). */
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly localIp: string;
  readonly localPort: number;
  readonly transport: TransportName;
  readonly pid: number;
  readonly users: number;
  readonly mediaIp: string;
  readonly mediaPort: number;
  /** -key name value (custom keywords). */
  readonly keys: ReadonlyMap<string, string>;
  /** -au / -ap / -auth_uri defaults for [authentication]. */
  readonly authUsername: string | undefined;
  readonly authPassword: string | undefined;
  readonly authUri: string | undefined;
  readonly sippVersion: string;
  /** Wall clock epoch ms at run start, and a monotonic tick source for [clock_tick] (ms since start). */
  readonly startWallMs: number;
  clockTick(): number;
  /** Next [dynamic_id] (-dynamicStart/-dynamicMax/-dynamicStep). */
  nextDynamicId(): number;
}

/** What an `rrs="true"` recv stored: the Record-Route values in received order and the Contact URI. */
export interface RouteSetInfo {
  readonly recordRoute: readonly string[];
  readonly contact: string | undefined;
  /** True when the rrs message was a request (we are the UAS: keep order); false for a response (UAC: reverse). */
  readonly fromRequest: boolean;
}

/** Injection file access for one call (-inf): the call's current line, plus other lines by number. */
export interface InjectionAccess {
  /** Field `index` (0-based) of `file` (default: first -inf file); of line `line` when given. */
  field(index: number, file: string | undefined, line: number | undefined): string | undefined;
  /** Line number of `key` in an -infindex-indexed file, -1 when absent. */
  lookup(file: string, key: string): number;
  insert(file: string, value: string): void;
  replace(file: string, line: number, value: string): void;
  /** True if `file` names a loaded injection file. */
  has(file: string): boolean;
}

export interface CallState {
  readonly run: RunValues;
  readonly callNumber: number;
  readonly callId: string;
  /** -users mode: the user id of this call. */
  readonly userId: number | undefined;
  /** Index of the step being executed ([msg_index], and the last part of [branch]). */
  readonly msgIndex: number;
  /** Value of [cseq] for the message being rendered. */
  readonly cseq: number;
  /** Last received message that was not a retransmission. */
  readonly lastMessage: SipMessage | undefined;
  /** To tag of the latest response received ([peer_tag_param]). */
  readonly peerTag: string | undefined;
  readonly routeSet: RouteSetInfo | undefined;
  /** Stored by `auth="true"`: the challenge header and its value. */
  readonly authChallenge:
    { readonly header: "WWW-Authenticate" | "Proxy-Authenticate"; readonly value: string } | undefined;
  readonly variables: VariableStore;
  readonly injection: InjectionAccess;
  /** The port of the call's own RTP session, in a run with media once it is open ([media_port] renders it). */
  readonly mediaPort?: number | undefined;
  /**
   * In a WebRTC run: the SDP the call's bridge produced for `[webrtc_offer]`, `[webrtc_answer]` or
   * `[webrtc_trickle]` (prepared before the step renders); undefined outside WebRTC runs.
   */
  readonly webrtcSdp?:
    ((keyword: "webrtc_offer" | "webrtc_answer" | "webrtc_trickle") => string | undefined) | undefined;
}

/** How an action ended: go on, or fail the call with a SIPp failure class. */
export type SettledActionResult =
  { readonly ok: true } | { readonly ok: false; readonly failure: FailureClass; readonly reason: string };

/**
 * What an action gives back: how it ended, or (`later`: an audio check answered by a media worker) a promise of it;
 * the call waits for it before the step's next action.
 */
export type ActionResult =
  SettledActionResult | { readonly ok: "later"; readonly settled: Promise<SettledActionResult> };

export const ACTION_OK: SettledActionResult = { ok: true };

/**
 * The call's media as media actions see it. The engine creates the call's pipeline before a step whose actions drive
 * media runs, so these calls are synchronous. Each throws a SipwrightError (unreadable file, no peer address, a
 * feature the pipeline lacks...) that the action turns into a `media_error` failure of the call.
 */
export interface CallMediaControl {
  /** Replaces what the call sends (SIPp rtp_stream / play_pcap_audio, our tone/silence/echo). */
  startSource(spec: SourceSpec): void;
  controlSource(control: SourceControl): void;
  /**
   * RFC 4733 digits, in the background (SIPp behaviour: play_dtmf does not block; add a pause). With the peer's
   * telephone-event payload type; when its SDP gives none, `fallbackPayloadType` (SIPp's play_dtmf uses 96) or, when
   * that is undefined, the call fails. A failure while sending fails the call later with `media_error`.
   */
  sendDtmf(digits: string, durationMs: number, fallbackPayloadType: number | undefined): void;
  /** Starts the call's one recording; the engine names the files (call number, Call-ID) in the run's folder. */
  startRecording(layout: RecordingSpec["layout"]): void;
  /**
   * Checks the audio of the call so far; the result is kept for the call record. A promise when the call's media
   * runs in a worker thread (`--media-workers`).
   */
  checkAudio(spec: AudioCheckSpec): AudioCheckResult | Promise<AudioCheckResult>;
}

/** Side effects an action may ask of the engine. */
export interface ActionHost {
  readonly state: CallState;
  /** `jump`: continue at this step index after the current step. */
  jumpTo(index: number): void;
  /** `pauserestore`: resume a pause that an _unexp.main handler interrupted, until this monotonic time (ms). */
  restorePause(untilMs: number): void;
  /** Monotonic time when the interrupted pause would have ended (for _unexp.pausedaddr), or 0. */
  readonly pausedUntil: number;
  /**
   * The message the running step's actions apply to (SIPp behaviour: `ereg` searches the message just received
   * by a recv, or the message just sent by a send); undefined for nop/pause, where the last received one counts.
   */
  readonly actionMessage: SipMessage | undefined;
  log(message: string): void;
  warning(message: string): void;
  /** `error` action: a fatal error, the run stops (SIPp exits). */
  fatal(message: string): void;
  /** exec int_cmd: stop_call ends this call (as a success in SIPp); stop_gracefully / stop_now stop the run. */
  internalCommand(command: "stop_call" | "stop_gracefully" | "stop_now"): void;
  /** exec command: run a shell command (fire and forget, as SIPp forks). */
  execCommand(command: string): void;
  setDestination(host: string, port: number, protocol: string): void;
  closeConnection(): void;
  /** Monotonic ms (for gettimeofday the action uses wall time from run.startWallMs + tick). */
  now(): number;
  /**
   * The call's media pipeline, for actions marked `media` (the engine has created it before they run). Throws a
   * SipwrightError when the call has no media (the action fails the call with `media_error`).
   */
  media(): CallMediaControl;
}
