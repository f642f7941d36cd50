/**
 * Injection files (`-inf`): CSV lines of `;`-separated fields that calls read with [fieldN] (SIPp infile.cpp).
 * The first line picks the order in which calls get lines: SEQUENTIAL, RANDOM or USER, optionally with
 * `PRINTF=n,PRINTFMULTIPLE=m,PRINTFOFFSET=o` (n virtual lines; `%d` in a field becomes offset + line * multiple).
 */
import { basename } from "node:path";
import { ConfigError } from "../shared/errors.js";
import { INPUT_FILES, readInputFile } from "../shared/input-files.js";
import type { InjectionAccess } from "./runtime.js";

export type InjectionOrder = "SEQUENTIAL" | "RANDOM" | "USER";

interface Printf {
  readonly virtualLines: number;
  readonly multiple: number;
  readonly offset: number;
}

/** One loaded file. Lines are kept in memory and may be edited by the insert/replace actions. */
export class InjectionFile {
  readonly path: string;
  readonly order: InjectionOrder;
  readonly lines: string[];
  readonly printf: Printf | undefined;
  readonly indexField: number | undefined;
  readonly #index = new Map<string, number>();

  constructor(path: string, order: InjectionOrder, lines: string[], printf: Printf | undefined, indexField?: number) {
    this.path = path;
    this.order = order;
    this.lines = lines;
    this.printf = printf;
    this.indexField = indexField;
    for (let i = 0; i < lines.length; i++) this.#reindex(i);
  }

  /** Number of lines calls can use (virtual lines for a PRINTF file). */
  get lineCount(): number {
    return this.printf?.virtualLines ?? this.lines.length;
  }

  /** SIPp behaviour (FileContents::getField): field `index` of line `line`; "" when the line or field is absent. */
  field(line: number, index: number): string {
    if (line < 0 || line >= this.lineCount) return "";
    const text = this.lines[this.printf === undefined ? line : line % this.lines.length] ?? "";
    const value = text.split(";")[index] ?? "";
    return this.printf === undefined ? value : expandPrintf(value, this.printf.offset + line * this.printf.multiple);
  }

  lookup(key: string): number {
    // SIPp behaviour: "Invalid Index File" when the file was not indexed with -infindex.
    if (this.indexField === undefined) throw new ConfigError(`lookup in ${this.path}: the file has no -infindex`);
    return this.#index.get(key) ?? -1;
  }

  insert(value: string): void {
    this.#checkEditable();
    this.lines.push(value);
    this.#reindex(this.lines.length - 1);
  }

  replace(line: number, value: string): void {
    this.#checkEditable();
    if (!Number.isInteger(line) || line < 0 || line >= this.lines.length) {
      throw new ConfigError(`replace in ${this.path}: invalid line number ${line} (${this.lines.length} lines)`);
    }
    if (this.indexField !== undefined) {
      const old = this.field(line, this.indexField);
      if (this.#index.get(old) === line) this.#index.delete(old);
    }
    this.lines[line] = value;
    this.#reindex(line);
  }

  #checkEditable(): void {
    if (this.printf !== undefined) throw new ConfigError(`cannot insert or replace into a PRINTF file: ${this.path}`);
  }

  #reindex(line: number): void {
    if (this.indexField !== undefined) this.#index.set(this.field(line, this.indexField), line);
  }
}

function readInjectionFile(spec: { path: string; indexField: number | undefined }): InjectionFile {
  let text: string;
  try {
    text = readInputFile(spec.path, INPUT_FILES.injection).toString("utf8");
  } catch (err) {
    throw new ConfigError(`${spec.path}: cannot read injection file: ${(err as Error).message}`);
  }
  return parseInjectionFile(spec.path, text, spec.indexField);
}

/** Every -inf file of a run; the first one is the default for [fieldN] without `file=`. */
export class InjectionFiles {
  readonly files: readonly InjectionFile[];
  readonly #random: () => number;

  private constructor(files: InjectionFile[], random: () => number) {
    this.files = files;
    this.#random = random;
  }

  /** Reads every file (regular files within the injection file size limit: input-files.ts); rejects with ConfigError. */
  static load(
    specs: { path: string; indexField: number | undefined }[],
    opts: { random: () => number },
  ): Promise<InjectionFiles> {
    try {
      return Promise.resolve(new InjectionFiles(specs.map(readInjectionFile), opts.random));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The file named `name` (as given to -inf, or its base name); the first file when undefined. */
  find(name: string | undefined): InjectionFile | undefined {
    if (name === undefined) return this.files[0];
    return this.files.find((f) => f.path === name) ?? this.files.find((f) => basename(f.path) === name);
  }

  /** The line each file gives this call (SIPp picks them once, when the call is created). */
  cursorForCall(callNumber: number, userId: number | undefined): InjectionAccess {
    const lineOf = new Map<InjectionFile, number>();
    for (const f of this.files) lineOf.set(f, this.#lineFor(f, callNumber, userId));
    return {
      field: (index, file, line) => {
        const f = this.find(file);
        if (f === undefined) return undefined;
        return f.field(line ?? lineOf.get(f) ?? -1, index);
      },
      lookup: (file, key) => this.#require(file).lookup(key),
      insert: (file, value) => {
        this.#require(file).insert(value);
      },
      replace: (file, line, value) => {
        this.#require(file).replace(line, value);
      },
      has: (file) => this.find(file) !== undefined,
    };
  }

  #lineFor(f: InjectionFile, callNumber: number, userId: number | undefined): number {
    const n = f.lineCount;
    switch (f.order) {
      case "SEQUENTIAL":
        return (callNumber - 1) % n;
      case "RANDOM":
        return Math.min(n - 1, Math.floor(this.#random() * n));
      case "USER":
        // SIPp behaviour: no user id, no line; "<file> has only N lines, yet user U was requested" is fatal.
        if (userId === undefined || userId === 0) return -1;
        if (userId - 1 >= n) throw new ConfigError(`${f.path} has only ${n} lines, yet user ${userId} was requested`);
        return userId - 1;
    }
  }

  #require(file: string): InjectionFile {
    const f = this.find(file);
    if (f === undefined) throw new ConfigError(`unknown injection file: ${file}`);
    return f;
  }
}

/**
 * SIPp behaviour (FileContents constructor): line 1 names the order; then data lines until the first empty line;
 * lines starting with `#` are comments. sipwright also drops a trailing CR (CRLF files).
 */
export function parseInjectionFile(path: string, text: string, indexField?: number): InjectionFile {
  const all = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  const header = all[0] ?? "";
  const where = `${path}:1`;
  let order: InjectionOrder;
  if (header.includes("RANDOM")) order = "RANDOM";
  else if (header.includes("SEQUENTIAL")) order = "SEQUENTIAL";
  else if (header.includes("USER")) order = "USER";
  else throw new ConfigError(`${where}: unknown file type '${header}' (valid values are RANDOM, SEQUENTIAL, USER)`);

  let printf: Printf | undefined;
  const virtualLines = headerNumber(header, "PRINTF", where);
  if (virtualLines !== undefined) {
    if (virtualLines === 0) throw new ConfigError(`${where}: a PRINTF file must have at least one virtual line`);
    printf = {
      virtualLines,
      multiple: headerNumber(header, "PRINTFMULTIPLE", where) ?? 1,
      offset: headerNumber(header, "PRINTFOFFSET", where) ?? 0,
    };
  }
  const lines: string[] = [];
  for (let i = 1; i < all.length; i++) {
    const line = all[i] ?? "";
    if (line === "") break;
    if (!line.startsWith("#")) lines.push(line);
  }
  if (lines.length === 0) throw new ConfigError(`${path}: injection file has zero lines`);
  if (printf !== undefined) {
    lines.forEach((line, i) => {
      const bad = checkPrintfLine(line);
      if (bad !== undefined) throw new ConfigError(`${path}: data line ${i + 1}: ${bad}`);
    });
  }
  return new InjectionFile(path, order, lines, printf, indexField);
}

function headerNumber(header: string, key: string, where: string): number | undefined {
  const m = new RegExp(`(?:^|,)\\s*${key}(?![A-Za-z])(=?)([^,]*)`).exec(header);
  if (m === null) return undefined;
  if (m[1] !== "=") throw new ConfigError(`${where}: invalid ${key} specification (requires =)`);
  const value = (m[2] ?? "").trim();
  if (!/^\d+$/.test(value)) throw new ConfigError(`${where}: invalid ${key} value '${value}'`);
  return Number(value);
}

const PRINTF_SPEC = /%(%|(-?)(0?)(\d*)(?:\.(\d+))?d)/g;

function checkPrintfLine(line: string): string | undefined {
  const stripped = line.replace(PRINTF_SPEC, "");
  return stripped.includes("%")
    ? `invalid printf field (only %d with flags -, 0, width, precision): ${line}`
    : undefined;
}

/** C printf of one integer into every `%[-][0][width][.precision]d`; `%%` is a literal percent sign. */
function expandPrintf(field: string, n: number): string {
  return field.replace(PRINTF_SPEC, (_all, spec: string, left: string, zero: string, width: string, prec?: string) => {
    if (spec === "%") return "%";
    let digits = String(Math.abs(n));
    if (prec !== undefined) digits = digits.padStart(Number(prec), "0");
    const sign = n < 0 ? "-" : "";
    const w = width === "" ? 0 : Number(width);
    if (left === "-") return (sign + digits).padEnd(w, " ");
    if (zero === "0" && prec === undefined) return sign + digits.padStart(w - sign.length, "0");
    return (sign + digits).padStart(w, " ");
  });
}
