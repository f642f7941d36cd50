/**
 * JsonlWriter: one line per record, in order, appended (never rewritten), written in batches of whole lines, and a
 * process killed with SIGKILL in the middle of writing leaves a file whose every line is complete.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FakeClock } from "../../../src/shared/clock.js";
import { ClosedError, SipwrightError } from "../../../src/shared/errors.js";
import { JsonlWriter } from "../../../src/records/jsonl-writer.js";
import { readJsonLines } from "../../helpers/call-record-schema.js";
import { startProcess, stopStartedProcesses, waitExit, type StartedProcess } from "../../helpers/processes.js";

after(stopStartedProcesses);

const WRITER_MODULE = fileURLToPath(new URL("../../../src/records/jsonl-writer.ts", import.meta.url));
const TSX_LOADER = import.meta.resolve("tsx");

/** Waits (polling every 5 ms, bounded) until `condition` holds. */
async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function fileText(path: string): Promise<string> {
  return readFile(path, "utf8").catch((error: unknown) => {
    // Not created yet: nothing written so far.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  });
}

describe("JsonlWriter", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-jsonl-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("writes one line per record, in order, and the closed file parses line by line", async () => {
    const path = join(dir, "order.jsonl");
    const writer = new JsonlWriter<{ n: number; text: string }>({ path });
    for (let n = 0; n < 1000; n++) writer.write({ n, text: `record "${n}"\nwith a newline` });
    assert.equal(writer.lines, 1000);
    await writer.close();
    const lines = await readJsonLines(path);
    assert.deepEqual(
      lines.map((l) => (l as { n: number }).n),
      Array.from({ length: 1000 }, (_, n) => n),
    );
  });

  it("takes a burst many batches long while a write is in flight, UTF-8 text included, every line in order", async () => {
    const path = join(dir, "burst.jsonl");
    const writer = new JsonlWriter<{ n: number; text: string }>({ path, flushBytes: 4096 });
    const text = "é ✓ 𝄞 ".repeat(40);
    for (let n = 0; n < 20_000; n++) writer.write({ n, text });
    await writer.close();
    const lines = (await readJsonLines(path)) as { n: number; text: string }[];
    assert.equal(lines.length, 20_000);
    assert.ok(lines.every((l, i) => l.n === i && l.text === text));
  });

  it("holds a small batch until it is flushIntervalMs old", async () => {
    const path = join(dir, "interval.jsonl");
    const clock = new FakeClock();
    const writer = new JsonlWriter({ path, clock, flushIntervalMs: 100 });
    writer.write({ n: 1 });
    clock.advance(99);
    // No write is in flight: a flush now would be the first one. Check the file on the next turns of the loop.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await fileText(path), "", "nothing written before 100 ms");
    clock.advance(1);
    await waitFor("the batch written after 100 ms", async () => (await fileText(path)) === '{"n":1}\n');
    await writer.close();
  });

  it("writes a batch as soon as it reaches flushBytes, without waiting for the timer", async () => {
    const path = join(dir, "size.jsonl");
    const clock = new FakeClock();
    const record = (n: number): object => ({ n, pad: "x".repeat(100) });
    const lineLength = JSON.stringify(record(10)).length + 1;
    const writer = new JsonlWriter({ path, clock, flushBytes: 10 * lineLength });
    for (let n = 10; n < 22; n++) writer.write(record(n));
    await waitFor("the first ten lines written", async () => (await fileText(path)).length === 10 * lineLength);
    assert.equal(clock.pending, 1, "the last two lines wait for their timer");
    await writer.close();
    assert.equal((await readJsonLines(path)).length, 12);
  });

  it("flush() resolves once every record so far is in the file", async () => {
    const path = join(dir, "flush.jsonl");
    const writer = new JsonlWriter({ path, clock: new FakeClock() });
    writer.write({ a: 1 });
    writer.write({ a: 2 });
    await writer.flush();
    assert.equal(await fileText(path), '{"a":1}\n{"a":2}\n');
    await writer.close();
  });

  it("appends to an existing file and never rewrites it", async () => {
    const path = join(dir, "append.jsonl");
    await writeFile(path, '{"earlier":true}\n');
    const writer = new JsonlWriter({ path });
    writer.write({ later: true });
    await writer.close();
    assert.equal(await fileText(path), '{"earlier":true}\n{"later":true}\n');
  });

  it("rejects a record after close, and close is idempotent", async () => {
    const writer = new JsonlWriter({ path: join(dir, "closed.jsonl") });
    await writer.close();
    await writer.close();
    assert.throws(() => writer.write({}), ClosedError);
  });

  it("throws FILE_ERROR when the file cannot be opened", () => {
    assert.throws(
      () => new JsonlWriter({ path: dir }),
      (error: unknown) => error instanceof SipwrightError && error.code === "FILE_ERROR",
    );
  });
});

/** A child that writes records as fast as it can and prints how many lines it has flushed. */
function childScript(): string {
  return `
import { JsonlWriter } from ${JSON.stringify(pathToFileURL(WRITER_MODULE).href)};
const writer = new JsonlWriter({ path: process.argv[2] });
const pad = "x".repeat(300);
let n = 0;
let ticks = 0;
function loop() {
  for (let i = 0; i < 400; i++) writer.write({ n: n++, pad, nested: { text: "line\\nbreak", list: [1, 2, 3] } });
  if (++ticks % 10 === 0) {
    const lines = n;
    writer.flush().then(() => process.stdout.write("flushed " + lines + "\\n"));
  }
  setImmediate(loop);
}
loop();
`;
}

function lastFlushed(proc: StartedProcess): number {
  const matches = [...proc.stdout().matchAll(/flushed (\d+)/g)];
  return Number(matches.at(-1)?.[1] ?? 0);
}

describe("JsonlWriter in a process killed with SIGKILL", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-jsonl-kill-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("leaves only complete lines, in order, with everything flushed before the kill", async () => {
    const script = join(dir, "writer-child.mts");
    const path = join(dir, "killed.jsonl");
    await writeFile(script, childScript());
    const child = await startProcess(process.execPath, ["--import", TSX_LOADER, script, path]);
    // Several batches are out and the child is still writing when it is killed.
    await waitFor("the child flushed 20,000 lines", () => lastFlushed(child) >= 20_000 || !child.isAlive(), 30_000);
    assert.ok(child.isAlive(), `the child exited early: ${child.stderr()}`);
    const flushed = lastFlushed(child);
    child.kill("SIGKILL");
    const status = await waitExit(child, 10_000);
    assert.equal(status.signal, "SIGKILL");

    const lines = await readJsonLines(path);
    assert.ok(lines.length >= flushed, `${lines.length} lines, but ${flushed} were flushed before the kill`);
    lines.forEach((line, i) => {
      assert.equal((line as { n: number }).n, i, `line ${i + 1} is record ${i}`);
    });
  });
});
