/**
 * One linear pass over a scenario's XML markup before the validator, for the mistakes fast-xml-parser reports at 1:1
 * or with a garbled message: an unterminated CDATA section, comment or processing instruction; a DOCTYPE with an
 * internal subset, a second DOCTYPE or one inside the document; elements nested deeper than the limit. Each problem
 * is the offset of the markup that opens it. Anything else (mismatched tags, bad attributes) is the validator's.
 */

/** Deepest element nesting accepted (a SIPp scenario needs 4: scenario > recv > action > ereg). */
export const MAX_XML_DEPTH = 100;

export interface MarkupProblem {
  readonly offset: number;
  readonly message: string;
}

const UNTERMINATED: readonly { open: string; close: string; what: string }[] = [
  { open: "<!--", close: "-->", what: "comment" },
  { open: "<![CDATA[", close: "]]>", what: "CDATA section" },
  { open: "<?", close: "?>", what: "processing instruction" },
];

/** Offset just past the `>` ending the markup that starts at `from`, skipping quoted values (and `[...]`). */
function markupEnd(text: string, from: number, brackets: boolean): { end: number; subset: boolean } {
  let quote = "";
  let depth = 0;
  let subset = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote !== "") {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (brackets && c === "[") {
      depth++;
      subset = true;
    } else if (brackets && c === "]") depth--;
    else if (c === ">" && depth <= 0) return { end: i + 1, subset };
  }
  return { end: -1, subset };
}

/** The first markup problem of `text`, or undefined. */
export function scanMarkup(text: string, maxDepth = MAX_XML_DEPTH): MarkupProblem | undefined {
  let depth = 0;
  let rootSeen = false;
  let doctypeSeen = false;
  for (let lt = text.indexOf("<"); lt !== -1; lt = text.indexOf("<", lt)) {
    const kind = UNTERMINATED.find((k) => text.startsWith(k.open, lt));
    if (kind !== undefined) {
      const close = text.indexOf(kind.close, lt + kind.open.length);
      if (close === -1) {
        return { offset: lt, message: `unterminated ${kind.what}: no '${kind.close}' closes the '${kind.open}' here` };
      }
      lt = close + kind.close.length;
      continue;
    }
    if (text.startsWith("<!DOCTYPE", lt)) {
      const { end, subset } = markupEnd(text, lt, true);
      if (rootSeen)
        return { offset: lt, message: "a DOCTYPE is not allowed inside the document (only before <scenario>)" };
      if (doctypeSeen) return { offset: lt, message: "a second DOCTYPE is not allowed" };
      if (subset) {
        return {
          offset: lt,
          message:
            "a DOCTYPE with an internal subset ([...] entity or element declarations) is not allowed " +
            '(SIPp\'s <!DOCTYPE scenario SYSTEM "sipp.dtd"> is accepted and ignored)',
        };
      }
      if (end === -1) return { offset: lt, message: "unterminated DOCTYPE: no '>' closes it" };
      doctypeSeen = true;
      lt = end;
      continue;
    }
    const { end } = markupEnd(text, lt, false);
    // Unterminated tags and other markup are the validator's to report.
    if (end === -1) return undefined;
    if (text[lt + 1] === "/") depth--;
    else if (text[lt + 1] !== "!" && text[end - 2] !== "/") {
      rootSeen = true;
      if (++depth > maxDepth) return { offset: lt, message: `elements are nested deeper than ${maxDepth} levels here` };
    } else if (text[lt + 1] !== "!") rootSeen = true;
    lt = end;
  }
  return undefined;
}
