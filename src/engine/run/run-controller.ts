/**
 * One run: loads the scenario, binds the transport, opens calls at the configured rate (client scenarios) or for
 * every new Call-ID (server scenarios), dispatches incoming messages to calls, and ends with SIPp's exit codes:
 * 0 all calls succeeded, 1 some failed, 97 stopped by the global timeout or an internal command, 99 no call
 * processed, 255 fatal error, 254 bind failure.
 */
import { exec } from "node:child_process";
import { TypedEmitter } from "../../shared/typed-emitter.js";
import { systemClock, type Clock, type TimerHandle } from "../../shared/clock.js";
import { createLogger } from "../../shared/logger.js";
import { SipwrightError } from "../../shared/errors.js";
import type { Scenario } from "../../scenario/model.js";
import type { VariableValue } from "../../scenario/runtime.js";
import type { InjectionFiles } from "../../scenario/injection-files.js";
import type { SipMessage } from "../../sip/message.js";
import { isStreamTransport, type Peer, type SipConnection } from "../../sip/transport.js";
import { describeConnectionError } from "../../sip/tls-options.js";
import { Call } from "../call/call.js";
import { CallTable } from "./call-table.js";
import { formatCallId } from "./call-id.js";
import type { DefaultTemplates, RunContext } from "./run-context.js";
import type { RunConfig } from "./run-config.js";
import { OutgoingCalls, type OutgoingCallsHost } from "./outgoing-calls.js";
import { Statistics } from "../outputs/statistics.js";
import { ParseErrorLog } from "../outputs/parse-error-log.js";
import { deliverMessage, startCall } from "../call/step-executor.js";
import { sippExitCode } from "./exit-code.js";
import { closedFailureClass, connectFailureClass } from "./transport-failure.js";
import type { RunEnvironment } from "./run-environment.js";
import type { RunMedia } from "../media/run-media.js";
import type { ClosedMedia } from "../media/call-media.js";
import { nextRunState, type RunOutcome, type RunState, type StopMode, type StopReason } from "./run-state.js";

export type { RunOutcome, RunState, StopMode, StopReason } from "./run-state.js";

const log = createLogger("run");

export interface RunEvents {
  callStarted: Call;
  callEnded: Call;
  stopping: { mode: StopMode; reason: StopReason };
}

export interface RunControllerOptions {
  readonly config: RunConfig;
  readonly scenario: Scenario;
  readonly oocScenario: Scenario | undefined;
  readonly environment: RunEnvironment;
  readonly injection: InjectionFiles | undefined;
  readonly defaults: DefaultTemplates;
  readonly stats: Statistics;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** The run's media, when its calls have media (see run-media.ts). */
  readonly media?: RunMedia | undefined;
}

export class RunController extends TypedEmitter<RunEvents> implements RunContext {
  readonly config: RunConfig;
  readonly scenario: Scenario;
  readonly clock: Clock;
  readonly stats: Statistics;
  readonly values: RunContext["values"];
  readonly globals = new Map<string, VariableValue>();
  readonly injection: InjectionFiles | undefined;
  readonly defaults: DefaultTemplates;
  readonly random: () => number;
  readonly reliable: boolean;
  readonly env: RunEnvironment;
  readonly media: RunMedia | undefined;

  readonly #ooc: Scenario | undefined;
  readonly #calls = new CallTable();
  readonly #users = new Map<number, Map<string, VariableValue>>();
  #outgoing: OutgoingCalls | undefined;
  #globalTimer: TimerHandle | undefined;
  readonly #parseErrorLog: ParseErrorLog;
  #created = 0;
  #state: RunState = "running";
  #reason: StopReason = "completed";
  #fatalMessage: string | undefined;
  #resolve: ((outcome: RunOutcome) => void) | undefined;
  readonly #done: Promise<RunOutcome>;

  constructor(opts: RunControllerOptions) {
    super();
    this.config = opts.config;
    this.scenario = opts.scenario;
    this.#ooc = opts.oocScenario;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.stats = opts.stats;
    this.env = opts.environment;
    this.media = opts.media;
    this.values = opts.environment.values;
    this.injection = opts.injection;
    this.defaults = opts.defaults;
    this.reliable = isStreamTransport(opts.environment.transport);
    for (const [name, value] of opts.config.setVariables) this.globals.set(name, { type: "string", value });
    this.#parseErrorLog = new ParseErrorLog({
      clock: this.clock,
      log,
      traceError: (text) => this.env.traceError(text),
    });
    this.#done = new Promise((resolve) => (this.#resolve = resolve));
    opts.environment.attach({
      onMessage: (message, from, connection) => this.#onMessage(message, from, connection),
      onParseError: (error, raw, from) => this.#onParseError(error, raw, from),
      onConnectionClosed: (connection, error) => this.#onConnectionClosed(connection, error),
      onConnectionShed: (reason) => this.stats.connectionShed(reason),
      connectionInUse: (connection) => [...this.#calls.values()].some((call) => call.connection === connection),
    });
  }

  get activeCalls(): number {
    return this.#calls.size;
  }

  get createdCalls(): number {
    return this.#created;
  }

  get state(): RunState {
    return this.#state;
  }

  /** Starts the run; resolves when it is over (all calls done, stopped, or timed out). */
  start(): Promise<RunOutcome> {
    this.#runInit();
    const timeout = this.config.globalTimeoutMs;
    if (timeout !== undefined && timeout > 0) {
      this.#globalTimer = this.clock.setTimer(timeout, () => {
        log.warn(`global timeout of ${timeout} ms reached`);
        this.stop("now", "global_timeout");
      });
    }
    if (this.scenario.isClient) {
      this.#outgoing = new OutgoingCalls(this.#outgoingHost());
      this.#outgoing.open();
    }
    return this.#done;
  }

  /** Graceful: no new calls, running calls finish. Now: abort every call and end. */
  stop(mode: StopMode, reason: StopReason = "signal"): void {
    if (this.#state === "ended") return;
    if (this.#reason === "completed" || mode === "now") this.#reason = reason;
    log.info(`stop ${mode} (${reason}): no new calls${mode === "now" ? ", every call aborted" : ""}`);
    this.emit("stopping", { mode, reason });
    if (mode === "now") this.#transition("stopping");
    else if (this.#state === "running") this.#transition("draining");
    this.#outgoing?.stop();
    if (mode === "now") {
      for (const call of [...this.#calls.values()]) call.fail("aborted", `run stopped (${reason})`);
    }
    this.#checkDone();
  }

  /** Changes the call rate of a running client run (calls per rate period). */
  setRate(rate: number): void {
    this.#outgoing?.setRate(rate);
  }

  // RunContext ---------------------------------------------------------------------------------------------------

  transmit(call: Call, data: Buffer, connection: SipConnection, peer: Peer): boolean {
    if (!this.reliable) {
      const lost = call.scenario.steps[call.msgIndex]?.lost ?? this.config.lostPercent;
      // SIPp behaviour: a "lost" message counts as sent but never leaves.
      if (lost > 0 && this.random() * 100 < lost) return true;
    }
    const ok = connection.send(data, peer);
    if (ok) this.env.traceSent(data, connection, peer, call.callId);
    return ok;
  }

  recordRtd(name: string, ms: number): void {
    this.stats.rtd(name, ms);
    this.env.traceRtd(name, ms);
  }

  reply(data: Buffer, connection: SipConnection, peer: Peer): void {
    if (connection.send(data, peer)) this.env.traceSent(data, connection, peer, undefined);
  }

  /**
   * The final media stats of an ended call, once its pipeline has closed (recordings finalised); undefined when the
   * call opened none. The run waits for every close before it ends.
   */
  mediaClosed(call: Call): Promise<ClosedMedia | undefined> {
    return call.callMedia?.close() ?? Promise.resolve(undefined);
  }

  callEnded(call: Call): void {
    const media = this.media;
    if (media !== undefined && call.callMedia !== undefined) {
      media.track(
        call.callMedia.close().then((stats) => {
          if (stats !== undefined) media.account(stats.stats);
        }),
      );
    }
    const now = this.clock.now();
    this.#calls.remove(call, now + this.config.deadcallWaitMs, now);
    if (call.connection !== this.env.mainConnection && call.direction === "outgoing") {
      this.env.releaseConnection(call.connection);
    }
    const outcome = call.outcome;
    const length = now - call.startedAt;
    if (outcome?.result === "success") {
      this.stats.callSucceeded(length);
    } else if (outcome?.failure === "aborted") {
      // Its record says failure.class "aborted": the summary counts it so (issue 9 item 8), the CSV's FailedCall not.
      this.stats.callAborted();
    } else if (outcome !== undefined) {
      this.stats.callFailed(outcome.failure, length);
      this.env.traceError(
        `call ${call.callNumber} (${call.callId}) failed at step ${outcome.step}: ${outcome.failure}: ${outcome.reason}`,
      );
    }
    if (call.userId !== undefined) this.#outgoing?.releaseUser(call.userId);
    this.emit("callEnded", call);
    if (this.#state === "running") this.#outgoing?.open();
    this.#checkDone();
  }

  internalCommand(call: Call, command: "stop_call" | "stop_gracefully" | "stop_now"): void {
    switch (command) {
      case "stop_call":
        // SIPp behaviour: stop_call ends the call where it is; it counts as successful.
        call.finish({ result: "success" });
        break;
      case "stop_gracefully":
        this.stop("graceful", "internal_command");
        break;
      case "stop_now":
        this.stop("now", "internal_command");
        break;
    }
  }

  fatal(message: string): void {
    log.error(`fatal: ${message}`);
    this.stats.fatalError();
    this.env.traceError(`FATAL: ${message}`);
    this.#fatalMessage ??= message;
    this.stop("now", "fatal");
  }

  log(message: string): void {
    this.env.traceLog(message);
  }

  warning(message: string): void {
    this.stats.warning();
    this.env.traceError(`WARNING: ${message}`);
  }

  execCommand(command: string): void {
    // SIPp behaviour: exec command forks a shell and does not wait for it.
    const child = exec(command, (error) => {
      if (error) this.warning(`exec "${command}" failed: ${error.message}`);
    });
    child.unref();
  }

  connectionForNewCall(): Promise<SipConnection> | SipConnection {
    return this.env.connectionForNewCall();
  }

  releaseConnection(connection: SipConnection): void {
    this.env.releaseConnection(connection);
  }

  userVariables(userId: number | undefined): Map<string, VariableValue> | undefined {
    if (userId === undefined) return undefined;
    let vars = this.#users.get(userId);
    if (vars === undefined) {
      vars = new Map();
      this.#users.set(userId, vars);
    }
    return vars;
  }

  // Calls --------------------------------------------------------------------------------------------------------

  /** `<init>`: its actions run once, before the first call, with a call-less host (only globals persist). */
  #runInit(): void {
    if (this.scenario.initSteps.length === 0) return;
    const call = new Call({
      run: this,
      scenario: this.scenario,
      number: 0,
      callId: "init",
      userId: undefined,
      direction: "outgoing",
      connection: this.env.mainConnection,
      peer: this.env.remote ?? { host: this.values.localIp, port: this.values.localPort },
    });
    for (const step of this.scenario.initSteps) {
      for (const action of step.actions) {
        const result = action.execute(call);
        if (result.ok === false) this.warning(`<init> action ${action.name} failed: ${result.reason}`);
      }
    }
  }

  #outgoingHost(): OutgoingCallsHost {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the host reads live state through getters
    const run = this;
    return {
      config: this.config,
      clock: this.clock,
      get stopping() {
        return run.#state !== "running";
      },
      get activeCalls() {
        return run.#calls.size;
      },
      get createdCalls() {
        return run.#created;
      },
      nextCallNumber: () => ++this.#created,
      connectionForNewCall: () => this.connectionForNewCall(),
      startOutgoing: (number, userId, connection) => this.#startOutgoing(number, userId, connection),
      connectFailed: (number, reason) => this.#connectFailed(number, reason),
      rateMaxReached: () => this.stop("graceful", "rate_max"),
      // SIPp behaviour: TargetRate is the current rate of the ramp (5/10/15/20 with -r 5 -rate_increase 5).
      rateChanged: (rate) => this.stats.setTarget(rate),
      checkDone: () => this.#checkDone(),
    };
  }

  #newCall(opts: ConstructorParameters<typeof Call>[0]): Call | undefined {
    try {
      return new Call(opts);
    } catch (error) {
      // e.g. an -inf USER file with fewer lines than users: the run cannot go on.
      if (!(error instanceof SipwrightError)) throw error;
      this.fatal(error.message);
      return undefined;
    }
  }

  #startOutgoing(number: number, userId: number | undefined, connection: SipConnection): void {
    const call = this.#outgoingCall(number, userId, connection);
    if (call === undefined) return;
    this.#register(call);
    if (this.#state === "running") {
      startCall(call);
      return;
    }
    // A stop was asked while its connection (-t tn / ln / un, or a shared one reconnecting) was opening: no new
    // request goes out after a stop. The call ends aborted at its first step, nothing sent; its end releases the
    // connection.
    call.fail("aborted", `run stopped (${this.#reason}) before its connection opened`, 0);
  }

  /**
   * A call's own connection (-t tn / ln) could not be made: the call fails at once, with its record, as
   * tcp_connect on TCP (SIPp's FailedTcpConnect) or transport_error, the reason naming why.
   */
  #connectFailed(number: number, reason: string): void {
    const failure = connectFailureClass(this.env.transport);
    this.env.traceError(`call ${number}: cannot connect: ${reason}`);
    // Nothing was sent: the run's placeholder stands for the connection that was never made.
    const call = this.#outgoingCall(number, undefined, this.env.mainConnection);
    if (call === undefined) return;
    this.#register(call);
    call.fail(failure, reason, 0);
  }

  #outgoingCall(number: number, userId: number | undefined, connection: SipConnection): Call | undefined {
    const remote = this.env.remote;
    if (remote === undefined) throw new Error("client scenario without a remote host");
    const callId = formatCallId(this.config.callIdFormat, number, this.values.pid, this.values.localIp);
    return this.#newCall({
      run: this,
      scenario: this.scenario,
      number,
      callId,
      userId,
      direction: "outgoing",
      connection,
      peer: remote,
    });
  }

  #begin(call: Call): void {
    this.#register(call);
    startCall(call);
  }

  #register(call: Call): void {
    this.#calls.add(call);
    this.stats.callCreated(call.direction);
    this.emit("callStarted", call);
  }

  // Incoming -----------------------------------------------------------------------------------------------------

  #onMessage(message: SipMessage, from: Peer, connection: SipConnection): void {
    if (this.#state === "ended") return;
    if (!this.reliable && this.config.lostPercent > 0 && this.random() * 100 < this.config.lostPercent) return;
    this.env.traceReceived(message, connection, from);
    const callId = message.callId;
    const call = callId === "" ? undefined : this.#calls.get(callId);
    if (call !== undefined) {
      try {
        deliverMessage(call, message, connection, from);
      } catch (error) {
        // An engine defect must cost one call, not the run: the call fails with the reason, the run goes on.
        const reason = error instanceof Error ? error.message : String(error);
        log.error(
          `internal error in call ${call.callNumber}: ${error instanceof Error ? (error.stack ?? reason) : reason}`,
        );
        this.stats.fatalError();
        call.fail("scenario_error", `internal error: ${reason}`);
      }
      return;
    }
    const now = this.clock.now();
    if (callId !== "" && this.#calls.isDead(callId, now)) {
      this.stats.deadCallMessage();
      return;
    }
    const isNewRequest = callId !== "" && message.kind === "request" && message.method !== "ACK";
    if (isNewRequest && !this.scenario.isClient && this.#acceptsIncoming()) {
      this.#startIncoming(this.scenario, message, from, connection);
      return;
    }
    if (isNewRequest && this.#ooc !== undefined && this.#state === "running") {
      this.#startIncoming(this.#ooc, message, from, connection);
      return;
    }
    this.stats.outOfCallMessage();
    this.#parseErrorLog.discarded(
      `discarded message that belongs to no call: ${message.startLine} (Call-ID "${callId}") from ${from.host}:${from.port}`,
    );
  }

  #acceptsIncoming(): boolean {
    if (this.#state !== "running") return false;
    const max = this.config.maxCalls;
    if (max !== undefined && this.#created >= max) return false;
    return this.config.limit === undefined || this.#calls.size < this.config.limit;
  }

  #startIncoming(scenario: Scenario, message: SipMessage, from: Peer, connection: SipConnection): void {
    const number = ++this.#created;
    const call = this.#newCall({
      run: this,
      scenario,
      number,
      callId: message.callId,
      userId: undefined,
      direction: "incoming",
      connection,
      peer: from,
    });
    if (call === undefined) return;
    this.#begin(call);
    deliverMessage(call, message, connection, from);
  }

  #onParseError(error: string, raw: Buffer, from: Peer): void {
    this.stats.parseError();
    this.#parseErrorLog.report(error, raw, from);
  }

  #onConnectionClosed(connection: SipConnection, error: Error | undefined): void {
    const failure = closedFailureClass(connection.transport);
    const reason = `connection lost: ${describeConnectionError(error)}`;
    const calls = [...this.#calls.values()].filter((call) => call.connection === connection);
    if (connection === this.env.mainConnection && this.scenario.isClient) {
      // The shared connection (t1, l1, ...): SIPp's reset_connection (see shared-connection.ts).
      const plan = this.env.mainConnectionLost?.(describeConnectionError(error)) ?? {
        closeCalls: true,
        reconnect: false,
      };
      if (plan.closeCalls) for (const call of calls) call.fail(failure, reason);
      if (plan.reconnect) {
        this.warning(`${connection.transport} ${reason}; reconnecting (-max_reconnect)`);
      } else {
        this.fatal(`the ${connection.transport} ${reason}; Max number of reconnections reached (-max_reconnect)`);
      }
      return;
    }
    // A call waiting for a message on a closed connection can never get it; a call that is pausing (e.g. in its
    // final timewait) goes on and fails only if it tries to send on the closed connection.
    for (const call of calls) if (call.phase === "waiting") call.fail(failure, reason);
  }

  // End ----------------------------------------------------------------------------------------------------------

  #checkDone(): void {
    if (this.#state === "ended" || this.#calls.size > 0 || (this.#outgoing?.pending ?? 0) > 0) return;
    const max = this.config.maxCalls;
    const allCreated = max !== undefined && this.#created >= max;
    if (this.#state === "running" && !allCreated) return;
    // SIPp exits 97 on `stop_now` (reason internal_command, stopped now), not on `stop_gracefully`.
    const stoppedNow = this.#state === "stopping";
    this.#transition("ended");
    this.#outgoing?.stop();
    this.#globalTimer?.cancel();
    this.#parseErrorLog.flush();
    const exitCode = this.#exitCode(stoppedNow);
    this.#resolve?.({ exitCode, reason: this.#reason, fatalMessage: this.#fatalMessage });
  }

  /** The one place the run's state changes (a stop now while stopping stays stopping). */
  #transition(to: RunState): void {
    this.#state = nextRunState(this.#state, to);
  }

  #exitCode(stoppedNow: boolean): number {
    const snap = this.stats.snapshot();
    return sippExitCode({
      reason: this.#reason,
      stoppedNow,
      timeoutError: this.config.timeoutError,
      succeeded: snap.succeeded.cumulative,
      failed: snap.failed.cumulative,
    });
  }
}
