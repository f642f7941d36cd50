/**
 * `<exec play_dtmf="DIGITS[,MS]"/>` (SIPp): send RFC 4733 telephone events, each digit lasting MS ms (50 to 2000,
 * default 200). SIPp behaviour: it does not block (add a pause) and it sends with payload type 96 whatever the SDP
 * says; we use the peer's telephone-event payload type and fall back to 96 when its SDP has none.
 * Ours: `<exec send_dtmf="DIGITS[,MS]"/>` — the same without the fallback: when the peer's SDP offers no
 * telephone-event the call fails with `media_error`.
 * Digits: 0-9, *, #, A-D (a-d are taken as A-D).
 */
import type { Action } from "./action.js";
import type { ActionAttributes } from "./action-attributes.js";
import { runMedia } from "./media-result.js";
import { parseIntegerValue } from "./media-values.js";

export type DtmfForm = "play_dtmf" | "send_dtmf";

/** SIPp behaviour: play_dtmf events go out with payload type 96. */
const SIPP_DTMF_PAYLOAD_TYPE = 96;
const DEFAULT_DTMF_MS = 200;
const MIN_DTMF_MS = 50;
const MAX_DTMF_MS = 2000;

const DIGITS = /^[0-9*#A-D]+$/;

export function buildPlayDtmf(a: ActionAttributes, form: DtmfForm): Action | undefined {
  const raw = a.required(form);
  if (raw === undefined) return undefined;
  const parsed = parseDtmf(raw, (message) => a.problem(`attribute '${form}': ${message}`));
  if (parsed === undefined || a.failed) return undefined;
  const { digits, durationMs } = parsed;
  const fallback = form === "play_dtmf" ? SIPP_DTMF_PAYLOAD_TYPE : undefined;
  return {
    name: "exec",
    loc: a.loc,
    media: true,
    execute: (host) =>
      runMedia(host, form, (media) => {
        media.sendDtmf(digits, durationMs, fallback);
        return undefined;
      }),
  };
}

function parseDtmf(
  value: string,
  problem: (message: string) => void,
): { readonly digits: string; readonly durationMs: number } | undefined {
  const fields = value.split(",").map((f) => f.trim());
  const [digitsText = "", msText = ""] = fields;
  if (fields.length > 2) {
    problem(`"${value}": expected DIGITS[,MS]`);
    return undefined;
  }
  const digits = digitsText.toUpperCase();
  if (!DIGITS.test(digits)) {
    problem(`"${digitsText}" is not a string of DTMF digits (0-9, *, #, A-D)`);
    return undefined;
  }
  const durationMs = msText === "" ? DEFAULT_DTMF_MS : parseIntegerValue(msText);
  if (durationMs === undefined || durationMs < MIN_DTMF_MS || durationMs > MAX_DTMF_MS) {
    problem(`digit duration "${msText}" is not a number of ms from ${MIN_DTMF_MS} to ${MAX_DTMF_MS}`);
    return undefined;
  }
  return { digits, durationMs };
}
