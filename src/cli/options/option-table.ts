/** Every option of a run, in the order of the help's sections; the parser looks names up here. */
import { CALL_OPTIONS, INJECTION_OPTIONS } from "./call-options.js";
import { GENERAL_OPTIONS, IGNORED_OPTIONS } from "./general-options.js";
import { MEDIA_OPTIONS } from "./media-options.js";
import type { OptionGroup, OptionSpec } from "./option-spec.js";
import { OUTPUT_OPTIONS } from "./output-options.js";
import { RATE_OPTIONS } from "./rate-options.js";
import { RETRANSMISSION_OPTIONS } from "./retransmission-options.js";
import { SCENARIO_OPTIONS } from "./scenario-options.js";
import { TRACE_OPTIONS } from "./trace-options.js";
import { TRANSPORT_OPTIONS } from "./transport-options.js";
import { WEBRTC_OPTIONS } from "./webrtc-options.js";

export const OPTION_GROUPS: readonly OptionGroup[] = [
  SCENARIO_OPTIONS,
  TRANSPORT_OPTIONS,
  CALL_OPTIONS,
  INJECTION_OPTIONS,
  MEDIA_OPTIONS,
  RATE_OPTIONS,
  RETRANSMISSION_OPTIONS,
  TRACE_OPTIONS,
  OUTPUT_OPTIONS,
  WEBRTC_OPTIONS,
  GENERAL_OPTIONS,
  IGNORED_OPTIONS,
];

export const RUN_OPTIONS: readonly OptionSpec[] = OPTION_GROUPS.flatMap((g) => g.options);

/** The names an option answers to, as written in the help and docs (with their dashes). */
export function optionNames(option: OptionSpec): string[] {
  return [option.name, ...(option.aliases ?? [])];
}

const bare = (name: string): string => name.replace(/^--?/, "");

const BY_NAME = new Map<string, OptionSpec>(
  RUN_OPTIONS.filter((o) => o.prefix !== true).flatMap((o) => optionNames(o).map((n) => [bare(n), o] as const)),
);
const BY_PREFIX = RUN_OPTIONS.filter((o) => o.prefix === true).map(
  (o) => [bare(o.name).replace(/\*$/, ""), o] as const,
);

/** The option a command-line word names (`-sf`, `--sf`, `-watchdog_interval`), without its dashes given. */
export function findOption(name: string): OptionSpec | undefined {
  return BY_NAME.get(name) ?? BY_PREFIX.find(([prefix]) => name.startsWith(prefix))?.[1];
}
