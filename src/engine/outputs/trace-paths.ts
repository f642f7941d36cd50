/**
 * Where each trace file goes. SIPp behaviour: `<scenario>_<pid>_<kind>` in the working folder, where <scenario> is
 * the scenario file name without folder and `.xml` (or the `-sn` name). sipwright puts them in the run's output
 * folder instead, unless an explicit `-*_file` / `-stf` path is given (used as is, relative to the cwd).
 */
import { basename, isAbsolute, join, resolve } from "node:path";
import type { TraceOptions } from "../run/run-config.js";

export type TraceKind = "messages" | "shortmessages" | "errors" | "stat" | "rtt" | "counts" | "logs";

/** SIPp's default file name for each trace. */
export function defaultTraceFileName(kind: TraceKind, scenario: string, pid: number): string {
  const stem = `${basename(scenario).replace(/\.xml$/i, "")}_${pid}_`;
  switch (kind) {
    case "stat":
      return `${stem}.csv`;
    case "rtt":
      return `${stem}rtt.csv`;
    case "counts":
      return `${stem}counts.csv`;
    case "messages":
    case "shortmessages":
    case "errors":
    case "logs":
      return `${stem}${kind}.log`;
  }
}

export interface TracePathContext {
  /** The run's output folder. */
  outDir: string;
  /** Scenario file path or built-in name. */
  scenario: string;
  pid: number;
  /** Folder that relative explicit paths are resolved against (they normally arrive absolute from parseArgs). */
  cwd?: string;
}

/** The path of every enabled trace; disabled traces are absent. */
export function resolveTracePaths(trace: TraceOptions, ctx: TracePathContext): Partial<Record<TraceKind, string>> {
  const entries: [TraceKind, boolean, string | undefined][] = [
    ["messages", trace.msg, trace.messageFile],
    ["shortmessages", trace.shortmsg, trace.shortmsgFile],
    ["errors", trace.err, trace.errorFile],
    ["stat", trace.stat, trace.statFile],
    ["rtt", trace.rtt, trace.rttFile],
    ["counts", trace.counts, trace.countsFile],
    ["logs", trace.logs, trace.logFile],
  ];
  const out: Partial<Record<TraceKind, string>> = {};
  for (const [kind, enabled, explicit] of entries) {
    if (!enabled) continue;
    if (explicit !== undefined) {
      out[kind] = isAbsolute(explicit) ? explicit : resolve(ctx.cwd ?? process.cwd(), explicit);
    } else {
      out[kind] = join(ctx.outDir, defaultTraceFileName(kind, ctx.scenario, ctx.pid));
    }
  }
  return out;
}
