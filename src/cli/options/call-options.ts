/** `*** Call behavior options` and `*** Injection file options` of the help; docs/cli.md "Call behavior", "Injection files". */
import { ConfigError } from "../../shared/errors.js";
import type { DefaultBehavior, RunConfig } from "../../engine/run/run-config.js";
import { flag, int, one, parseNumber, parseTime, shown, shownTime, type OptionGroup } from "./option-spec.js";

const doc = "Call behavior";
export const ALL_BEHAVIORS: readonly DefaultBehavior[] = ["bye", "abortunexp", "pingreply", "badcseq"];

/** SIPp behaviour (-default_behaviors): all | none | names, a leading "-" removes one, applied left to right. */
export function parseDefaultBehaviors(value: string): Set<DefaultBehavior> {
  const set = new Set<DefaultBehavior>();
  for (const raw of value.split(",")) {
    const item = raw.trim();
    const remove = item.startsWith("-");
    const name = remove ? item.slice(1) : item;
    const names: readonly DefaultBehavior[] =
      name === "all"
        ? ALL_BEHAVIORS
        : name === "none"
          ? []
          : name === "cseq"
            ? ["badcseq"]
            : ALL_BEHAVIORS.filter((b) => b === name);
    if (names.length === 0 && name !== "none") {
      throw new ConfigError(
        `-default_behaviors: unknown behavior '${name}' (all, none, bye, abortunexp, pingreply, badcseq)`,
      );
    }
    if (name === "none") set.clear();
    for (const b of names) {
      if (remove) set.delete(b);
      else set.add(b);
    }
  }
  return set;
}

function applyInfIndex(c: RunConfig, path: string, given: string, field: number): void {
  const spec = c.injectionFiles.find((f) => f.path === path || f.path.endsWith(`/${given}`));
  if (!spec) throw new ConfigError(`-infindex ${given}: no -inf file by that name (give -inf first)`);
  spec.indexField = field;
}

const integer = (name: string, v: string): number => parseNumber(name, v, { integer: true });

export const CALL_OPTIONS: OptionGroup = {
  title: "Call behavior options",
  options: [
    flag("-aa", (c) => (c.autoAnswer = true), {
      help: "Answer INFO, NOTIFY, OPTIONS and UPDATE with 200 automatically.",
      doc,
    }),
    one("-base_cseq", "N", (c, v, u) => (c.baseCseq = int(u.name, v)), {
      help: "First [cseq] of each call.",
      default: shown((d) => d.baseCseq),
      doc,
    }),
    one("-cid_str", "FMT", (c, v) => (c.callIdFormat = v), {
      help: "Call-ID format: %u call number, %p pid, %s local IP.",
      default: shown((d) => d.callIdFormat),
      doc,
    }),
    one("-d", "TIME", (c, v, u) => (c.defaultPauseMs = parseTime(u.name, v, "ms")), {
      help: "Duration of <pause/> without a value.",
      default: shownTime((d) => d.defaultPauseMs, "ms"),
      doc,
    }),
    one("-deadcall_wait", "T", (c, v, u) => (c.deadcallWaitMs = parseTime(u.name, v, "ms")), {
      help: "How long finished calls are remembered.",
      default: shownTime((d) => d.deadcallWaitMs, "ms"),
      doc,
    }),
    one("-auth_uri", "URI", (c, v) => (c.authUri = v), {
      help: "URI used in digest authentication.",
      default: "the Request-URI",
      doc,
    }),
    one("-au", "USER", (c, v) => (c.authUsername = v), { help: "Digest user name.", default: "the -s value", doc }),
    one("-ap", "PASSWORD", (c, v) => (c.authPassword = v), {
      help: "Digest password.",
      default: shown((d) => d.authPassword ?? ""),
      doc,
    }),
    one("-s", "SERVICE", (c, v) => (c.service = v), {
      help: "User part of the request URI ([service]).",
      default: shown((d) => d.service),
      doc,
    }),
    one("-default_behaviors", "LIST", (c, v) => (c.defaultBehaviors = parseDefaultBehaviors(v)), {
      help: 'all | none | bye,abortunexp,pingreply,badcseq; "-name" removes one\n(e.g. all,-bye).',
      default: shown((d) =>
        d.defaultBehaviors.size === ALL_BEHAVIORS.length ? "all" : [...d.defaultBehaviors].join(","),
      ),
      doc,
    }),
    flag("-nd", (c) => (c.defaultBehaviors = new Set()), {
      help: "No default behaviors (same as -default_behaviors none).",
      doc,
    }),
    {
      name: "-key",
      values: ["NAME", "VALUE"],
      action: { kind: "set", apply: (c, [k = "", v = ""]) => c.keys.set(k, v) },
      help: "Define keyword [NAME] (VALUE may be empty).",
      doc,
    },
    {
      name: "-set",
      values: ["VAR", "VALUE"],
      action: { kind: "set", apply: (c, [k = "", v = ""]) => c.setVariables.set(k, v) },
      help: 'Set global variable VAR (declared with <Global variables="VAR"/>).',
      doc,
    },
    one("-lost", "PERCENT", (c, v, u) => (c.lostPercent = parseNumber(u.name, v, { min: 0, max: 100 })), {
      help: "Drop this percentage of messages sent and received.",
      default: shown((d) => d.lostPercent),
      doc,
    }),
    one("-dynamicStart", "N", (c, v, u) => (c.dynamicStart = integer(u.name, v)), {
      help: "First [dynamic_id].",
      default: shown((d) => d.dynamicStart),
      doc,
    }),
    one("-dynamicMax", "N", (c, v, u) => (c.dynamicMax = integer(u.name, v)), {
      help: "Largest [dynamic_id].",
      default: shown((d) => d.dynamicMax),
      doc,
    }),
    one("-dynamicStep", "N", (c, v, u) => (c.dynamicStep = integer(u.name, v)), {
      help: "[dynamic_id] increment.",
      default: shown((d) => d.dynamicStep),
      doc,
    }),
  ],
};

export const INJECTION_OPTIONS: OptionGroup = {
  title: "Injection file options",
  options: [
    one("-inf", "FILE", (c, v, u) => c.injectionFiles.push({ path: u.path(v), indexField: undefined }), {
      help: "CSV injection file (repeatable; the first is the default).",
      doc: "Injection files",
    }),
    {
      name: "-infindex",
      values: ["FILE", "N"],
      action: {
        kind: "set",
        apply: (c, [file = "", field = ""], u) => applyInfIndex(c, u.path(file), file, int("infindex", field)),
      },
      help: "Index FILE on field N (for the lookup action).",
      doc: "Injection files",
    },
  ],
};
