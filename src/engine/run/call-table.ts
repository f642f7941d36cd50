/**
 * Call-ID -> live Call, plus recently ended ("dead") Call-IDs kept for -deadcall_wait so their late messages are
 * counted as DeadCallMsgs instead of creating new calls (SIPp behaviour).
 */
import type { Call } from "../call/call.js";

export class CallTable {
  readonly #live = new Map<string, Call>();
  /** Insertion order = expiry order (the wait is constant), so expired entries are always at the front. */
  readonly #dead = new Map<string, number>();
  /** When the oldest dead Call-ID expires (Infinity when there is none): no sweep is needed before then. */
  #nextExpiry = Infinity;

  get size(): number {
    return this.#live.size;
  }

  add(call: Call): void {
    this.#live.set(call.callId, call);
  }

  /** The live call for a Call-ID; SIPp behaviour: `prefix///callid` also maps to `callid`. */
  get(callId: string): Call | undefined {
    const call = this.#live.get(callId);
    if (call !== undefined) return call;
    const slash = callId.indexOf("///");
    return slash >= 0 ? this.#live.get(callId.slice(slash + 3)) : undefined;
  }

  /** Removes a call and remembers its Call-ID as dead until `deadUntil` (monotonic ms). */
  remove(call: Call, deadUntil: number, now: number): void {
    if (this.#live.get(call.callId) === call) this.#live.delete(call.callId);
    this.#sweep(now);
    if (deadUntil > now) {
      this.#dead.set(call.callId, deadUntil);
      if (this.#dead.size === 1) this.#nextExpiry = deadUntil;
    }
  }

  isDead(callId: string, now: number): boolean {
    this.#sweep(now);
    return this.#dead.has(callId);
  }

  values(): IterableIterator<Call> {
    return this.#live.values();
  }

  #sweep(now: number): void {
    if (this.#nextExpiry > now) return;
    this.#nextExpiry = Infinity;
    for (const [id, until] of this.#dead) {
      if (until > now) {
        this.#nextExpiry = until;
        break;
      }
      this.#dead.delete(id);
    }
  }
}
