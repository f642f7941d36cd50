/**
 * The bounded backstop that ends a run's process once its outputs are final (docs/cli.md "Signals and exit").
 *
 * Every socket, peer connection and timer of ours is closed by then, but werift keeps some timers it cannot be
 * told to drop: a DTLS flight waiting for the peer's next flight retransmits 10 times (0.5 s, 1 s, ... 5.5 s,
 * 33 s in all, through `timers/promises`, referenced, with no abort) even after its RTCPeerConnection is closed.
 * A peer that vanished mid-handshake (killed, or a run stopped by SIGTERM while its calls were connecting) left the
 * process alive that long after summary.json was written. The backstop's timer is unref'd: a process whose event
 * loop drains exits by itself at once, as before; only one held alive past the bound is ended, with the run's code.
 */
import { createLogger } from "../shared/logger.js";

const log = createLogger("cli");

/** How long a process may linger once its outputs are final before it is ended. */
export const EXIT_BACKSTOP_MS = 1000;

/** Arms the backstop: call it only when everything the run writes has been written and closed. */
export function exitOnceOutputsAreFinal(exitCode: number, delayMs = EXIT_BACKSTOP_MS): void {
  const timer = setTimeout(() => {
    const pending = process.getActiveResourcesInfo().join(", ");
    log.debug(`outputs final ${delayMs} ms ago, still pending: ${pending || "nothing"}; exiting`);
    process.exit(exitCode);
  }, delayMs);
  timer.unref();
}
