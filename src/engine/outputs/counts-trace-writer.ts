/**
 * SIPp's `-trace_counts` file (print_count_file): per-step message counts, one row per statistics period.
 * Header `CurrentTime;ElapsedTime;` then per step, by kind:
 *   send  `<i>_<METHOD|code>_Sent;_Retrans;` and `_Timeout;` only when the step has `retrans`
 *   recv  `<i>_<METHOD|code>_Recv;_Retrans;_Timeout;_Unexp;`
 *   pause `<i>_Pause_Sessions;_Unexp;` (timewait too)
 *   nop   nothing; steps with `hide="true"` are left out.
 * Rows: `formatTime;HH:MM:SS:uuuuuu;` then the values. Every field is followed by the delimiter.
 */
import type { Step } from "../../scenario/model.js";
import type { StatsSnapshot } from "./statistics.js";
import { TraceFile } from "./trace-file.js";
import { formatHhMmSsUs, formatSippDate } from "./trace-format.js";

type Column = "sent" | "retransmitted" | "timeouts" | "received" | "retransReceived" | "unexpected" | "pauseSessions";

interface CountColumn {
  step: number;
  name: string;
  value: Column;
}

function stepLabel(step: Step): string | undefined {
  switch (step.kind) {
    case "send":
      if (step.sends.kind === "request") return step.sends.method;
      if (step.sends.kind === "response") return String(step.sends.status);
      return "unknown";
    case "recv":
      return step.request ?? step.response ?? "unknown";
    case "pause":
    case "timewait":
      return "Pause";
    case "nop":
      return undefined;
  }
}

/** The columns SIPp writes for a scenario's steps. */
export function countColumns(steps: readonly Step[]): CountColumn[] {
  const cols: CountColumn[] = [];
  for (const step of steps) {
    const label = stepLabel(step);
    if (step.hide || label === undefined) continue;
    const add = (suffix: string, value: Column): void => {
      cols.push({ step: step.index, name: `${step.index}_${label}_${suffix}`, value });
    };
    if (step.kind === "send") {
      add("Sent", "sent");
      add("Retrans", "retransmitted");
      if (step.retrans !== undefined) add("Timeout", "timeouts");
    } else if (step.kind === "recv") {
      add("Recv", "received");
      add("Retrans", "retransReceived");
      add("Timeout", "timeouts");
      add("Unexp", "unexpected");
    } else {
      add("Sessions", "pauseSessions");
      add("Unexp", "unexpected");
    }
  }
  return cols;
}

export interface CountsTraceWriterOptions {
  path: string;
  steps: readonly Step[];
  delimiter?: string;
}

export class CountsTraceWriter {
  readonly #file: TraceFile;
  readonly #columns: CountColumn[];
  readonly #delimiter: string;

  /** Writes the header at once (SIPp behaviour). */
  constructor(opts: CountsTraceWriterOptions) {
    this.#file = new TraceFile(opts.path);
    this.#columns = countColumns(opts.steps);
    this.#delimiter = opts.delimiter ?? ";";
    const d = this.#delimiter;
    this.#file.write(
      ["CurrentTime", "ElapsedTime", ...this.#columns.map((c) => c.name)].map((c) => c + d).join("") + "\n",
    );
  }

  get path(): string {
    return this.#file.path;
  }

  writeRow(s: StatsSnapshot): void {
    if (this.#file.closed) return;
    const fields = [formatSippDate(s.wallMs), formatHhMmSsUs(s.elapsedMs)];
    for (const c of this.#columns) fields.push(String(s.steps[c.step]?.[c.value] ?? 0));
    this.#file.write(fields.map((f) => f + this.#delimiter).join("") + "\n");
  }

  close(): Promise<void> {
    return this.#file.close();
  }
}
