/**
 * Renders a compiled template for one call (SIPp's call::createSendingMessage): literal Buffers and keyword values
 * are collected in order, then `[len]` is patched once the body size is known and `[authentication]` is filled in
 * from the rendered request. No regular expressions on this path.
 */
import { SipwrightError } from "../shared/errors.js";
import { INPUT_FILES, readInputFile } from "../shared/input-files.js";
import { buildAuthorization, parseChallenge } from "../sip/digest.js";
import type { CallState, RunValues } from "./runtime.js";
import type { SimpleKeyword } from "./keyword.js";
import type { KeywordNode, MessageTemplate, TemplatePart, TextTemplate } from "./template.js";
import { lastHeader, lastRequestUri, peerTagParam, routeView } from "./dialog-keywords.js";
import { variableToString } from "./variables.js";
import { wsContactHost } from "./ws-contact-host.js";

/** A template could not be rendered for a reason the scenario or run set-up must fix (fails the call). */
export class RenderError extends SipwrightError {
  constructor(message: string) {
    super("SCENARIO_INVALID", message);
  }
}

let cnonceSource: (() => string) | undefined;

/** Test hook: a fixed cnonce for `[authentication]` (undefined restores the random one). */
export function setAuthCnonceSource(source: (() => string) | undefined): void {
  cnonceSource = source;
}

const LF = 0x0a;
const SPACES5 = Buffer.from("     ");
const AUTH_PLACEHOLDER = Buffer.from("[authentication]");
const EMPTY = Buffer.alloc(0);
const BODY_SEPARATOR = Buffer.from("\r\n\r\n");

/**
 * Scratch buffers for rendering: every piece is written straight into one, and the message is copied out once.
 * A pool (not a single buffer) because rendering nests ([authentication] and [file] render their parameters).
 */
const scratchPool: Buffer[] = [];
const SCRATCH_BYTES = 16 * 1024;
/** Keyword values up to this length are copied by a JS loop when they are ASCII (see Output.pushText). */
const ASCII_LOOP_MAX = 64;

/** Collects the rendered bytes and the SIPp markers of one rendering. */
class Output {
  buf: Buffer = scratchPool.pop() ?? Buffer.allocUnsafe(SCRATCH_BYTES);
  length = 0;
  last = -1;
  /** SIPp's supresscrlf: the next literal loses its leading white space. */
  suppress = false;
  lenAt = -1;
  lenOffset = 0;
  authAt = -1;
  auth: Extract<KeywordNode, { kind: "authentication" }> | undefined;

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.#reserve(b.length);
    // TypedArray set, not Buffer#copy: no call into C++ for the many short pieces of a message.
    this.buf.set(b, this.length);
    this.length += b.length;
    this.last = b[b.length - 1] ?? -1;
  }

  pushText(s: string): void {
    const n = s.length;
    if (n === 0) return;
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    this.#reserve(n * 3);
    const buf = this.buf;
    const at = this.length;
    if (n <= ASCII_LOOP_MAX) {
      // Keyword values are mostly short ASCII (addresses, ports, tags): copied here, byte by byte, instead of one
      // call into C++ per keyword; the first non-ASCII code unit hands the whole string to the UTF-8 encoder.
      let i = 0;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i] = c;
        i++;
      }
      if (i === n) {
        this.length = at + n;
        this.last = buf[at + n - 1] ?? -1;
        return;
      }
    }
    this.length = at + buf.write(s, at, "utf8");
    this.last = buf[this.length - 1] ?? -1;
  }

  /** The rendered bytes as a buffer of their own; the scratch buffer goes back to the pool. */
  finish(): Buffer {
    const result = Buffer.from(this.buf.subarray(0, this.length));
    if (this.buf.length === SCRATCH_BYTES) scratchPool.push(this.buf);
    return result;
  }

  #reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(bigger, 0, 0, this.length);
    if (this.buf.length === SCRATCH_BYTES) scratchPool.push(this.buf);
    this.buf = bigger;
  }
}

export function renderMessage(t: MessageTemplate, state: CallState): Buffer {
  return render(runParts(t, state.run), state);
}

/**
 * The keywords whose value depends on the run alone (its addresses, ports, transport, pid), and their values (the
 * `+N` offset applies to the ports; SIPp's [remote_ip] and friends bracket an IPv6 address): a message template's
 * literal text and these values are folded into one buffer per stretch, once per run, so a call renders only what
 * is its own ([call_id], [branch], [cseq], [len] ...). Same bytes as rendering each piece.
 */
const RUN_CONSTANT_VALUES = {
  service: (run) => run.service,
  remote_ip: (run) => bracketed(run.remoteIp),
  remote_host: (run) => run.remoteHost,
  remote_port: (run, offset) => String(run.remotePort + offset),
  transport: (run) => run.transport,
  local_ip: (run) => bracketed(run.localIp),
  local_ip_type: (run) => (run.localIp.includes(":") ? "6" : "4"),
  local_port: (run, offset) => String(run.localPort + offset),
  server_ip: (run) => run.localIp,
  media_ip: (run) => bracketed(run.mediaIp),
  media_ip_type: (run) => (run.mediaIp.includes(":") ? "6" : "4"),
  pid: (run) => String(run.pid),
  users: (run) => String(run.users),
  sipp_version: (run) => run.sippVersion,
  contact_transport: (run) => run.transport.toLowerCase(),
} satisfies Partial<Record<SimpleKeyword, (run: RunValues, offset: number) => string>>;
type RunConstantKeyword = keyof typeof RUN_CONSTANT_VALUES;

function isRunConstant(name: SimpleKeyword): name is RunConstantKeyword {
  return Object.hasOwn(RUN_CONSTANT_VALUES, name);
}

/** The folded parts of a template for the run that rendered it last (one run per process, in practice). */
const foldedParts = new WeakMap<
  MessageTemplate,
  { readonly run: RunValues; readonly parts: readonly TemplatePart[] }
>();

function runParts(t: MessageTemplate, run: RunValues): readonly TemplatePart[] {
  const cached = foldedParts.get(t);
  if (cached?.run === run) return cached.parts;
  const parts = foldRunConstants(t.parts, run);
  foldedParts.set(t, { run, parts });
  return parts;
}

/** C isspace(): what the SIPp line-vanishing rule skips at the start of the next literal. */
function isCSpace(c: number | undefined): boolean {
  return c === 0x20 || (c !== undefined && c >= 0x09 && c <= 0x0d);
}

/**
 * Literal runs extended by the run-constant values that follow them. A stretch always starts with a literal (a
 * literal is where a vanishing line's white space is skipped, see render), and a piece is not added to a stretch
 * that is all white space if it starts with white space, so that skip stops where it stopped before.
 */
function foldRunConstants(parts: readonly TemplatePart[], run: RunValues): TemplatePart[] {
  const out: TemplatePart[] = [];
  let stretch: Buffer[] | undefined;
  let blank = true;
  const close = (): void => {
    if (stretch !== undefined) out.push(stretch.length === 1 ? (stretch[0] ?? EMPTY) : Buffer.concat(stretch));
    stretch = undefined;
  };
  for (const part of parts) {
    const literal = Buffer.isBuffer(part);
    let piece: Buffer | undefined;
    if (literal) piece = part;
    else if (stretch !== undefined && part.kind === "simple" && isRunConstant(part.name)) {
      piece = Buffer.from(RUN_CONSTANT_VALUES[part.name](run, part.offset), "utf8");
    }
    if (piece !== undefined && stretch !== undefined && !(blank && piece.length > 0 && isCSpace(piece[0]))) {
      stretch.push(piece);
      if (blank) blank = piece.every((c) => isCSpace(c));
      continue;
    }
    close();
    if (literal) {
      stretch = [part];
      blank = part.every((c) => isCSpace(c));
    } else out.push(part);
  }
  close();
  return out;
}

export function renderText(t: TextTemplate, state: CallState): string {
  return render(t.parts, state).toString("utf8");
}

function render(parts: readonly TemplatePart[], state: CallState): Buffer {
  const out = new Output();
  for (const part of parts) {
    if (Buffer.isBuffer(part)) {
      if (out.suppress) {
        out.suppress = false;
        let skip = 0;
        // C isspace(): SP, HT, LF, VT, FF, CR.
        while (skip < part.length && (part[skip] === 0x20 || ((part[skip] ?? 0) >= 0x09 && (part[skip] ?? 0) <= 0x0d)))
          skip++;
        out.push(skip === 0 ? part : part.subarray(skip));
      } else out.push(part);
      continue;
    }
    renderKeyword(part, state, out);
  }
  let msg = out.finish();
  if (out.lenAt >= 0) msg = patchLength(msg, out);
  if (out.auth !== undefined) msg = fillAuthentication(msg, out.authAt, out.auth, state);
  return msg;
}

/**
 * SIPp behaviour: `[len]` is the number of bytes after the first CRLFCRLF, `%5u` (`  129`), plus its offset; only the
 * last `[len]` of a message is filled (earlier ones stay five spaces); without a body it is `    0`.
 * (SIPp 3.6.1 then also overwrites the 5 bytes after the marker with CRLFCRLF NUL; sipwright writes `    0` only.)
 */
function patchLength(msg: Buffer, out: Output): Buffer {
  const sep = msg.indexOf(BODY_SEPARATOR);
  const bodyLength = sep < 0 ? 0 : msg.length - sep - 4;
  const value = bodyLength > 0 && bodyLength < 100000 ? String((bodyLength + out.lenOffset) >>> 0) : "0";
  const text = value.length >= 5 ? value : " ".repeat(5 - value.length) + value;
  if (text.length === 5) {
    msg.write(text, out.lenAt, "latin1");
    return msg;
  }
  if (out.authAt > out.lenAt) out.authAt += text.length - 5;
  return Buffer.concat([msg.subarray(0, out.lenAt), Buffer.from(text, "latin1"), msg.subarray(out.lenAt + 5)]);
}

function renderKeyword(node: KeywordNode, state: CallState, out: Output): void {
  const run = state.run;
  switch (node.kind) {
    case "simple":
      if (node.name === "last_message") out.push(state.lastMessage?.raw ?? EMPTY);
      else if (node.name === "routes") renderRoutes(state, out);
      else out.pushText(simpleValue(node.name, node.offset, state));
      return;
    case "len":
      out.lenAt = out.length;
      out.lenOffset = node.offset;
      out.push(SPACES5);
      return;
    case "field": {
      let line: number | undefined;
      if (typeof node.line === "number") line = node.line;
      else if (node.line !== undefined) line = Number.parseInt(renderText(node.line, state), 10) || 0;
      out.pushText(state.injection.field(node.index, node.file, line) ?? "");
      break;
    }
    case "file":
      out.push(readKeywordFile(renderText(node.name, state)));
      return;
    case "variable":
      out.pushText(variableToString(state.variables.get(node.name)));
      break;
    case "fill": {
      const v = state.variables.get(node.variable);
      const length = v?.type === "double" && v.value > 0 ? Math.trunc(v.value) : 0;
      out.pushText(node.text.repeat(Math.ceil(length / node.text.length)).slice(0, length));
      return;
    }
    case "last_header":
      out.pushText(state.lastMessage === undefined ? "" : (lastHeader(state.lastMessage, node.name) ?? ""));
      break;
    case "authentication":
      // SIPp behaviour: filled after the whole message is rendered (auth-int needs the final body).
      out.authAt = out.length;
      out.auth = node;
      out.push(AUTH_PLACEHOLDER);
      return;
    case "custom":
      out.pushText(run.keys.get(node.name) ?? "");
      return;
  }
  // SIPp behaviour: after [last_*], [$var] and [fieldN], if the output ends a line (the keyword rendered nothing at
  // the start of a line), the white space that follows is eaten, so the line vanishes.
  if (out.last === LF) out.suppress = true;
}

function bracketed(ip: string): string {
  return ip.includes(":") ? `[${ip}]` : ip;
}

function simpleValue(
  name: Exclude<SimpleKeyword, "last_message" | "routes">,
  offset: number,
  state: CallState,
): string {
  const run = state.run;
  if (isRunConstant(name)) return RUN_CONSTANT_VALUES[name](run, offset);
  switch (name) {
    // In a run with media each call has its own RTP port pair: all three name it. Without media they render what
    // SIPp renders: -mp, and for auto_media_port media_port + (4 * (call_number - 1)) % 10000.
    case "media_port":
    case "rtpstream_audio_port":
      return String((state.mediaPort ?? run.mediaPort) + offset);
    case "auto_media_port":
      return String((state.mediaPort ?? run.mediaPort + ((4 * (state.callNumber - 1)) % 10000)) + offset);
    case "call_number":
      return String(state.callNumber);
    case "dynamic_id":
      return String(run.nextDynamicId());
    case "call_id":
      return state.callId;
    case "cseq":
      return String(state.cseq + offset);
    case "branch":
      // SIPp behaviour: z9hG4bK-<pid>-<call number>-<message index + offset>.
      return `z9hG4bK-${run.pid}-${state.callNumber}-${state.msgIndex + offset}`;
    case "msg_index":
      return String(state.msgIndex);
    case "next_url":
      return state.routeSet === undefined ? "" : routeView(state.routeSet).nextUrl;
    case "peer_tag_param":
      return peerTagParam(state.peerTag);
    case "last_Request_URI":
      return lastRequestUri(state.lastMessage);
    case "last_cseq_number":
      return String((state.lastMessage?.cseq?.seq ?? 0) + offset);
    case "clock_tick":
      return String(run.clockTick());
    case "userid":
      return String(state.userId ?? 0);
    case "timestamp":
      return formatTimestamp(run.startWallMs + run.clockTick());
    case "date":
      // RFC 2822 / RFC 1123 date in GMT: "Sat, 21 Nov 2026 05:17:48 GMT".
      return new Date(run.startWallMs + run.clockTick()).toUTCString();
    case "webrtc_offer":
    case "webrtc_answer":
    case "webrtc_trickle":
      return webrtcSdp(state, name);
    case "media_transport":
      return state.webrtcSdp === undefined ? "RTP/AVP" : "UDP/TLS/RTP/SAVPF";
    case "ws_contact_host":
      return wsContactHost(run);
  }
}

/**
 * The SDP (or RFC 8840 sdpfrag) the call's WebRTC bridge produced for this keyword. Its last line end is left to
 * the template's own line end, so `[webrtc_offer]` on a line of its own gives the SDP exactly.
 */
function webrtcSdp(state: CallState, name: "webrtc_offer" | "webrtc_answer" | "webrtc_trickle"): string {
  const sdp = state.webrtcSdp?.(name);
  if (sdp === undefined) {
    throw new RenderError(`[${name}] needs a WebRTC call (<scenario webrtc="true"> or --webrtc)`);
  }
  return sdp.endsWith("\r\n") ? sdp.slice(0, -2) : sdp;
}

function renderRoutes(state: CallState, out: Output): void {
  const route = state.routeSet === undefined ? undefined : routeView(state.routeSet).route;
  if (route !== undefined) out.pushText(`Route: ${route}`);
  // SIPp behaviour: without a route set the [routes] line vanishes.
  else if (out.last === LF) out.suppress = true;
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** SIPp's CStat::formatTime (local time): `YYYY-MM-DD<TAB>HH:MM:SS.uuuuuu<TAB>epoch.uuuuuu`. */
export function formatTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  const micros = pad(Math.floor((epochMs % 1000) * 1000), 6);
  const date = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)}`;
  const time = `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${micros}`;
  return `${date}\t${time}\t${Math.floor(epochMs / 1000)}.${micros}`;
}

const fileCache = new Map<string, Buffer>();

/** `[file name=f]`: the file's bytes, read once per path (SIPp reads it on every send). */
function readKeywordFile(path: string): Buffer {
  let data = fileCache.get(path);
  if (data === undefined) {
    try {
      data = readInputFile(path, INPUT_FILES.keyword);
    } catch (err) {
      throw new RenderError(`[file name=${path}]: cannot read the file: ${(err as Error).message}`);
    }
    fileCache.set(path, data);
  }
  return data;
}

/**
 * `[authentication]`: the Authorization (401) or Proxy-Authorization (407) header line for the stored challenge.
 * Method and digest-uri come from the rendered request line (RFC 3261 22.4: digest-uri is the Request-URI); `-auth_uri`
 * replaces the uri with `sip:<auth_uri>` as in SIPp. Username and password default to `-au` (else `-s`) and `-ap`.
 */
function fillAuthentication(
  msg: Buffer,
  at: number,
  node: Extract<KeywordNode, { kind: "authentication" }>,
  state: CallState,
): Buffer {
  const stored = state.authChallenge;
  if (stored === undefined) {
    throw new RenderError('[authentication] without a stored challenge: add auth="true" to the <recv> of the 401/407');
  }
  const challenge = parseChallenge(stored.value);
  if (challenge === undefined)
    throw new RenderError(`[authentication]: cannot parse ${stored.header}: ${stored.value}`);
  const eol = msg.indexOf("\r\n");
  const requestLine = msg.toString("utf8", 0, eol < 0 ? msg.length : eol).split(" ");
  const method = requestLine[0] ?? "";
  const authUri = state.run.authUri;
  const uri = authUri === undefined ? (requestLine[1] ?? "") : /^sips?:/i.test(authUri) ? authUri : `sip:${authUri}`;
  const sep = msg.indexOf(BODY_SEPARATOR);
  const value = buildAuthorization({
    challenge,
    method,
    uri,
    username:
      node.username === undefined ? (state.run.authUsername ?? state.run.service) : renderText(node.username, state),
    // SIPp behaviour: the default -ap is "password".
    password: node.password === undefined ? (state.run.authPassword ?? "password") : renderText(node.password, state),
    body: sep < 0 ? EMPTY : msg.subarray(sep + 4),
    ...(cnonceSource === undefined ? {} : { cnonce: cnonceSource() }),
  });
  const name = stored.header === "WWW-Authenticate" ? "Authorization" : "Proxy-Authorization";
  return Buffer.concat([
    msg.subarray(0, at),
    Buffer.from(`${name}: ${value}`, "utf8"),
    msg.subarray(at + AUTH_PLACEHOLDER.length),
  ]);
}
