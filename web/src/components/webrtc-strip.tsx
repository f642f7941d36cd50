/**
 * The monitor's WebRTC strip: ICE servers, connection states (of the calls in progress, and those the finished
 * calls ended in), relay vs host pairs, TURN refreshes, recent failures. `data-webrtc-*` attributes name each count.
 */
import type { WebrtcCounters } from "../api.ts";

export function WebrtcStrip({ webrtc }: { readonly webrtc: WebrtcCounters }) {
  const names = (seen: Readonly<Record<string, number>>) => [
    ...new Set(["new", "checking", "connected", "failed", ...Object.keys(seen)]),
  ];
  const ended = webrtc.ended_states;
  return (
    <section class="panel webrtc-strip" aria-labelledby="webrtc-title">
      <h2 id="webrtc-title">WebRTC</h2>
      <div class="strip">
        <div>
          <h3>ICE servers</h3>
          {webrtc.ice_servers.length === 0 ? (
            <p class="muted">none (host candidates only)</p>
          ) : (
            <ul class="plain" data-webrtc-ice-servers>
              {webrtc.ice_servers.map((url) => (
                <li key={url}>
                  <code>{url}</code>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Connection states, calls in progress</h3>
          <dl class="pairs">
            {names(webrtc.states).map((state) => (
              <div key={state} data-webrtc-state={state}>
                <dt>{state}</dt>
                <dd>{webrtc.states[state] ?? 0}</dd>
              </div>
            ))}
          </dl>
        </div>
        <div>
          <h3>Finished calls ended</h3>
          <dl class="pairs">
            {names(ended).map((state) => (
              <div key={state} data-webrtc-ended={state}>
                <dt>{state}</dt>
                <dd>{ended[state] ?? 0}</dd>
              </div>
            ))}
          </dl>
        </div>
        <div>
          <h3>Selected pairs</h3>
          <dl class="pairs">
            {["host", "srflx", "prflx", "relay"].map((kind) => (
              <div key={kind} data-webrtc-pair={kind}>
                <dt>{kind}</dt>
                <dd>{webrtc.pairs[kind] ?? 0}</dd>
              </div>
            ))}
            <div data-webrtc-turn-refreshes>
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
            <ul class="plain" data-webrtc-failures>
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
