/**
 * A sipwright UAC (the built-in `register` unless told otherwise) against the built-in `registrar`, on 127.0.0.1,
 * both in this process: the registrar grants 2 s and checks alice / secret; the UAC's -trace_msg log is read back.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import type { RunResult } from "../../../src/engine/run/execute-run.js";
import { prepareSide, sideConfig, withTempDir } from "./run-pair.js";
import { parseMessageLog, type LoggedMessage } from "./message-log.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";
import type { CallRecord } from "../../../src/records/call-record.js";

export interface RegistrationRun {
  readonly uas: RunResult;
  readonly uac: RunResult;
  /** Every message the UAC sent or received, in log order. */
  readonly wire: readonly LoggedMessage[];
  /** Both sides' call records (validated against the schema). */
  readonly uasRecords: readonly CallRecord[];
  readonly uacRecords: readonly CallRecord[];
}

export interface RegistrationOptions {
  /** A scenario file for the UAC instead of the built-in register. */
  readonly uacScenarioFile?: string;
  /** A scenario file for the UAS instead of the built-in registrar. */
  readonly uasScenarioFile?: string;
  readonly uasSet?: Record<string, string>;
  readonly uacSet?: Record<string, string>;
  readonly uacPassword?: string;
  readonly calls?: number;
  readonly transport?: RunConfig["transport"];
}

/** The registrar's -set max_expires. */
export const GRANTED_S = 2;

function serverMode(mode: RunConfig["transport"]): RunConfig["transport"] {
  return mode.endsWith("n") ? (`${mode.slice(0, -1)}1` as RunConfig["transport"]) : mode;
}

export async function runRegistration(opts: RegistrationOptions = {}): Promise<RegistrationRun> {
  const calls = opts.calls ?? 1;
  return withTempDir(async (dir) => {
    const messageFile = join(dir, "uac-messages.log");
    const uas = await prepareSide(dir, "uas", {
      ...(opts.uasScenarioFile === undefined ? { scenarioName: "registrar" } : { scenarioFile: opts.uasScenarioFile }),
      maxCalls: calls,
      authUsername: "alice",
      authPassword: "secret",
      // The built-in registrar grants GRANTED_S; a fixture gets only what the test sets.
      setVariables: new Map(
        Object.entries({
          ...(opts.uasScenarioFile === undefined ? { max_expires: String(GRANTED_S) } : {}),
          ...opts.uasSet,
        }),
      ),
      // The server side listens on one socket whatever the client does ("tn" -> "t1").
      ...(opts.transport === undefined ? {} : { transport: serverMode(opts.transport) }),
    });
    let uacSide;
    try {
      uacSide = await prepareSide(dir, "uac", {
        ...(opts.uacScenarioFile === undefined ? { scenarioName: "register" } : { scenarioFile: opts.uacScenarioFile }),
        remoteHost: "127.0.0.1",
        remotePort: uas.environment.values.localPort,
        maxCalls: calls,
        rate: 20,
        service: "alice",
        authPassword: opts.uacPassword ?? "secret",
        setVariables: new Map(Object.entries(opts.uacSet ?? {})),
        trace: { ...sideConfig(dir, {}).trace, msg: true, messageFile },
        ...(opts.transport === undefined ? {} : { transport: opts.transport }),
      });
    } catch (error) {
      await uas.environment.close();
      throw error;
    }
    const [uasResult, uacResult] = await Promise.all([uas.run(), uacSide.run()]);
    const wire = parseMessageLog(await readFile(messageFile, "utf8"));
    const uasRecords = await readCallRecords(join(dir, "uas", "call_records.jsonl"));
    const uacRecords = await readCallRecords(join(dir, "uac", "call_records.jsonl"));
    return { uas: uasResult, uac: uacResult, wire, uasRecords, uacRecords };
  });
}
