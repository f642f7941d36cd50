/** The monitor's WebRTC strip: ICE servers, connection states, relay vs host pairs, TURN refreshes, failures. */
import type { WebrtcCounters } from "../api.ts";

export function WebrtcStrip({ webrtc }: { readonly webrtc: WebrtcCounters }) {
  const states = [...new Set(["new", "checking", "connected", "failed", ...Object.keys(webrtc.states)])];
  return (
    <section class="panel webrtc-strip" aria-labelledby="webrtc-title">
      <h2 id="webrtc-title">WebRTC</h2>
      <div class="strip">
        <div>
          <h3>ICE servers</h3>
          {webrtc.ice_servers.length === 0 ? (
            <p class="muted">none (host candidates only)</p>
          ) : (
            <ul class="plain">
              {webrtc.ice_servers.map((url) => (
                <li key={url}>
                  <code>{url}</code>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Connection states</h3>
          <dl class="pairs">
            {states.map((state) => (
              <div key={state}>
                <dt>{state}</dt>
                <dd>{webrtc.states[state] ?? 0}</dd>
              </div>
            ))}
          </dl>
        </div>
        <div>
          <h3>Selected pairs</h3>
          <dl class="pairs">
            {["host", "srflx", "prflx", "relay"].map((kind) => (
              <div key={kind}>
                <dt>{kind}</dt>
                <dd>{webrtc.pairs[kind] ?? 0}</dd>
              </div>
            ))}
            <div>
              <dt>TURN refreshes</dt>
              <dd>{webrtc.turn_refreshes}</dd>
            </div>
          </dl>
        </div>
        <div class="grow">
          <h3>Recent failures</h3>
          {webrtc.recent_failures.length === 0 ? (
            <p class="muted">none</p>
          ) : (
            <ul class="plain">
              {webrtc.recent_failures.map((failure) => (
                <li key={failure.call_number}>
                  call {failure.call_number}: <strong>{failure.failure_class}</strong> — {failure.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
