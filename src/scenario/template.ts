/**
 * Message templates: a `<send>` CDATA (or a keyword-bearing attribute value) compiled once into literal Buffers and
 * keyword nodes, so that rendering only concatenates (see render-message.ts).
 */
import type { SendStep } from "./model.js";
import { parseKeyword } from "./keyword.js";
import type { KeywordNode } from "./keyword.js";

export type { KeywordNode };

/** A compiled piece: literal bytes (CRLF line ends already in place) or a keyword. */
export type TemplatePart = Buffer | KeywordNode;

export interface MessageTemplate {
  readonly kind: "message";
  readonly parts: readonly TemplatePart[];
}

export interface TextTemplate {
  readonly kind: "text";
  readonly parts: readonly TemplatePart[];
}

export interface TemplateProblem {
  readonly offset: number;
  readonly length: number;
  readonly message: string;
}

/** SIPp's limit on the text between the brackets (KEYWORD_SIZE in message.cpp). */
const KEYWORD_SIZE = 256;

/** SIPp CDATA normalisation + keyword compilation. Offsets are into `raw` exactly as given (before normalisation). */
export function compileMessageTemplate(
  raw: string,
  encoding: "utf8" | "latin1" = "utf8",
): { template: MessageTemplate; problems: TemplateProblem[]; customKeys: CustomKeyUse[]; variables: VariableUse[] } {
  const problems: TemplateProblem[] = [];
  const customKeys: CustomKeyUse[] = [];
  const variables: VariableUse[] = [];
  const clean = cleanCdata(raw);
  if (clean.empty) problems.push({ offset: 0, length: raw.length, message: "empty message in CDATA" });
  const parts = compileParts(clean.text, clean.map, problems, encoding, { customKeys, variables });
  return { template: { kind: "message", parts }, problems, customKeys, variables };
}

/** Keyword compilation for attribute values (assignstr value, log message, ...): no CDATA normalisation. */
export function compileTextTemplate(raw: string): {
  template: TextTemplate;
  problems: TemplateProblem[];
  customKeys: CustomKeyUse[];
  variables: VariableUse[];
} {
  const problems: TemplateProblem[] = [];
  const customKeys: CustomKeyUse[] = [];
  const variables: VariableUse[] = [];
  const map: number[] = [];
  for (let i = 0; i <= raw.length; i++) map.push(i);
  const parts = compileParts(raw, map, problems, "utf8", { customKeys, variables });
  return { template: { kind: "text", parts }, problems, customKeys, variables };
}

/** What the first line says when literal: request method, response status, or unknown. */
export function describeSends(t: MessageTemplate): SendStep["sends"] {
  const first = t.parts[0];
  // SIPp behaviour: "You can not use a keyword for the METHOD or to generate SIP/2.0".
  if (!Buffer.isBuffer(first)) return { kind: "unknown" };
  const eol = first.indexOf("\r\n");
  const line = first.toString("utf8", 0, eol < 0 ? first.length : eol).trimStart();
  const space = line.indexOf(" ");
  if (space <= 0) return { kind: "unknown" };
  const word = line.slice(0, space);
  if (word === "SIP/2.0") {
    const code = /^\s*(\d+)(\s|$)/.exec(line.slice(space));
    const status = code?.[1] === undefined ? NaN : Number(code[1]);
    // SIPp behaviour: "Response codes must be in the range of 100-700".
    return status >= 100 && status < 700 ? { kind: "response", status } : { kind: "unknown" };
  }
  return { kind: "request", method: word };
}

/** A `[name]` keyword that must come from `-key name value`, and where it starts in the raw text. */
export interface CustomKeyUse {
  readonly name: string;
  readonly offset: number;
}

/** A variable a keyword reads (`[$name]`, `[fill variable=name]`), and where its keyword starts in the raw text. */
export interface VariableUse {
  readonly name: string;
  readonly offset: number;
}

/** Names of `[name]` keywords that are neither built-in nor malformed: they must be given with `-key name value`. */
export function customKeysUsed(t: MessageTemplate | TextTemplate): string[] {
  const names = new Set<string>();
  const visit = (parts: readonly TemplatePart[]): void => {
    for (const part of parts) {
      if (Buffer.isBuffer(part)) continue;
      if (part.kind === "custom") names.add(part.name);
      else if (part.kind === "file") visit(part.name.parts);
      else if (part.kind === "field" && typeof part.line === "object") visit(part.line.parts);
      else if (part.kind === "authentication") {
        if (part.username !== undefined) visit(part.username.parts);
        if (part.password !== undefined) visit(part.password.parts);
      }
    }
  };
  visit(t.parts);
  return [...names];
}

interface CleanText {
  readonly text: string;
  /** map[i] = offset in raw of text[i]; characters SIPp appends map to the end of the kept text. */
  readonly map: readonly number[];
  readonly empty: boolean;
}

const isBlank = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n";

/**
 * SIPp behaviour (scenario.cpp clean_cdata, then the send loader):
 * 1. skip leading spaces, tabs and line ends; trim trailing ones, counting the removed line ends;
 * 2. if there is no empty line, append "\n\n" (a headers-only message ends with an empty line);
 * 3. remove spaces at line starts, then spaces at line ends, then tabs at line starts, then tabs at line ends;
 * 4. if line ends were trimmed and the message does not end with "\n", append one "\n" (a body keeps one line end).
 * XML 1.0 2.11 end-of-line handling first turns CRLF and lone CR into LF, as any XML parser would.
 */
export function cleanCdata(raw: string): CleanText {
  let chars: string[] = [];
  let map: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (c === "\r") {
      if (raw.charAt(i + 1) === "\n") continue;
      chars.push("\n");
    } else chars.push(c);
    map.push(i);
  }
  let start = 0;
  while (start < chars.length && isBlank(chars[start])) start++;
  let end = chars.length;
  let removedLineEnds = 0;
  while (end > start && isBlank(chars[end - 1])) {
    if (chars[end - 1] === "\n") removedLineEnds++;
    end--;
  }
  chars = chars.slice(start, end);
  map = map.slice(start, end);
  const empty = chars.length <= 1;
  // Characters SIPp adds map to the end of the kept text.
  const tail = (map[map.length - 1] ?? -1) + 1;
  if (!chars.join("").includes("\n\n")) {
    chars.push("\n", "\n");
    map.push(tail, tail);
  }
  for (const [strip, atLineStart] of [
    [" ", true],
    [" ", false],
    ["\t", true],
    ["\t", false],
  ] as const) {
    const keep: boolean[] = chars.map(() => true);
    for (let i = 0; i < chars.length; i++) {
      if (chars[i] !== "\n") continue;
      let j = atLineStart ? i + 1 : i - 1;
      while (j >= 0 && j < chars.length && chars[j] === strip) {
        keep[j] = false;
        j += atLineStart ? 1 : -1;
      }
    }
    chars = chars.filter((_, i) => keep[i]);
    map = map.filter((_, i) => keep[i]);
  }
  if (removedLineEnds > 0 && chars[chars.length - 1] !== "\n") {
    chars.push("\n");
    map.push(tail);
  }
  map.push(tail);
  return { text: chars.join(""), map, empty };
}

/** Index of `c` at or after `from`, skipping "quoted strings" (SIPp's quoted_strchr); -1 when absent. */
function quotedIndexOf(text: string, c: string, from: number): number {
  for (let p = from; p < text.length; p++) {
    const ch = text.charAt(p);
    if (ch === c) return p;
    if (ch === '"') {
      const close = text.indexOf('"', p + 1);
      if (close < 0) return -1;
      p = close;
    }
  }
  return -1;
}

const HEX = /^[0-9A-Fa-f]$/;

/**
 * SIPp behaviour (message.cpp SendingMessage): LF becomes CRLF; `\xNN` becomes the raw byte NN (one or two hex
 * digits; the character after `\x` is always consumed); `[...]` is a keyword.
 */
function compileParts(
  text: string,
  map: readonly number[],
  problems: TemplateProblem[],
  encoding: "utf8" | "latin1",
  uses: { readonly customKeys: CustomKeyUse[]; readonly variables: VariableUse[] },
): TemplatePart[] {
  const { customKeys, variables } = uses;
  const parts: TemplatePart[] = [];
  const pending: Buffer[] = [];
  let run = "";
  const flushRun = (): void => {
    if (run !== "") pending.push(Buffer.from(run, encoding));
    run = "";
  };
  const flushLiteral = (): void => {
    flushRun();
    const only = pending.length === 1 ? pending[0] : undefined;
    if (pending.length > 0) parts.push(only ?? Buffer.concat(pending));
    pending.length = 0;
  };
  const rawAt = (i: number): number => map[Math.min(i, map.length - 1)] ?? 0;
  const problem = (from: number, to: number, message: string): void => {
    const offset = rawAt(from);
    problems.push({ offset, length: Math.max(1, rawAt(to) - offset), message });
  };
  let authSeen = false;

  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === "\\" && text.charAt(i + 1) === "x") {
      flushRun();
      const d1 = text.charAt(i + 2);
      if (HEX.test(d1)) {
        const d2 = text.charAt(i + 3);
        pending.push(Buffer.from([HEX.test(d2) ? parseInt(d1 + d2, 16) : parseInt(d1, 16)]));
        i += 4;
      } else i += 3;
      continue;
    }
    if (c === "\n") {
      run += "\r\n";
      i++;
      continue;
    }
    if (c !== "[") {
      run += c;
      i++;
      continue;
    }
    let open = i;
    const close = quotedIndexOf(text, "]", open + 1);
    // SIPp behaviour: a '[' before the closing ']' is literal text ("[[call_id]" renders "[" + the Call-ID).
    let inner = quotedIndexOf(text, "[", open + 1);
    while (close >= 0 && inner >= 0 && inner < close) {
      run += text.slice(open, inner);
      open = inner;
      inner = quotedIndexOf(text, "[", open + 1);
    }
    if (close < 0) {
      const eol = text.indexOf("\n", open);
      problem(open, eol < 0 ? text.length : eol, "unterminated '[': keyword without closing ']'");
      run += text.slice(open);
      break;
    }
    const keyword = text.slice(open + 1, close);
    i = close + 1;
    if (keyword === "" || keyword.length > KEYWORD_SIZE) {
      problem(open, i, keyword === "" ? "empty keyword []" : `keyword longer than ${KEYWORD_SIZE} characters`);
      continue;
    }
    const parsed = parseKeyword(keyword, (nested) => {
      const sub = compileTextTemplate(nested);
      for (const p of sub.problems) problems.push({ ...p, offset: rawAt(open), length: rawAt(i) - rawAt(open) });
      for (const k of sub.customKeys) customKeys.push({ name: k.name, offset: rawAt(open) });
      for (const v of sub.variables) variables.push({ name: v.name, offset: rawAt(open) });
      return sub.template;
    });
    if ("error" in parsed) {
      problem(open, i, parsed.error);
      continue;
    }
    if (parsed.node.kind === "authentication") {
      // SIPp behaviour: "Only one [authentication] keyword is currently supported!".
      if (authSeen) problem(open, i, "only one [authentication] keyword per message is supported");
      authSeen = true;
    }
    if (parsed.node.kind === "custom") customKeys.push({ name: parsed.node.name, offset: rawAt(open) });
    if (parsed.node.kind === "variable") variables.push({ name: parsed.node.name, offset: rawAt(open) });
    if (parsed.node.kind === "fill") variables.push({ name: parsed.node.variable, offset: rawAt(open) });
    flushLiteral();
    parts.push(parsed.node);
  }
  flushLiteral();
  return parts;
}
