import { createLogger } from "./logger.js";

const log = createLogger("emitter");

type Listener<T> = (payload: T) => void;

/**
 * A small typed event emitter. {@link emit} is "safe": a throwing listener is logged and the remaining listeners
 * still run, so an observer (status line, UI) can never break the engine.
 */
export class TypedEmitter<Events extends object> {
  #listeners = new Map<keyof Events, Listener<never>[]>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener);
    this.#listeners.set(event, list);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const listener of [...list] as Listener<Events[K]>[]) {
      try {
        listener(payload);
      } catch (err) {
        log.error(`listener for "${String(event)}" threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
