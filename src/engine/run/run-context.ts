/**
 * What a Call needs from its run. The RunController implements it; tests can supply a small fake.
 */
import type { Clock } from "../../shared/clock.js";
import type { Scenario } from "../../scenario/model.js";
import type { MessageTemplate } from "../../scenario/template.js";
import type { RunValues, VariableValue } from "../../scenario/runtime.js";
import type { InjectionFiles } from "../../scenario/injection-files.js";
import type { SipConnection, Peer } from "../../sip/transport.js";
import type { RunConfig } from "./run-config.js";
import type { Statistics } from "../outputs/statistics.js";
import type { Call } from "../call/call.js";
import type { RunMedia } from "../media/run-media.js";

/** Templates used when the engine itself must send (abort a call). `<DefaultMessage id="...">` overrides them. */
export interface DefaultTemplates {
  readonly bye: MessageTemplate;
  readonly cancel: MessageTemplate;
  readonly ack: MessageTemplate;
}

export interface RunContext {
  readonly scenario: Scenario;
  readonly config: RunConfig;
  readonly clock: Clock;
  readonly stats: Statistics;
  readonly values: RunValues;
  readonly globals: Map<string, VariableValue>;
  readonly injection: InjectionFiles | undefined;
  readonly defaults: DefaultTemplates;
  readonly random: () => number;
  /** The run's media (clock, ports, options), when its calls have media. */
  readonly media: RunMedia | undefined;
  /** True on UDP: retransmissions and retransmission detection apply. */
  readonly reliable: boolean;
  /** Sends one message for a call: applies -lost, writes traces. False when it could not be sent. */
  transmit(call: Call, data: Buffer, connection: SipConnection, peer: Peer): boolean;
  /** One response-time sample (statistics and -trace_rtt). */
  recordRtd(name: string, ms: number): void;
  /** Called once when a call ends (after its outcome is recorded). */
  callEnded(call: Call): void;
  /** A stateless reply outside any scenario step (default behaviours). */
  reply(data: Buffer, connection: SipConnection, peer: Peer): void;
  internalCommand(call: Call, command: "stop_call" | "stop_gracefully" | "stop_now"): void;
  fatal(message: string): void;
  log(message: string): void;
  warning(message: string): void;
  execCommand(command: string): void;
  /** A fresh connection for a call when the transport mode wants one per call (un / tn). */
  connectionForNewCall(): Promise<SipConnection> | SipConnection;
  releaseConnection(connection: SipConnection): void;
  /** Per-user variables for -users mode (undefined otherwise). */
  userVariables(userId: number | undefined): Map<string, VariableValue> | undefined;
}
