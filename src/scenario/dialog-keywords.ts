/**
 * Keyword values read from the dialog: the last received message ([last_Hdr:], [last_Request_URI],
 * [peer_tag_param]) and the route set stored by `rrs="true"` ([routes], [next_url]).
 */
import type { HeaderField, SipMessage } from "../sip/message.js";
import type { RouteSetInfo } from "./runtime.js";

/** SIPp behaviour (call.cpp get_header): when the long form is absent, its compact form is tried (never the reverse). */
const COMPACT_FORMS: Readonly<Record<string, string>> = {
  "call-id": "i",
  contact: "m",
  "content-encoding": "e",
  "content-length": "l",
  "content-type": "c",
  from: "f",
  to: "t",
  via: "v",
};

function matching(fields: readonly HeaderField[], lowerName: string): HeaderField[] {
  const found: HeaderField[] = [];
  for (const f of fields) {
    if (equalsLowerAscii(f.name, lowerName)) found.push(f);
  }
  return found;
}

/** `name` equals `lower` (lower-case ASCII) ignoring ASCII case; no string is allocated (this runs per header). */
function equalsLowerAscii(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // Outside ASCII (not a token character, but the parser keeps what it gets): the exact Unicode rule.
    if (c >= 0x80) return name.toLowerCase() === lower;
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * SIPp behaviour ([last_Hdr:]): every instance of the header in the header section of the last message, merged into
 * one line `Name: v1, v2` with the name as the peer wrote it; undefined when absent.
 */
export function lastHeader(msg: SipMessage, name: string): string | undefined {
  const lower = name.toLowerCase();
  if (isAscii(lower)) {
    // The usual case: the wanted lines found by their bytes, without decoding every header of the message.
    let lines = msg.headerLines(lower);
    const compactForm = COMPACT_FORMS[lower];
    if (lines === undefined && compactForm !== undefined) lines = msg.headerLines(compactForm);
    if (lines === undefined) return undefined;
    const joined = lines.values.length === 1 ? (lines.values[0] ?? "") : lines.values.join(", ");
    return joined === "" ? `${lines.name}:` : `${lines.name}: ${joined}`;
  }
  const fields = msg.headerFields();
  let found = matching(fields, lower);
  const compact = COMPACT_FORMS[lower];
  if (found.length === 0 && compact !== undefined) found = matching(fields, compact);
  const first = found[0];
  if (first === undefined) return undefined;
  const value = found.map((f) => f.value).join(", ");
  return value === "" ? `${first.name}:` : `${first.name}: ${value}`;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** SIPp behaviour ([last_Request_URI]): the text between the first `<` and `>` of the last To header, else empty. */
export function lastRequestUri(msg: SipMessage | undefined): string {
  const to = msg === undefined ? undefined : lastHeader(msg, "To");
  if (to === undefined) return "";
  const open = to.indexOf("<");
  const close = to.indexOf(">");
  return open < 0 || close < open ? "" : to.slice(open + 1, close);
}

/**
 * [peer_tag_param]: `;tag=<To tag>` of the latest response received (SIPp keeps it even after a request arrives),
 * else empty.
 */
export function peerTagParam(peerTag: string | undefined): string {
  return peerTag === undefined || peerTag === "" ? "" : `;tag=${peerTag}`;
}

/**
 * What `rrs="true"` stores from the matched message (SIPp behaviour: its Record-Route values and the URI of its
 * Contact; a request keeps the order, a response has it reversed when rendered). RFC 3261 13.3.1.4 / 12.1.2: the
 * Contact of a 2xx is the remote target. A peer that omits the Contact (a malformed 2xx) leaves SIPp rendering an
 * empty [next_url] (`ACK  SIP/2.0`); sipwright falls back to what [last_Request_URI] gives for that message (its To
 * URI: for a UAC, the URI it called), so scenarios written `ACK [next_url]` still reach such a peer.
 */
export function routeSetFrom(msg: SipMessage): RouteSetInfo {
  const contact = lastHeader(msg, "Contact");
  const value = contact === undefined ? "" : contact.slice(contact.indexOf(":") + 1).trim();
  const target = value === "" ? lastRequestUri(msg) : contactUri(splitTopLevelCommas(value)[0] ?? value);
  return {
    recordRoute: msg.headerAll("Record-Route"),
    contact: target === "" ? undefined : target,
    fromRequest: msg.kind === "request",
  };
}

/** RFC 3261 20.10: without `<...>` the parameters after `;` belong to the header, not to the URI. */
function contactUri(value: string): string {
  if (value.includes("<")) return uriOf(value);
  const semi = value.indexOf(";");
  return (semi < 0 ? value : value.slice(0, semi)).trim();
}

export interface RouteView {
  /** The Route header value (`<a>, <b>`), undefined when there is no route set. */
  readonly route: string | undefined;
  /** [next_url]: the remote target URI. */
  readonly nextUrl: string;
}

const routeCache = new WeakMap<RouteSetInfo, RouteView>();

/**
 * RFC 3261 12.1.1 / 12.1.2: the UAS keeps the Record-Route order, the UAC reverses it (SIPp #262). The remote target
 * is the Contact URI. RFC 3261 12.2.1.1: when the first hop is a strict router (no `;lr`), it becomes the
 * Request-URI and the remote target is appended to the route set.
 */
export function routeView(rs: RouteSetInfo): RouteView {
  let view = routeCache.get(rs);
  if (view !== undefined) return view;
  const entries = rs.recordRoute.flatMap(splitTopLevelCommas);
  const ordered = rs.fromRequest ? entries : entries.reverse();
  const contact = rs.contact === undefined ? undefined : uriOf(rs.contact);
  const first = ordered[0];
  if (first === undefined) view = { route: undefined, nextUrl: contact ?? "" };
  else if (!first.includes(";lr")) {
    const rest = ordered.slice(1);
    if (contact !== undefined) rest.push(`<${contact}>`);
    view = { route: rest.length > 0 ? rest.join(", ") : undefined, nextUrl: uriOf(first) };
  } else view = { route: ordered.join(", "), nextUrl: contact ?? "" };
  routeCache.set(rs, view);
  return view;
}

/** The URI inside `<...>`, or the trimmed text when there are no angle brackets. */
function uriOf(text: string): string {
  const open = text.indexOf("<");
  const close = text.indexOf(">", open + 1);
  return open >= 0 && close > open ? text.slice(open + 1, close) : text.trim();
}

/** Splits `<a>, <b>` on commas outside `<...>` and quoted strings. */
function splitTopLevelCommas(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === "<") depth++;
    else if (!quoted && c === ">") depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && c === ",") {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((s) => s !== "");
}
