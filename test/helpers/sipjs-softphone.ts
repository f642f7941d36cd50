/**
 * A sip.js softphone in headless Debian Chromium (/usr/bin/chromium, never a downloaded browser), driven through
 * playwright-core: the page (sipjs-page.ts) is bundled by esbuild into a temp folder, added to a blank page, and
 * its `window.softphone` methods are forwarded here. It connects over `ws://` or `wss://` to 127.0.0.1; for WSS
 * the test certificate is accepted with `--ignore-certificate-errors` (a test-only switch: the certificate is made
 * by test-certs.ts for 127.0.0.1 and is valid apart from its test CA).
 *
 * Run it only inside a private network namespace (chromium-peer.ts explains the ICE behaviour there).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, processesUsing, type InboundAudio, type RemoteTone } from "./chromium-peer.js";
import { buildSoftphoneBundle, SOFTPHONE_HTML } from "./sipjs-page.js";

/** The page's `window.softphone` (see sipjs-page.ts). */
interface PageSoftphone {
  start(server: string, aor: string, frequencyHz: number, timeoutMs: number): Promise<void>;
  register(timeoutMs: number): Promise<void>;
  call(target: string, timeoutMs: number): Promise<void>;
  answer(timeoutMs: number): Promise<void>;
  measureRemoteTone(minRms: number, holdMs: number, timeoutMs: number): Promise<RemoteTone>;
  inboundAudio(): Promise<InboundAudio | undefined>;
  sent(packets: number, timeoutMs: number): Promise<number>;
  hangup(timeoutMs: number): Promise<void>;
  ended(timeoutMs: number): Promise<void>;
  trace(): Promise<string>;
  stop(): Promise<void>;
}

type SoftphoneMethod = keyof PageSoftphone;

/** The page connects to 127.0.0.1: the "no DNS from the browser" rule must not map that address away too. */
function withLoopbackResolved(arg: string): string {
  return arg.startsWith("--host-resolver-rules=") ? `${arg}, EXCLUDE 127.0.0.1` : arg;
}

export class SipJsSoftphone {
  readonly #context: BrowserContext;
  readonly #page: Page;
  readonly #dir: string;
  #closing: Promise<void> | undefined;

  private constructor(context: BrowserContext, page: Page, dir: string) {
    this.#context = context;
    this.#page = page;
    this.#dir = dir;
  }

  /** Bundles the page, launches Chromium with a fresh profile and loads the softphone (not yet connected). */
  static async launch(timeoutMs: number): Promise<SipJsSoftphone> {
    const dir = await mkdtemp(join(tmpdir(), "sipwright-sipjs-"));
    let context: BrowserContext | undefined;
    try {
      const bundle = await buildSoftphoneBundle(dir);
      context = await chromium.launchPersistentContext(join(dir, "profile"), {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [...CHROMIUM_ARGS.map(withLoopbackResolved), "--ignore-certificate-errors"],
        timeout: timeoutMs,
      });
      const page = context.pages()[0] ?? (await context.newPage());
      await page.setContent(SOFTPHONE_HTML, { timeout: timeoutMs });
      await page.addScriptTag({ path: bundle });
      return new SipJsSoftphone(context, page, dir);
    } catch (error) {
      await context?.close();
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Creates the UserAgent for `aor` and opens its WebSocket to `server`; the page's tone is `frequencyHz`. */
  start(server: string, aor: string, frequencyHz: number, timeoutMs: number): Promise<void> {
    return this.#call("start", server, aor, frequencyHz, timeoutMs);
  }

  /** REGISTER (sip.js Registerer); resolves once registered. */
  register(timeoutMs: number): Promise<void> {
    return this.#call("register", timeoutMs);
  }

  /** INVITE `target` with the browser's own WebRTC offer; resolves once the call is established. */
  call(target: string, timeoutMs: number): Promise<void> {
    return this.#call("call", target, timeoutMs);
  }

  /** Waits for an INVITE over the page's WebSocket and accepts it; resolves once the call is established. */
  answer(timeoutMs: number): Promise<void> {
    return this.#call("answer", timeoutMs);
  }

  /** The incoming tone, once the remote track has carried sound above minRms for holdMs. */
  measureRemoteTone(minRms: number, holdMs: number, timeoutMs: number): Promise<RemoteTone> {
    return this.#call("measureRemoteTone", minRms, holdMs, timeoutMs);
  }

  inboundAudio(): Promise<InboundAudio | undefined> {
    return this.#call("inboundAudio");
  }

  /** Resolves (with the count) once the page has sent `packets` RTP packets of its tone. */
  sent(packets: number, timeoutMs: number): Promise<number> {
    return this.#call("sent", packets, timeoutMs);
  }

  /** BYE from the browser; resolves once the session has ended. */
  hangup(timeoutMs: number): Promise<void> {
    return this.#call("hangup", timeoutMs);
  }

  /** Resolves once the far end has ended the call. */
  ended(timeoutMs: number): Promise<void> {
    return this.#call("ended", timeoutMs);
  }

  /** The page's SIP trace (sip.js transport log) for failure messages. */
  trace(): Promise<string> {
    return this.#call("trace");
  }

  /** Stops the UserAgent, closes the browser, checks its processes are gone, removes the temp folder. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    try {
      try {
        await this.#call("stop");
      } finally {
        await this.#context.close();
      }
      const left = await processesUsing(this.#dir);
      if (left.length > 0) throw new Error(`Chromium processes still running after close: ${left.join(", ")}`);
    } finally {
      await rm(this.#dir, { recursive: true, force: true });
    }
  }

  #call<M extends SoftphoneMethod>(method: M, ...args: Parameters<PageSoftphone[M]>): ReturnType<PageSoftphone[M]> {
    // The function is serialised into the page: it may use only its arguments.
    const invoke = ([name, params]: readonly [string, readonly unknown[]]): Promise<unknown> => {
      const phone = (
        globalThis as unknown as { softphone: Record<string, (...a: readonly unknown[]) => Promise<unknown>> }
      ).softphone;
      const fn = phone[name];
      if (fn === undefined) throw new Error(`window.softphone.${name} is not defined`);
      return Promise.resolve(fn.call(phone, ...params));
    };
    return this.#page.evaluate(invoke, [method, args] as const) as ReturnType<PageSoftphone[M]>;
  }
}
