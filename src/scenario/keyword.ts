/**
 * Parsing of one `[keyword]` (the text between the brackets) into a typed keyword node, as SIPp's
 * SendingMessage constructor (message.cpp) does. Unknown identifier-like names become custom keys (`-key name value`),
 * checked by the engine before the first call.
 */
import type { TextTemplate } from "./template.js";

/** Keywords that take no parameters (SIPp's SimpleKeywords table, minus what sipwright does not support). */
export const SIMPLE_KEYWORDS = [
  "service",
  "remote_ip",
  "remote_host",
  "remote_port",
  "transport",
  "local_ip",
  "local_ip_type",
  "local_port",
  "server_ip",
  "media_ip",
  "media_ip_type",
  "media_port",
  "auto_media_port",
  "rtpstream_audio_port",
  "call_number",
  "dynamic_id",
  "call_id",
  "cseq",
  "pid",
  "branch",
  "msg_index",
  "next_url",
  "peer_tag_param",
  "last_Request_URI",
  "last_cseq_number",
  "last_message",
  "routes",
  "clock_tick",
  "users",
  "userid",
  "timestamp",
  "date",
  "sipp_version",
  // WebRTC additions (DESIGN.md "Scenario semantics").
  "webrtc_offer",
  "webrtc_answer",
  "webrtc_trickle",
  "media_transport",
  "contact_transport",
  // SIP over WebSocket (RFC 7118): the browser clients' ".invalid" Via / Contact host.
  "ws_contact_host",
] as const;
export type SimpleKeyword = (typeof SIMPLE_KEYWORDS)[number];
const SIMPLE_SET: ReadonlySet<string> = new Set(SIMPLE_KEYWORDS);

/** SIPp behaviour: only these keywords use a `+N`/`-N` offset (call.cpp adds comp->offset only for them). */
const OFFSET_KEYWORDS: ReadonlySet<string> = new Set([
  "remote_port",
  "local_port",
  "media_port",
  "auto_media_port",
  "rtpstream_audio_port",
  "cseq",
  "branch",
  "last_cseq_number",
  "len",
]);

/** Keywords that render the call's own RTP port when the run has media (the call's pipeline opens first). */
export const MEDIA_PORT_KEYWORDS: ReadonlySet<SimpleKeyword> = new Set([
  "media_port",
  "auto_media_port",
  "rtpstream_audio_port",
]);

/** Keywords whose value is an SDP the call's WebRTC bridge must produce first (asynchronously). */
export const WEBRTC_SDP_KEYWORDS: ReadonlySet<SimpleKeyword> = new Set([
  "webrtc_offer",
  "webrtc_answer",
  "webrtc_trickle",
]);

/** SIPp keywords sipwright does not implement: a clear problem instead of an unknown custom key. */
const UNSUPPORTED = /^(tdmmap|rtpstream_video_port|crypto\w*|ue(aes|null)\w*)$/;

export type KeywordNode =
  | { readonly kind: "simple"; readonly name: SimpleKeyword; readonly offset: number }
  | { readonly kind: "len"; readonly offset: number }
  | {
      readonly kind: "field";
      readonly index: number;
      readonly file: string | undefined;
      /** Explicit line: a number, or a template rendered per use (`line="[$n]"`). */
      readonly line: number | TextTemplate | undefined;
    }
  | { readonly kind: "file"; readonly name: TextTemplate }
  | { readonly kind: "variable"; readonly name: string }
  | { readonly kind: "fill"; readonly variable: string; readonly text: string }
  /** `[last_Hdr:]` / `[last_Hdr]`: header name without the colon. */
  | { readonly kind: "last_header"; readonly name: string }
  | {
      readonly kind: "authentication";
      readonly username: TextTemplate | undefined;
      readonly password: TextTemplate | undefined;
    }
  | { readonly kind: "custom"; readonly name: string };

export type KeywordParse = { readonly node: KeywordNode } | { readonly error: string };

/** Compiles a parameter value that may itself hold keywords (SIPp compiles them as nested SendingMessages). */
export type CompileNested = (raw: string) => TextTemplate;

// RFC 3261 25.1: token characters (header names).
const HEADER_NAME = /^[A-Za-z0-9\-.!%*_+`'~]+:?$/;
const CUSTOM_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const DIGITS = /^\d+$/;

/** Parses the text between `[` and `]`. */
export function parseKeyword(text: string, compileNested: CompileNested): KeywordParse {
  const spaceAt = text.search(/\s/);
  const head = spaceAt < 0 ? text : text.slice(0, spaceAt);
  const params = spaceAt < 0 ? "" : text.slice(spaceAt);

  if (head.startsWith("field")) return parseField(head, params, compileNested);
  if (head === "file") return parseFile(params, compileNested);
  if (head === "fill") return parseFill(params);
  if (head === "authentication") return parseAuthentication(params, compileNested);
  if (params.trim() !== "") return { error: `keyword [${head}] takes no parameters` };

  // SIPp behaviour: `+N` / `-N` right after the name is an offset ([cseq+1], [branch-1], [len+3]).
  let name = head;
  let offset = 0;
  const sign = findOffsetSign(head);
  if (sign < 0) {
    const at = head.search(/[+-]/);
    const before = at < 0 ? "" : head.slice(0, at);
    if (before === "len" || SIMPLE_SET.has(before))
      return { error: `malformed offset in [${head}]: expected +N or -N` };
  } else {
    const digits = head.slice(sign + 1);
    if (!DIGITS.test(digits)) return { error: `malformed offset in [${head}]: expected digits after '${head[sign]}'` };
    name = head.slice(0, sign);
    offset = (head[sign] === "-" ? -1 : 1) * Number(digits);
    if (!OFFSET_KEYWORDS.has(name)) return { error: `keyword [${name}] does not take an offset` };
  }

  if (name === "len") return { node: { kind: "len", offset } };
  if (SIMPLE_SET.has(name)) return { node: { kind: "simple", name: name as SimpleKeyword, offset } };
  if (name.startsWith("$")) {
    const variable = name.slice(1);
    if (variable === "") return { error: "[$] needs a variable name" };
    return { node: { kind: "variable", name: variable } };
  }
  if (name.startsWith("last_")) {
    const header = name.slice("last_".length);
    if (header === "" || header === ":" || !HEADER_NAME.test(header)) {
      return { error: `[${name}] does not name a header (expected [last_Name:])` };
    }
    return { node: { kind: "last_header", name: header.endsWith(":") ? header.slice(0, -1) : header } };
  }
  if (UNSUPPORTED.test(name)) return { error: `keyword [${name}] is not supported by sipwright` };
  if (CUSTOM_KEY.test(name)) return { node: { kind: "custom", name } };
  return { error: `unknown keyword [${text}]` };
}

/** Index of a `+`/`-` followed by a digit, as SIPp looks for one (first `+`, else first `-`). */
function findOffsetSign(head: string): number {
  for (const c of ["+", "-"]) {
    const at = head.indexOf(c);
    if (at >= 0) {
      const next = head.charCodeAt(at + 1);
      return next >= 0x30 && next <= 0x39 ? at : -1;
    }
  }
  return -1;
}

function parseField(head: string, params: string, compileNested: CompileNested): KeywordParse {
  const number = head.slice("field".length);
  if (!DIGITS.test(number)) return { error: `[${head}]: expected [fieldN] with N a field number` };
  const parsed = parseParams(params, ["file", "line"]);
  if ("error" in parsed) return parsed;
  const lineRaw = parsed.values.get("line");
  let line: number | TextTemplate | undefined;
  if (lineRaw !== undefined) line = DIGITS.test(lineRaw) ? Number(lineRaw) : compileNested(lineRaw);
  return { node: { kind: "field", index: Number(number), file: parsed.values.get("file"), line } };
}

function parseFile(params: string, compileNested: CompileNested): KeywordParse {
  const parsed = parseParams(params, ["name"]);
  if ("error" in parsed) return parsed;
  const name = parsed.values.get("name");
  // SIPp behaviour: "No name specified for 'file' keyword!".
  if (name === undefined || name === "") return { error: "[file] needs name=..." };
  return { node: { kind: "file", name: compileNested(name) } };
}

function parseFill(params: string): KeywordParse {
  const parsed = parseParams(params, ["variable", "text"]);
  if ("error" in parsed) return parsed;
  const variable = parsed.values.get("variable");
  if (variable === undefined || variable === "") return { error: "[fill] needs variable=..." };
  // SIPp behaviour: the fill text defaults to "X".
  const text = parsed.values.get("text");
  return { node: { kind: "fill", variable, text: text === undefined || text === "" ? "X" : text } };
}

function parseAuthentication(params: string, compileNested: CompileNested): KeywordParse {
  const parsed = parseParams(params, ["username", "password", "aka_K", "aka_OP", "aka_AMF"]);
  if ("error" in parsed) return parsed;
  for (const aka of ["aka_K", "aka_OP", "aka_AMF"]) {
    if (parsed.values.has(aka)) return { error: `[authentication] ${aka}: AKA authentication is not supported` };
  }
  const username = parsed.values.get("username");
  const password = parsed.values.get("password");
  return {
    node: {
      kind: "authentication",
      username: username === undefined ? undefined : compileNested(username),
      password: password === undefined ? undefined : compileNested(password),
    },
  };
}

type ParamParse = { readonly values: Map<string, string> } | { readonly error: string };

/**
 * `name=value` parameters separated by white space. Values as SIPp's getKeywordParam reads them: `0x...` hex bytes,
 * a `"quoted"` string with backslash escapes, or the characters up to the next white space.
 */
export function parseParams(text: string, allowed: readonly string[]): ParamParse {
  const values = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
    if (i >= text.length) break;
    const eq = text.indexOf("=", i);
    const nextSpace = text.slice(i).search(/\s/);
    if (eq < 0 || (nextSpace >= 0 && i + nextSpace < eq)) {
      return { error: `expected name=value, found '${text.slice(i).split(/\s/)[0] ?? ""}'` };
    }
    const name = text.slice(i, eq);
    if (!allowed.includes(name)) return { error: `unknown parameter '${name}' (allowed: ${allowed.join(", ")})` };
    i = eq + 1;
    let value = "";
    if (text.startsWith("0x", i)) {
      let j = i + 2;
      while (j < text.length && /[0-9A-Fa-f]/.test(text.charAt(j))) j++;
      const hex = text.slice(i + 2, j);
      value = Buffer.from(hex.length % 2 === 1 ? `${hex.slice(0, -1)}0${hex.slice(-1)}` : hex, "hex").toString(
        "latin1",
      );
      i = j;
    } else if (text.charAt(i) === '"') {
      let j = i + 1;
      while (j < text.length && text.charAt(j) !== '"') {
        if (text.charAt(j) === "\\" && j + 1 < text.length) j++;
        value += text.charAt(j);
        j++;
      }
      if (j >= text.length) return { error: `unterminated quoted value for '${name}'` };
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text.charAt(j))) j++;
      value = text.slice(i, j);
      i = j;
    }
    values.set(name, value);
  }
  return { values };
}
