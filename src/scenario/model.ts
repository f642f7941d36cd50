/**
 * The typed scenario model: what a SIPp XML scenario file means, with the source location of every element.
 * scenario/ describes; engine/ executes. Nothing here holds run-time state.
 */
import type { SourceLocation } from "../shared/errors.js";
import type { MessageTemplate } from "./template.js";
import type { Action } from "./actions/action.js";
import type { PosixRegexp } from "./actions/posix-regexp.js";

export type { SourceLocation };

/** Pause duration: fixed, from a variable (ms, double), or drawn from a distribution. Undefined = `-d`. */
export type Distribution =
  | { readonly kind: "fixed"; readonly value: number }
  | { readonly kind: "uniform"; readonly min: number; readonly max: number }
  | { readonly kind: "normal"; readonly mean: number; readonly stdev: number }
  | { readonly kind: "lognormal"; readonly mean: number; readonly stdev: number }
  | { readonly kind: "exponential"; readonly mean: number };

export type PauseDuration =
  | { readonly kind: "distribution"; readonly distribution: Distribution }
  | { readonly kind: "variable"; readonly variable: string }
  | { readonly kind: "default" };

/** Attributes SIPp accepts on send/recv/pause/nop (getCommonAttributes). */
export interface StepCommon {
  /** Position in `Scenario.steps` (SIPp's message index, [msg_index]). */
  readonly index: number;
  readonly loc: SourceLocation;
  /** Resolved `next` label target (step index; may equal steps.length = run off the end). */
  readonly next: number | undefined;
  readonly nextLabel: string | undefined;
  readonly test: string | undefined;
  /** Probability 0..1 of taking `next`; 1 when absent. */
  readonly chance: number;
  readonly condexec: string | undefined;
  readonly condexecInverse: boolean;
  /** Resolved `ontimeout` target. */
  readonly ontimeout: number | undefined;
  readonly ontimeoutLabel: string | undefined;
  readonly startRtd: readonly string[];
  readonly rtd: readonly string[];
  readonly repeatRtd: boolean;
  readonly counter: string | undefined;
  readonly display: string | undefined;
  readonly crlf: boolean;
  readonly hide: boolean;
  /** Packet-loss emulation percentage for this step (undefined: use -lost). */
  readonly lost: number | undefined;
  readonly actions: readonly Action[];
}

export interface SendStep extends StepCommon {
  readonly kind: "send";
  readonly template: MessageTemplate;
  /** What the template's first line says, when it is literal: a request method or a response status. */
  readonly sends:
    | { readonly kind: "request"; readonly method: string }
    | { readonly kind: "response"; readonly status: number }
    | { readonly kind: "unknown" };
  /** UDP T1 in ms; undefined = no retransmission (SIPp behaviour). */
  readonly retrans: number | undefined;
  /** Send timeout in ms (SIPp `timeout` on send). */
  readonly timeout: number | undefined;
  readonly startTxn: string | undefined;
  readonly ackTxn: string | undefined;
}

export interface RecvStep extends StepCommon {
  readonly kind: "recv";
  /** Exactly one of request/response is set. With regexpMatch they are regular expressions. */
  readonly request: string | undefined;
  readonly response: string | undefined;
  readonly regexpMatch: boolean;
  /** Compiled when regexpMatch is true. */
  readonly pattern: PosixRegexp | undefined;
  readonly optional: false | "true" | "global";
  readonly timeout: number | undefined;
  readonly rrs: boolean;
  readonly auth: boolean;
  readonly responseTxn: string | undefined;
  readonly advanceState: boolean;
  readonly ignoresdp: boolean;
}

export interface PauseStep extends StepCommon {
  readonly kind: "pause";
  readonly duration: PauseDuration;
}

export interface NopStep extends StepCommon {
  readonly kind: "nop";
}

/** A pause that must be the last element: the call lingers so retransmissions can still be answered. */
export interface TimewaitStep extends StepCommon {
  readonly kind: "timewait";
  readonly duration: PauseDuration;
}

export type Step = SendStep | RecvStep | PauseStep | NopStep | TimewaitStep;

export interface Repartition {
  /** Upper bucket edges in ms, ascending. */
  readonly edges: readonly number[];
}

export interface Scenario {
  readonly name: string;
  /** File path or `builtin:NAME`. */
  readonly source: string;
  readonly steps: readonly Step[];
  /** Label id -> step index (the index of the element following the label). */
  readonly labels: ReadonlyMap<string, number>;
  /** Steps of `<init>` (nop and label only), run once at start-up. */
  readonly initSteps: readonly NopStep[];
  /** Step index of label `_unexp.main`, if present. */
  readonly unexpectedHandler: number | undefined;
  /** Client scenario (first non-nop step is a send): calls are started by rate. Otherwise calls start on receipt. */
  readonly isClient: boolean;
  readonly responseTimeRepartition: Repartition;
  readonly callLengthRepartition: Repartition;
  readonly globalVariables: readonly string[];
  readonly userVariables: readonly string[];
  /** DefaultMessage overrides: id (e.g. "bye", "cancel", "ack", "200") -> template. */
  readonly defaultMessages: ReadonlyMap<string, MessageTemplate>;
  /** Every RTD name used (in first-use order), for statistics columns. */
  readonly rtdNames: readonly string[];
  /** Every counter name used, in first-use order. */
  readonly counterNames: readonly string[];
  /** Every `[name]` keyword that is not built in, with its exact location: the run checks them against -key. */
  readonly customKeys: readonly { readonly name: string; readonly loc: SourceLocation }[];
  /** `<scenario webrtc="true">`: every call's pipeline is a WebRTC bridge (as with the run option `--webrtc`). */
  readonly webrtc: boolean;
  /** Where the `<send>` messages carry SDP: the scenario's own `m=` lines, and the WebRTC SDP keywords. */
  readonly sdpUses: readonly SdpUse[];
  /** How the loader resolved the media files the actions name (pcap, WAV): shown by `sipwright validate`. */
  readonly fileNotes: readonly FileNote[];
}

/** An SDP in a `<send>`: written by the scenario (`m=` line) or rendered by `[webrtc_offer]`-style keywords. */
export type SdpUse =
  | { readonly kind: "own"; readonly loc: SourceLocation }
  | { readonly kind: "webrtc"; readonly keyword: string; readonly loc: SourceLocation };

/** A note about a file the scenario names (not a problem). */
export interface FileNote {
  readonly loc: SourceLocation;
  readonly message: string;
}

/** SIPp's default repartitions when the scenario declares none. */
export const DEFAULT_RESPONSE_TIME_REPARTITION: Repartition = { edges: [10, 20, 30, 40, 50, 100, 150, 200] };
export const DEFAULT_CALL_LENGTH_REPARTITION: Repartition = {
  edges: [10, 50, 100, 500, 1000, 5000, 10000],
};
