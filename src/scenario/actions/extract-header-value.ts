/**
 * SIPp behaviour (call.cpp extractSubMessage), used by `<ereg search_in="hdr" header="To:">`: the header name is
 * searched as a plain substring of the whole received message text (headers AND body), the result is what follows
 * the name up to the end of that line — leading space included, no unfolding, no comma splitting. So
 * `header="To:"` also finds `Reply-To:` unless `start_line="true"` requires the name to start a line.
 * `case_indep="true"` compares the name case-insensitively. `occurrence="N"` takes the N-th hit (0 and 1 both mean
 * the first). An absent header gives "".
 */
export interface HeaderSearch {
  readonly caseIndep: boolean;
  readonly occurrence: number;
  readonly startLine: boolean;
}

export function extractHeaderValue(msg: string, name: string, search: HeaderSearch): string {
  const at = findOccurrence(msg, name, search);
  if (at < 0) return "";
  const from = at + name.length;
  let end = from;
  while (end < msg.length && msg.charCodeAt(end) !== 0x0a && msg.charCodeAt(end) !== 0x0d) end++;
  return msg.slice(from, end);
}

function findOccurrence(msg: string, name: string, search: HeaderSearch): number {
  let remaining = search.occurrence;
  let pos = 0;
  const lowerName = name.toLowerCase();
  while (pos < msg.length) {
    const at = search.caseIndep
      ? nextCaseIndep(msg, name, lowerName, pos, search.startLine)
      : nextExact(msg, name, pos);
    if (at < 0) return -1;
    if (!search.caseIndep && search.startLine && at !== 0 && msg.charCodeAt(at - 1) !== 0x0a) {
      pos = at + 1;
      continue;
    }
    if (search.caseIndep && msg.slice(at, at + name.length).toLowerCase() !== lowerName) {
      pos = at + 1;
      continue;
    }
    if (remaining <= 1) return at;
    remaining--;
    pos = at + 1;
  }
  return -1;
}

function nextExact(msg: string, name: string, pos: number): number {
  return msg.indexOf(name, pos);
}

/** The next candidate position: the next line start (start_line) or the next occurrence of the first letter. */
function nextCaseIndep(msg: string, name: string, lowerName: string, pos: number, startLine: boolean): number {
  if (startLine) {
    if (pos === 0) return 0;
    const nl = msg.indexOf("\n", pos);
    return nl < 0 || nl + 1 >= msg.length ? -1 : nl + 1;
  }
  const lower = lowerName.charAt(0);
  const upper = name.charAt(0).toUpperCase();
  for (let i = pos; i < msg.length; i++) {
    const c = msg.charAt(i);
    if (c === lower || c === upper) return i;
  }
  return -1;
}
