/**
 * A RunEnvironment without sockets for engine unit tests: one in-memory connection records every buffer the engine
 * sends (with the FakeClock time), and `inject` carries a message from the peer through the real parser into the
 * run. `startFakeRun` builds a RunController around it from scenario XML.
 */
import { FakeClock } from "../../../src/shared/clock.js";
import { loadScenarioText } from "../../../src/scenario/load-scenario.js";
import type { RunValues } from "../../../src/scenario/runtime.js";
import { parseSipMessage } from "../../../src/sip/parse-sip-message.js";
import type { Peer, SipConnection, TransportHandlers, TransportName } from "../../../src/sip/transport.js";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import type { RunEnvironment } from "../../../src/engine/run/run-environment.js";
import { RunController, type RunOutcome } from "../../../src/engine/run/run-controller.js";
import type { RunMedia } from "../../../src/engine/media/run-media.js";
import { Statistics } from "../../../src/engine/outputs/statistics.js";
import { defaultTemplates } from "../../../src/engine/call/default-messages.js";
import { defaultRunConfig } from "../../../src/cli/parse-args.js";

const NO_TRACE = (): void => undefined;

export const LOCAL: Peer = { host: "127.0.0.1", port: 5060 };
export const REMOTE: Peer = { host: "127.0.0.1", port: 5070 };

export interface SentMessage {
  /** FakeClock time of the send, ms. */
  readonly at: number;
  readonly data: Buffer;
  readonly to: Peer;
  /** The first line, e.g. "INVITE sip:service@127.0.0.1:5070 SIP/2.0" or "SIP/2.0 200 OK". */
  readonly firstLine: string;
}

export class FakeConnection implements SipConnection {
  readonly id = 1;
  readonly local = LOCAL;
  readonly remote: Peer | undefined;
  closed = false;
  /** Tests set it to simulate TCP back-pressure. */
  pendingBytes = 0;
  readonly sent: SentMessage[] = [];

  constructor(
    readonly transport: TransportName,
    private readonly clock: FakeClock,
  ) {
    this.remote = transport === "TCP" ? REMOTE : undefined;
  }

  send(data: Buffer, to: Peer): boolean {
    if (this.closed) return false;
    const eol = data.indexOf("\r\n");
    this.sent.push({ at: this.clock.now(), data, to, firstLine: data.toString("latin1", 0, eol < 0 ? 80 : eol) });
    return true;
  }

  close(): void {
    this.closed = true;
  }
}

export class FakeRunEnvironment implements RunEnvironment {
  readonly remote = REMOTE;
  readonly values: RunValues;
  readonly mainConnection: FakeConnection;
  #handlers: TransportHandlers | undefined;

  constructor(
    readonly transport: TransportName,
    clock: FakeClock,
  ) {
    this.mainConnection = new FakeConnection(transport, clock);
    this.values = {
      service: "service",
      remoteHost: REMOTE.host,
      remoteIp: REMOTE.host,
      remotePort: REMOTE.port,
      localIp: LOCAL.host,
      localPort: LOCAL.port,
      transport,
      pid: 4242,
      users: 0,
      mediaIp: LOCAL.host,
      mediaPort: 6000,
      keys: new Map(),
      authUsername: undefined,
      authPassword: undefined,
      authUri: undefined,
      sippVersion: "sipwright test",
      startWallMs: clock.wallNow(),
      clockTick: () => Math.floor(clock.now()),
      nextDynamicId: () => 10000,
    };
  }

  get sent(): SentMessage[] {
    return this.mainConnection.sent;
  }

  attach(handlers: TransportHandlers): void {
    this.#handlers = handlers;
  }

  /** One shared connection by default; a test may give each call its own, opened when it says (-t tn). */
  connectionForNewCall: () => Promise<SipConnection> | SipConnection = () => this.mainConnection;

  /** One shared connection: nothing to release (a test giving calls their own connections closes them here). */
  releaseConnection: (connection: SipConnection) => void = () => undefined;

  // Traces are not under test here: every trace hook is a no-op.
  readonly traceSent = NO_TRACE;
  readonly traceReceived = NO_TRACE;
  readonly traceError = NO_TRACE;
  readonly traceLog = NO_TRACE;
  readonly traceRtd = NO_TRACE;

  async close(): Promise<void> {
    this.mainConnection.close();
    return Promise.resolve();
  }

  /** Delivers `text` (LF or CRLF line ends) from the peer, parsed by the real SIP parser. */
  inject(text: string, from: Peer = REMOTE): void {
    const raw = Buffer.from(text.replace(/\r?\n/g, "\r\n"), "latin1");
    const parsed = parseSipMessage(raw);
    if (!parsed.ok) throw new Error(`test message does not parse: ${parsed.error}`);
    if (this.#handlers === undefined) throw new Error("no run attached");
    this.#handlers.onMessage(parsed.message, from, this.mainConnection);
  }
}

export interface FakeRun {
  readonly clock: FakeClock;
  readonly env: FakeRunEnvironment;
  readonly controller: RunController;
  readonly stats: Statistics;
  /** Settles when the run ends; `outcome()` reads it without awaiting. */
  readonly done: Promise<RunOutcome>;
  outcome(): RunOutcome | undefined;
}

/** Builds and starts a run of `xml` on the fake transport; client scenarios open their first call at once. */
export function startFakeRun(
  xml: string,
  opts: {
    transport?: TransportName;
    config?: Partial<RunConfig>;
    pendingBytes?: number;
    /** The run's media (e.g. a WebRTC run with a fake bridge), made on the run's clock. */
    media?: (clock: FakeClock) => RunMedia;
    /** Called with the controller before it starts (e.g. to hear the first callStarted). */
    beforeStart?: (controller: RunController, env: FakeRunEnvironment) => void;
  } = {},
): FakeRun {
  const clock = new FakeClock();
  const scenario = loadScenarioText(xml, "test.xml");
  const env = new FakeRunEnvironment(opts.transport ?? "UDP", clock);
  env.mainConnection.pendingBytes = opts.pendingBytes ?? 0;
  const config: RunConfig = {
    ...defaultRunConfig({ isTTY: false, cwd: process.cwd(), primaryIp: LOCAL.host }),
    scenarioName: undefined,
    remoteHost: REMOTE.host,
    remotePort: REMOTE.port,
    localIp: LOCAL.host,
    transport: opts.transport === "TCP" ? "t1" : "u1",
    statusMode: "none",
    maxCalls: 1,
    ...opts.config,
  };
  const stats = Statistics.forScenario(scenario, clock);
  const controller = new RunController({
    config,
    scenario,
    oocScenario: undefined,
    environment: env,
    injection: undefined,
    defaults: defaultTemplates(scenario),
    stats,
    clock,
    random: () => 0.5,
    media: opts.media?.(clock),
  });
  let settled: RunOutcome | undefined;
  opts.beforeStart?.(controller, env);
  const done = controller.start().then((outcome) => (settled = outcome));
  return { clock, env, controller, stats, done, outcome: () => settled };
}

/** A response to the request `request` (a sent message), with the given status line and extra header lines. */
export function responseTo(request: SentMessage, statusLine: string, extra: readonly string[] = []): string {
  const lines = request.data.toString("latin1").split("\r\n");
  const copy = (name: string): string[] => lines.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  const to = copy("To").map((l) => (l.includes(";tag=") ? l : `${l};tag=peer1`));
  return [
    `SIP/2.0 ${statusLine}`,
    ...copy("Via"),
    ...copy("From"),
    ...to,
    ...copy("Call-ID"),
    ...copy("CSeq"),
    ...extra,
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}
