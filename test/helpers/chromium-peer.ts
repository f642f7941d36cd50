/**
 * A headless Debian Chromium (/usr/bin/chromium, never a downloaded browser) as a real WebRTC peer, driven through
 * playwright-core: launched with a fresh profile and the flags of libraries.md §4, it loads CHROMIUM_PAGE and its
 * methods forward to the page's `window.peer`. The test carries SDP between it and sipwright.
 *
 * Inside a private network namespace (`unshare -n`, only `lo`), Chromium gathers no candidate at all and connects
 * through peer-reflexive candidates against ours on 127.0.0.1; without --allow-loopback-in-peer-connection its ICE
 * gathering never completes there.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_PAGE } from "./chromium-page.js";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
  "--allow-loopback-in-peer-connection",
  // Otherwise host candidates are <uuid>.local mDNS names.
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  // No DNS from the browser.
  "--host-resolver-rules=MAP * ~NOTFOUND",
];

/** Why the Chromium tests cannot run here, or undefined when they can. */
export function chromiumUnavailable(): string | undefined {
  if (!existsSync(CHROMIUM_PATH)) return `${CHROMIUM_PATH} is missing (Debian package chromium; .ci/run installs it)`;
  return undefined;
}

/** What the page's AnalyserNode measured on the incoming track. */
export interface RemoteTone {
  /** Strongest FFT bin, interpolated. */
  readonly peakHz: number;
  readonly zeroCrossingHz: number;
  /** Linear RMS of the analyser's window (full scale = 1). */
  readonly rms: number;
  readonly binHz: number;
}

/** Chromium's inbound-rtp report for the audio track. */
export interface InboundAudio {
  readonly packetsReceived: number;
  readonly packetsLost: number;
  /** e.g. `audio/PCMA`. */
  readonly codec: string;
}

/** The page's `window.peer` (see chromium-page.ts). */
interface PagePeer {
  createOffer(frequencyHz: number, timeoutMs: number): Promise<string>;
  acceptAnswer(sdp: string): Promise<void>;
  createAnswer(offer: string, frequencyHz: number, timeoutMs: number): Promise<string>;
  connected(timeoutMs: number): Promise<void>;
  insertDtmf(digits: string, durationMs: number, gapMs: number, timeoutMs: number): Promise<string>;
  measureRemoteTone(minRms: number, holdMs: number, timeoutMs: number): Promise<RemoteTone>;
  inboundAudio(): Promise<InboundAudio | undefined>;
  close(): Promise<void>;
}

type PeerMethod = keyof PagePeer;

export class ChromiumPeer {
  readonly #context: BrowserContext;
  readonly #page: Page;
  readonly #profile: string;
  #closing: Promise<void> | undefined;

  private constructor(context: BrowserContext, page: Page, profile: string) {
    this.#context = context;
    this.#page = page;
    this.#profile = profile;
  }

  /** Launches Chromium with a fresh profile directory and loads the peer page. */
  static async launch(timeoutMs: number): Promise<ChromiumPeer> {
    const profile = await mkdtemp(join(tmpdir(), "sipwright-chromium-"));
    let context: BrowserContext | undefined;
    try {
      // launch() rejects --user-data-dir in args: a persistent context is how a fresh profile is given.
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: timeoutMs,
      });
      const page = context.pages()[0] ?? (await context.newPage());
      await page.setContent(CHROMIUM_PAGE, { timeout: timeoutMs });
      return new ChromiumPeer(context, page, profile);
    } catch (error) {
      await context?.close();
      await rm(profile, { recursive: true, force: true });
      throw error;
    }
  }

  /** Chromium's offer with every candidate it gathers (none inside a lo-only namespace): a tone of frequencyHz. */
  createOffer(frequencyHz: number, timeoutMs: number): Promise<string> {
    return this.#call("createOffer", frequencyHz, timeoutMs);
  }

  acceptAnswer(sdp: string): Promise<void> {
    return this.#call("acceptAnswer", sdp);
  }

  createAnswer(offer: string, frequencyHz: number, timeoutMs: number): Promise<string> {
    return this.#call("createAnswer", offer, frequencyHz, timeoutMs);
  }

  /** Resolves when the RTCPeerConnection is connected (ICE and DTLS); rejects on failure or timeout. */
  connected(timeoutMs: number): Promise<void> {
    return this.#call("connected", timeoutMs);
  }

  /** RTCRtpSender.dtmf.insertDTMF; resolves with the digits played out once the last one ended. */
  insertDtmf(digits: string, durationMs: number, gapMs: number, timeoutMs: number): Promise<string> {
    return this.#call("insertDtmf", digits, durationMs, gapMs, timeoutMs);
  }

  /** The incoming tone, once the remote track has carried sound above minRms for holdMs. */
  measureRemoteTone(minRms: number, holdMs: number, timeoutMs: number): Promise<RemoteTone> {
    return this.#call("measureRemoteTone", minRms, holdMs, timeoutMs);
  }

  inboundAudio(): Promise<InboundAudio | undefined> {
    return this.#call("inboundAudio");
  }

  /** Closes the page's peer connection and the browser, checks its processes are gone, removes the profile. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    try {
      await this.#context.close();
      const left = await processesUsing(this.#profile);
      if (left.length > 0) throw new Error(`Chromium processes still running after close: ${left.join(", ")}`);
    } finally {
      await rm(this.#profile, { recursive: true, force: true });
    }
  }

  #call<M extends PeerMethod>(method: M, ...args: Parameters<PagePeer[M]>): ReturnType<PagePeer[M]> {
    // The function is serialised into the page: it may use only its arguments.
    const invoke = ([name, params]: readonly [string, readonly unknown[]]): Promise<unknown> => {
      const peer = (globalThis as unknown as { peer: Record<string, (...a: readonly unknown[]) => Promise<unknown>> })
        .peer;
      const fn = peer[name];
      if (fn === undefined) throw new Error(`window.peer.${name} is not defined`);
      return fn.call(peer, ...params);
    };
    return this.#page.evaluate(invoke, [method, args] as const) as ReturnType<PagePeer[M]>;
  }
}

/** Pids whose command line names `profile` (Chromium's browser, renderer and helper processes all carry it). */
export async function processesUsing(profile: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      // The process exited between readdir and readFile: it does not use the profile any more.
      continue;
    }
    if (cmdline.includes(profile)) pids.push(Number(entry));
  }
  return pids;
}
