/**
 * The text of `sipwright -h`, grouped like SIPp's own help: the run options' sections are made from the option
 * table (./options/); details and differences: docs/cli.md.
 */
import { defaultText, type OptionGroup, type OptionSpec } from "./options/option-spec.js";
import { OPTION_GROUPS } from "./options/option-table.js";
import { DEFAULT_TURN_TTL_S, DEFAULT_TURN_USER } from "../media/webrtc/turn-credentials.js";
import { defaultRunConfig } from "./run-defaults.js";

/** The defaults the help states: those of an empty command line (no default shown depends on the environment). */
const DEFAULTS = defaultRunConfig({ isTTY: false, cwd: "", primaryIp: "127.0.0.1" });

const HEADER = `Usage:

  sipwright [run] [remote_host[:remote_port]] [options]
  sipwright validate [--webrtc] [-key NAME VALUE]... FILE...
  sipwright demo [--out DIR] [--calls N] [--rtp]
  sipwright turn-cred --turn-secret SECRET [--turn-ttl SECONDS] [--turn-user ID] [--json]
  sipwright serve [--listen HOST:PORT] [--data DIR] [--token T] [--allow-exec]
  sipwright -h | --help
  sipwright -v | --version

Examples:

  sipwright -sn uas -i 127.0.0.1 -p 5070
  sipwright -sn uac 127.0.0.1:5070 -r 50 -m 1000 --out recordings/smoke
  sipwright -sf my_scenario.xml [::1]:5060 -trace_stat -fd 5
  sipwright turn-cred --turn-secret example-secret --turn-ttl 3600 --json

Options use one dash and a separate value, like SIPp (two dashes also work).
Times take a unit suffix: ms, s, m, h; a plain number is in the option's default unit.

`;

const TURN_CRED = `*** turn-cred: print a TURN REST credential (coturn use-auth-secret):

   --turn-secret S   The shared secret (coturn's static-auth-secret). Required.
   --turn-ttl T      Lifetime in seconds. Default: ${DEFAULT_TURN_TTL_S}.
   --turn-user ID    User id after the expiry in the user name. Default: ${DEFAULT_TURN_USER}.
   --json            {"username", "password", "ttl", "expires_at"} on one line.

`;

const FOOTER = `Exit codes:

    0  all calls were successful
    1  at least one call failed
   97  exit on internal command or global timeout
   99  normal exit without calls processed
  254  fatal error binding a socket
  255  fatal error (including invalid options or scenario)
`;

/** The usage column is 17 characters wide after a 3-space indent; a longer one is followed by two spaces. */
const INDENT = 3;
const USAGE_WIDTH = 17;
const MAX_WIDTH = 112;

/** `-h, --help`: the names an option answers to, then its values. */
export function usageOf(option: OptionSpec): string {
  return [[option.name, ...(option.aliases ?? [])].join(", "), ...option.values].join(" ");
}

function optionLines(option: OptionSpec): string {
  const usage = usageOf(option);
  const lines = option.help.split("\n");
  const shown = defaultText(option, DEFAULTS);
  if (shown !== undefined) {
    const text = `Default: ${shown}${/[.;:]$/.test(shown) ? "" : "."}`;
    const last = lines.pop() ?? "";
    // A default that would make the line long goes on a line of its own.
    if (INDENT + USAGE_WIDTH + 1 + last.length + text.length < MAX_WIDTH) lines.push(`${last} ${text}`);
    else lines.push(last, text);
  }
  const first = usage.length < USAGE_WIDTH ? `${usage.padEnd(USAGE_WIDTH)} ` : `${usage}  `;
  const pad = " ".repeat(INDENT + USAGE_WIDTH + 1);
  return [`${" ".repeat(INDENT)}${first}${lines[0] ?? ""}`, ...lines.slice(1).map((l) => pad + l)].join("\n");
}

function groupText(group: OptionGroup): string {
  const parts = [group.before, group.options.map(optionLines).join("\n")];
  return [`*** ${group.title}:`, parts.filter((p) => p !== undefined).join("\n"), group.after]
    .filter((p) => p !== undefined)
    .join("\n\n");
}

const HELP_TEXT = HEADER + OPTION_GROUPS.map(groupText).join("\n\n") + "\n\n" + TURN_CRED + FOOTER;

export function helpText(): string {
  return HELP_TEXT;
}
