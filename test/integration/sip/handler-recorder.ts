/** Test helper: TransportHandlers that record every callback and let a test await the next one, with a timeout. */
import type { SipMessage } from "../../../src/sip/message.js";
import type { Peer, SipConnection, TransportHandlers } from "../../../src/sip/transport.js";

export type Recorded =
  | { kind: "message"; message: SipMessage; from: Peer; connection: SipConnection }
  | { kind: "parseError"; error: string; raw: Buffer; from: Peer; connection: SipConnection }
  | { kind: "closed"; connection: SipConnection; error: Error | undefined };

export class HandlerRecorder implements TransportHandlers {
  readonly events: Recorded[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];

  onMessage(message: SipMessage, from: Peer, connection: SipConnection): void {
    this.#record({ kind: "message", message, from, connection });
  }

  onParseError(error: string, raw: Buffer, from: Peer, connection: SipConnection): void {
    this.#record({ kind: "parseError", error, raw, from, connection });
  }

  onConnectionClosed(connection: SipConnection, error: Error | undefined): void {
    this.#record({ kind: "closed", connection, error });
  }

  /** Resolves once `count` events in total have been recorded; rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 2000): Promise<Recorded[]> {
    if (this.events.length < count) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#waiters.push({ count, resolve })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`timed out waiting for ${count} events, have ${this.events.length}`));
          }, timeoutMs);
        }),
      ]).finally(() => {
        clearTimeout(timer);
      });
    }
    return this.events.slice(0, count);
  }

  #record(event: Recorded): void {
    this.events.push(event);
    this.#waiters = this.#waiters.filter((w) => {
      if (this.events.length < w.count) return true;
      w.resolve();
      return false;
    });
  }
}
