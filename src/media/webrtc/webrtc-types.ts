/**
 * What the engine sees of a WebRTC bridge beyond MediaPipeline: how it is configured (ICE servers, policy, trickle
 * mode, timeouts), the local candidates it trickles, how it fails (ice_failed / dtls_failed with the states reached),
 * and the `webrtc` block of the call record. Types only: no werift here, so the engine can use them freely.
 */
import type { Clock } from "../../shared/clock.js";
import type { G711Codec } from "../media-pipeline.js";
import type { MediaClock } from "../rtp/media-clock.js";

/** RFC 8838 trickle modes: `auto` (default) waits for gathering (bounded) like a browser softphone and trickles
 * over INFO only to a peer that announced support; `trickle` sends the description at once, `half` waits for
 * gathering only for the offer, `full` waits for complete gathering (bounded) before every description. */
export const TRICKLE_MODES = ["auto", "trickle", "half", "full"] as const;
export type TrickleMode = (typeof TRICKLE_MODES)[number];

/** One ICE server as configured (`--ice-server URL`, repeatable). STUN URLs never carry credentials. */
export interface IceServer {
  /** `stun:host[:port]`, `turn:host[:port][?transport=udp|tcp]`, `turns:...` (credentials already split out). */
  readonly url: string;
  readonly username?: string;
  readonly credential?: string;
}

/** How TURN credentials were obtained (the call record's `turn.auth`). */
export type TurnAuthMode = "none" | "inline" | "static" | "rest";

/** Supplies TURN credentials; REST credentials expire and are re-issued before they do. */
export interface TurnCredentialSource {
  readonly mode: TurnAuthMode;
  /** The credentials for a TURN URL now. Times are wall-clock epoch ms (Clock.wallNow()). A REST source re-issues
   * here once `refreshAtMs` has passed (see turn-credentials.ts for the rule). */
  current(): {
    readonly username: string;
    readonly credential: string;
    readonly expiresAtMs: number | undefined;
    /** From this moment on, current() returns new credentials: re-read them then. Absent when they never expire. */
    readonly refreshAtMs?: number;
  };
  /** How many times the credentials were re-issued before expiry (the call record's `turn.refreshes`); absent or 0
   * for credentials that never expire. */
  readonly refreshes?: number;
}

export interface WebRtcBridgeOptions {
  /** The run's one shared 20 ms scheduler (the same as plain RTP's). */
  readonly clock: MediaClock;
  readonly wallClock: Clock;
  /** G.711 codecs in our order of preference. */
  readonly codecs: readonly G711Codec[];
  /** RFC 4733 telephone-event payload type we offer (default 101). */
  readonly telephoneEventPt?: number;
  /** Explicit ICE servers; never empty in effect: with none, no STUN query may leave the host (werift's hidden
   * default server must be disabled). */
  readonly iceServers: readonly IceServer[];
  readonly turnCredentials?: TurnCredentialSource;
  readonly icePolicy: "all" | "relay";
  /** Addresses host candidates may have (e.g. ["127.0.0.1"]); candidates elsewhere are dropped. */
  readonly candidateAddresses: readonly string[];
  readonly trickle: TrickleMode;
  /** Bound on gathering in `auto`/`full`/`half` mode. */
  readonly gatherTimeoutMs: number;
  /** From the remote description until ICE is connected; then until DTLS is connected. */
  readonly iceTimeoutMs: number;
  readonly dtlsTimeoutMs: number;
  /** Keep per-frame summaries for audio checks. */
  readonly analyze: boolean;
}

/** A local candidate to trickle (RFC 8840 sdpfrag body lines). */
export interface LocalCandidate {
  /** The `a=candidate:` attribute value, without `a=` (e.g. `candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host`). */
  readonly candidate: string;
  readonly mid: string;
}

/** The ICE credentials and mid an sdpfrag must carry (RFC 8840 4.4). */
export interface IceFragmentInfo {
  readonly ufrag: string;
  readonly pwd: string;
  readonly mid: string;
}

export type BridgeFailure =
  | { readonly failure: "ice_failed"; readonly reason: string }
  | { readonly failure: "dtls_failed"; readonly reason: string };

export interface WebRtcBridgeEvents {
  /** A local candidate gathered after the description was handed out (trickle). */
  localCandidate: LocalCandidate;
  /** Local gathering is complete (send `a=end-of-candidates`). */
  gatheringComplete: undefined;
  /** ICE and DTLS are connected: media flows. */
  connected: undefined;
  /** ICE or DTLS did not complete within its timeout (or failed): the call fails with this. */
  failed: BridgeFailure;
}

/** The call record's `webrtc` block (snake_case as written). */
export interface WebRtcStats {
  readonly role: "offerer" | "answerer" | null;
  readonly trickle_mode: TrickleMode;
  readonly ice: {
    readonly gathering: string;
    readonly connection: string;
    readonly policy: "all" | "relay";
    readonly local_candidates: number;
    readonly remote_candidates: number;
    readonly selected_pair: {
      readonly local: {
        readonly type: string;
        readonly protocol: string;
        readonly address: string;
        readonly port: number;
      };
      readonly remote: {
        readonly type: string;
        readonly protocol: string;
        readonly address: string;
        readonly port: number;
      };
    } | null;
  };
  readonly dtls: { readonly state: string; readonly role: "client" | "server" | null };
  readonly trickle: {
    readonly infos_sent: number;
    readonly infos_received: number;
    readonly candidates_sent: number;
    readonly candidates_received: number;
    /** Our INFOs answered with a final error or never answered (Timer F); trickling stopped at the first. */
    readonly infos_refused: number;
    /** The latest refusal: `405 Method Not Allowed`, `timeout` (Timer F); null when none. */
    readonly last_refusal: string | null;
  };
  readonly turn: {
    readonly auth: TurnAuthMode;
    readonly credential_expires_at: string | null;
    readonly refreshes: number;
  };
  /** ms from the pipeline's creation. */
  readonly timings_ms: {
    readonly offer_or_answer_ready: number | null;
    readonly ice_connected: number | null;
    readonly dtls_connected: number | null;
    readonly first_rtp: number | null;
  };
}
