/**
 * A SIP ladder: one row per message in time order, an arrow from sender to receiver between the two lanes
 * ("us" on the left, the peer on the right); each arrow is a button that opens the whole message.
 */
import { useState } from "preact/hooks";
import type { SipMessage } from "../api.ts";
import { formatClock } from "../format.ts";

export function Ladder({ messages, local }: { readonly messages: readonly SipMessage[]; readonly local: string }) {
  const [open, setOpen] = useState<number | null>(null);
  const peer = messages.find((m) => m.peer !== undefined)?.peer ?? "peer";
  const first = messages[0] === undefined ? 0 : new Date(messages[0].time).getTime();
  const shown = messages.find((m) => m.index === open);
  return (
    <div class="ladder-wrap">
      <ol class="ladder" aria-label="SIP messages in time order">
        <li class="ladder-head" aria-hidden="true">
          <span class="when" />
          <span class="lane">{local}</span>
          <span class="lane right">{peer}</span>
        </li>
        {messages.map((message) => {
          const offset = new Date(message.time).getTime() - first;
          return (
            <li key={message.index} class={`ladder-row ${message.direction}`}>
              <span class="when" title={formatClock(message.time)}>
                +{Number.isFinite(offset) ? offset : "?"} ms
              </span>
              <button
                type="button"
                class={`arrow ${message.direction}`}
                aria-pressed={open === message.index}
                aria-label={`${message.direction === "sent" ? "sent" : "received"}: ${message.first_line}`}
                onClick={() => setOpen(open === message.index ? null : message.index)}
              >
                <span class="arrow-label">{message.first_line}</span>
              </button>
            </li>
          );
        })}
      </ol>
      {shown !== undefined && (
        <section class="message" aria-label={`Message ${shown.index}`}>
          <header>
            <strong>{shown.direction === "sent" ? "Sent to" : "Received from"}</strong> {shown.peer ?? "peer"}
            {shown.transport !== undefined && ` over ${shown.transport}`} at {formatClock(shown.time)}
            <button type="button" class="close" onClick={() => setOpen(null)}>
              Close
            </button>
          </header>
          <pre data-message-text>{shown.text}</pre>
        </section>
      )}
    </div>
  );
}
