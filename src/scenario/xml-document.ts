/**
 * XML text -> a small element tree with exact source locations. The one place that imports fast-xml-parser.
 * Every element, attribute and CDATA section knows its file:line:column so the loader can point at the problem.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { ScenarioProblem, SourceLocation } from "../shared/errors.js";
import { MAX_XML_DEPTH, scanMarkup } from "./xml-markup-scan.js";

/** A CDATA section's text (several sections of one element are concatenated) and where each piece starts. */
export interface XmlCdata {
  readonly text: string;
  /** Location of the first character of the text (just after `<![CDATA[`). */
  readonly loc: SourceLocation;
  /** One entry per concatenated section: offset into `text` and where that section's text starts in the file. */
  readonly segments: readonly { readonly offset: number; readonly loc: SourceLocation }[];
}

export interface XmlElement {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** Location of each attribute's name. */
  readonly attrLocs: Readonly<Record<string, SourceLocation>>;
  /** Location of the first character of each attribute's value (just after the opening quote). */
  readonly attrValueLocs: Readonly<Record<string, SourceLocation>>;
  readonly children: readonly XmlElement[];
  readonly cdata: XmlCdata | undefined;
  /** Concatenated (trimmed) text nodes. */
  readonly text: string;
  /** Location of the `<` that opens the element. */
  readonly loc: SourceLocation;
}

export type XmlDocumentResult = { readonly root: XmlElement } | { readonly problems: ScenarioProblem[] };

const CDATA_OPEN = "<![CDATA[";

const PARSER = new XMLParser({
  preserveOrder: true,
  // fast-xml-parser drops attributes by default; SIPp scenarios live in attributes.
  ignoreAttributes: false,
  attributeNamePrefix: "",
  // Keep "05000" and "true" as strings: the loader decides what each attribute means.
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  cdataPropName: "#cdata",
  // Since SIPp 3.6 `&lt;sip:(.*)&gt;` in an attribute means `<sip:(.*)>`.
  processEntities: true,
  captureMetaData: true,
  // The same limit as scanMarkup, which reports where it is passed.
  maxNestedTags: MAX_XML_DEPTH,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

type FxpNode = Record<string | symbol, unknown>;

/**
 * Decode scenario file bytes. SIPp scenarios are usually `encoding="ISO-8859-1"`: latin1 keeps every byte as one
 * character, so we use it unless the document says UTF-8 (or starts with a UTF-8 byte order mark).
 */
export function decodeXmlBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return Buffer.from(bytes.subarray(3)).toString("utf8");
  }
  const head = Buffer.from(bytes.subarray(0, 200)).toString("latin1");
  return Buffer.from(bytes).toString(declaredEncoding(head));
}

/**
 * The encoding a scenario's XML declaration names: "utf8" for UTF-8, "latin1" otherwise (SIPp's usual
 * ISO-8859-1). Message literals are turned back into bytes with it, so a scenario's bytes go out unchanged.
 */
export function declaredEncoding(text: string): "utf8" | "latin1" {
  const declaration = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(text.slice(0, 200));
  const encoding = declaration?.[1]?.toLowerCase();
  return encoding === "utf-8" || encoding === "utf8" ? "utf8" : "latin1";
}

/** Maps offsets of a text to 1-based line/column. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(
    text: string,
    private readonly file: string,
  ) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  locate(offset: number): SourceLocation {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}

/** Location of character `offset` of a (possibly multi-section) CDATA text. */
export function cdataLocation(cdata: XmlCdata, offset: number): SourceLocation {
  let segment = cdata.segments[0] ?? { offset: 0, loc: cdata.loc };
  for (const s of cdata.segments) if (s.offset <= offset) segment = s;
  return advance(segment.loc, cdata.text.slice(segment.offset, offset));
}

/** Location reached from `loc` after reading `passed` (used for offsets inside attribute values and CDATA). */
export function advance(loc: SourceLocation, passed: string): SourceLocation {
  const lastNewline = passed.lastIndexOf("\n");
  if (lastNewline === -1) return { ...loc, column: loc.column + passed.length };
  let lines = 0;
  for (let i = passed.indexOf("\n"); i !== -1; i = passed.indexOf("\n", i + 1)) lines++;
  return { file: loc.file, line: loc.line + lines, column: passed.length - lastNewline };
}

/** Parse and validate an XML document; malformed XML comes back as problems with file:line:column. */
export function parseXmlDocument(rawText: string, file: string): XmlDocumentResult {
  // XML 1.0 section 2.11: line ends are normalised to LF before parsing. Doing it here keeps parser offsets,
  // CDATA text and our locations in one coordinate system.
  const text = rawText.replace(/\r\n?/g, "\n");
  const lines = new LineIndex(text, file);
  const nothing = missingRoot(text);
  if (nothing !== undefined) return { problems: [{ loc: lines.locate(nothing.offset), message: nothing.message }] };
  // What the validator would report at 1:1 or garbled (an unterminated CDATA, a DOCTYPE subset, deep nesting).
  const markup = scanMarkup(text);
  if (markup !== undefined) {
    return { problems: [{ loc: lines.locate(markup.offset), message: `malformed XML: ${markup.message}` }] };
  }
  // fast-xml-parser's parse() does not check well-formedness (an unclosed <send> yields a plausible tree), so we
  // validate first. XMLValidator is marked deprecated in favour of the separate fast-xml-validator package, which
  // is not a dependency; it still works in 5.12.1 and reports line and column.
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { line, col, msg } = validation.err;
    // The validator leaves the column out for some errors: point at the line's start rather than print "undefined".
    const loc = { file, line: line > 0 ? line : 1, column: Number.isInteger(col) && col > 0 ? col : 1 };
    return { problems: [{ loc, message: `malformed XML: ${msg}` }] };
  }
  let nodes: unknown;
  try {
    nodes = PARSER.parse(text);
  } catch (error) {
    // The validator accepted the text, so this is unexpected; report it as a problem rather than crash.
    const reason = error instanceof Error ? error.message : String(error);
    return { problems: [{ loc: lines.locate(0), message: `malformed XML: ${reason}` }] };
  }
  const builder = new TreeBuilder(text, lines);
  const roots = builder.elements(Array.isArray(nodes) ? nodes : []);
  const [root, second] = roots;
  if (root === undefined) return { problems: [{ loc: lines.locate(0), message: "no root element" }] };
  if (second !== undefined) {
    return { problems: [{ loc: second.loc, message: `more than one root element (<${second.tag}>)` }] };
  }
  return { root };
}

/** Markup that holds no element: an XML declaration, comments, a DOCTYPE, processing instructions, blanks. */
const NON_ELEMENT = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*/;

/**
 * An empty file, or one with nothing but comments and declarations, has no root element: say so plainly (the XML
 * validator only says "Start tag expected" with no column). Offset: where the element was expected.
 */
function missingRoot(text: string): { offset: number; message: string } | undefined {
  if (text.trim() === "") return { offset: 0, message: "empty file: no <scenario> element" };
  const skipped = NON_ELEMENT.exec(text)?.[0].length ?? 0;
  if (skipped < text.length) return undefined;
  return { offset: text.length, message: "no <scenario> element: the file holds only comments and declarations" };
}

class TreeBuilder {
  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  elements(nodes: readonly unknown[]): XmlElement[] {
    const out: XmlElement[] = [];
    for (const node of nodes) {
      if (!isNode(node)) continue;
      const tag = Object.keys(node).find((k) => k !== ":@");
      if (tag === undefined || tag.startsWith("?") || tag === "#text" || tag === "#cdata") continue;
      out.push(this.element(tag, node));
    }
    return out;
  }

  private element(tag: string, node: FxpNode): XmlElement {
    const start = metaStart(node);
    const startTagEnd = this.startTagEnd(start);
    const rawAttrs = node[":@"];
    // Object.fromEntries defines own properties, so even an attribute named __proto__ stays plain data.
    const attrs: Record<string, string> = Object.fromEntries(
      isNode(rawAttrs) ? Object.entries(rawAttrs).map(([name, value]) => [name, String(value)]) : [],
    );
    const content = node[tag];
    const childNodes = Array.isArray(content) ? (content as unknown[]) : [];
    const texts: string[] = [];
    const cdataParts: string[] = [];
    for (const child of childNodes) {
      if (!isNode(child)) continue;
      if (typeof child["#text"] === "string" || typeof child["#text"] === "number") texts.push(String(child["#text"]));
      if (Array.isArray(child["#cdata"])) cdataParts.push(cdataText(child["#cdata"] as unknown[]));
    }
    const { names, values } = this.attributeLocations(start, startTagEnd);
    return {
      tag,
      attrs,
      attrLocs: names,
      attrValueLocs: values,
      children: this.elements(childNodes),
      cdata: cdataParts.length > 0 ? this.cdata(cdataParts, startTagEnd) : undefined,
      text: texts.join(""),
      loc: this.lines.locate(start),
    };
  }

  /** Offset just past the `>` of the start tag beginning at `start` (quotes respected). */
  private startTagEnd(start: number): number {
    let quote = "";
    for (let i = start; i < this.text.length; i++) {
      const c = this.text[i];
      if (quote !== "") {
        if (c === quote) quote = "";
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ">") return i + 1;
    }
    return this.text.length;
  }

  private attributeLocations(
    start: number,
    end: number,
  ): { names: Record<string, SourceLocation>; values: Record<string, SourceLocation> } {
    const names: [string, SourceLocation][] = [];
    const values: [string, SourceLocation][] = [];
    const startTag = this.text.slice(start, end);
    const pattern = /\s([^\s=/>"']+)\s*=\s*("[^"]*"|'[^']*')/g;
    for (let m = pattern.exec(startTag); m !== null; m = pattern.exec(startTag)) {
      const [whole, name, quoted] = m;
      if (name === undefined || quoted === undefined) continue;
      names.push([name, this.lines.locate(start + m.index + 1)]);
      values.push([name, this.lines.locate(start + m.index + whole.length - quoted.length + 1)]);
    }
    return { names: Object.fromEntries(names), values: Object.fromEntries(values) };
  }

  /** Find each CDATA section in the source after the start tag, so offsets in the text map to the file. */
  private cdata(parts: readonly string[], from: number): XmlCdata {
    const segments: { offset: number; loc: SourceLocation }[] = [];
    let cursor = from;
    let offset = 0;
    for (const part of parts) {
      let at = this.text.indexOf(CDATA_OPEN, cursor);
      // A `<![CDATA[` inside a comment would not match the parsed text: keep looking.
      while (at !== -1 && this.text.slice(at + CDATA_OPEN.length, at + CDATA_OPEN.length + part.length) !== part) {
        at = this.text.indexOf(CDATA_OPEN, at + 1);
      }
      const textStart = at === -1 ? from : at + CDATA_OPEN.length;
      segments.push({ offset, loc: this.lines.locate(textStart) });
      if (at !== -1) cursor = textStart + part.length;
      offset += part.length;
    }
    const first = segments[0] ?? { offset: 0, loc: this.lines.locate(from) };
    return { text: parts.join(""), loc: first.loc, segments };
  }
}

function isNode(value: unknown): value is FxpNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function metaStart(node: FxpNode): number {
  const meta = node[META];
  if (isNode(meta) && typeof meta.startIndex === "number") return meta.startIndex;
  return 0;
}

function cdataText(nodes: readonly unknown[]): string {
  let out = "";
  for (const n of nodes) {
    if (isNode(n) && (typeof n["#text"] === "string" || typeof n["#text"] === "number")) out += String(n["#text"]);
  }
  return out;
}
