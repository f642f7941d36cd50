/** The call record's `webrtc` block (WebRtcStats, snake_case as written) from what a bridge tracked. */
import type { SelectedPair } from "./negotiated-leg.js";
import type { TrickleMode, TurnAuthMode, WebRtcStats } from "./webrtc-types.js";

export interface BridgeObservations {
  readonly role: "offerer" | "answerer" | null;
  readonly trickle: TrickleMode;
  readonly gathering: string;
  readonly ice: string;
  readonly policy: "all" | "relay";
  readonly localCandidates: number;
  readonly remoteCandidates: number;
  readonly pair: SelectedPair | undefined;
  readonly dtlsState: string;
  /** werift's DTLS role: "auto" until negotiated. */
  readonly dtlsRole: string;
  readonly candidatesSent: number;
  readonly candidatesReceived: number;
  readonly turnAuth: TurnAuthMode;
  readonly credentialExpiresAtMs: number | undefined;
  readonly refreshes: number;
  readonly timings: WebRtcStats["timings_ms"];
}

export function webrtcStatsOf(o: BridgeObservations): WebRtcStats {
  return {
    role: o.role,
    trickle_mode: o.trickle,
    ice: {
      gathering: o.gathering,
      connection: o.ice,
      policy: o.policy,
      local_candidates: o.localCandidates,
      remote_candidates: o.remoteCandidates,
      selected_pair: o.pair === undefined ? null : { local: { ...o.pair.local }, remote: { ...o.pair.remote } },
    },
    dtls: { state: o.dtlsState, role: o.dtlsRole === "client" || o.dtlsRole === "server" ? o.dtlsRole : null },
    trickle: {
      infos_sent: 0,
      infos_received: 0,
      candidates_sent: o.candidatesSent,
      candidates_received: o.candidatesReceived,
      infos_refused: 0,
      last_refusal: null,
    },
    turn: {
      auth: o.turnAuth,
      credential_expires_at:
        o.credentialExpiresAtMs === undefined ? null : new Date(o.credentialExpiresAtMs).toISOString(),
      refreshes: o.refreshes,
    },
    timings_ms: o.timings,
  };
}
