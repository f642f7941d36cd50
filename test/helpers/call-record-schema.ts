/**
 * docs/call-record.schema.json as an ajv validator, and a strict reader for call_records.jsonl: every test that
 * produces call records checks each line against the published schema with these.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { CallRecord } from "../../src/records/call-record.js";

export const CALL_RECORD_SCHEMA_PATH = fileURLToPath(new URL("../../docs/call-record.schema.json", import.meta.url));

export type RecordValidator = (record: unknown) => string | undefined;

/** Compiles the schema (ajv strict mode: a schema keyword ajv does not know is an error too). */
export async function callRecordValidator(): Promise<RecordValidator> {
  const schema = JSON.parse(await readFile(CALL_RECORD_SCHEMA_PATH, "utf8")) as object;
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  // ajv-formats is CommonJS: under Node ESM its default import is the module, the plugin is its `default`.
  addFormatsModule.default(ajv);
  const validate = ajv.compile(schema);
  return (record) => (validate(record) ? undefined : ajv.errorsText(validate.errors, { separator: "; " }));
}

/**
 * Reads a JSONL file of call records: every line must end with "\n" and parse as JSON. Throws with the line
 * number otherwise. Does not check the schema (use callRecordValidator).
 */
export async function readJsonLines(path: string): Promise<unknown[]> {
  const text = await readFile(path, "utf8");
  if (text === "") return [];
  if (!text.endsWith("\n")) throw new Error(`${path}: the last line is incomplete (no final newline)`);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (error) {
        throw new Error(`${path}:${i + 1}: not JSON: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
    });
}

/** Reads call_records.jsonl and checks every line against the schema; returns the records. */
export async function readCallRecords(path: string): Promise<CallRecord[]> {
  const validate = await callRecordValidator();
  const lines = await readJsonLines(path);
  lines.forEach((line, i) => {
    const problem = validate(line);
    if (problem !== undefined) throw new Error(`${path}:${i + 1}: not a valid call record: ${problem}`);
  });
  return lines as CallRecord[];
}
