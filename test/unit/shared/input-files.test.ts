/**
 * readInputFile (every user-named input file) and makeDirs (every output folder): issue 12 items 2 and 3. Only
 * regular files within the size limit are read; a folder under /proc or below a file fails at once with its name.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SipwrightError } from "../../../src/shared/errors.js";
import { INPUT_FILES, readInputFile } from "../../../src/shared/input-files.js";
import { makeDirs } from "../../../src/shared/make-dirs.js";

const SMALL = { what: "a test file", maxBytes: 1000 };

function fileError(message: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof SipwrightError, String(error));
    assert.equal(error.code, "FILE_ERROR");
    assert.match(error.message, message);
    return true;
  };
}

describe("readInputFile", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-input-files-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("reads a regular file up to the limit, byte for byte", async () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
    await writeFile(join(dir, "exact"), bytes);
    assert.deepEqual(readInputFile(join(dir, "exact"), SMALL), bytes);
    await writeFile(join(dir, "empty"), "");
    assert.equal(readInputFile(join(dir, "empty"), SMALL).length, 0);
  });

  it("refuses a file one byte over the limit, naming the limit and the size", async () => {
    await writeFile(join(dir, "over"), Buffer.alloc(1001));
    assert.throws(
      () => readInputFile(join(dir, "over"), SMALL),
      fileError(/^a test file may be at most 1000 bytes \(docs\/cli\.md, File limits\); this one is 1001 bytes$/),
    );
  });

  it("refuses devices, FIFOs and folders without reading them (a FIFO with no writer does not block)", () => {
    assert.throws(
      () => readInputFile("/dev/zero", SMALL),
      fileError(/must be a regular file; this one is a character device/),
    );
    execFileSync("mkfifo", [join(dir, "fifo")]);
    assert.throws(() => readInputFile(join(dir, "fifo"), SMALL), fileError(/this one is a FIFO$/));
    assert.throws(() => readInputFile(dir, SMALL), fileError(/this one is a folder$/));
  });

  it("stops at the limit a file that reports a smaller size than it holds (/proc)", () => {
    // /proc/self/maps is a regular file of size 0 that holds more than a few bytes.
    assert.throws(
      () => readInputFile("/proc/self/maps", { what: "a test file", maxBytes: 10 }),
      fileError(/this one is larger$/),
    );
    assert.ok(readInputFile("/proc/self/maps", INPUT_FILES.tls).length > 10);
  });

  it("passes the open error on", () => {
    assert.throws(() => readInputFile(join(dir, "nope"), SMALL), fileError(/ENOENT/));
  });
});

describe("makeDirs", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-make-dirs-"));
  });
  after(async () => {
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("makes missing parents and accepts existing folders", async () => {
    const deep = join(dir, "a", "b", "c");
    makeDirs(deep);
    makeDirs(deep);
    assert.ok((await stat(deep)).isDirectory());
  });

  it("fails at once under /proc, naming the folder it could not make (Node's recursive mkdir spins there)", () => {
    const started = Date.now();
    assert.throws(
      () => makeDirs("/proc/sipwright-nonexistent/a/b"),
      fileError(/^cannot create folder \/proc\/sipwright-nonexistent: ENOENT/),
    );
    assert.ok(Date.now() - started < 1000);
  });

  it("names a file in the way", async () => {
    await writeFile(join(dir, "file"), "x");
    assert.throws(
      () => makeDirs(join(dir, "file", "sub")),
      fileError(new RegExp(`^cannot create folder ${join(dir, "file")}: it exists and is not a folder$`)),
    );
    assert.throws(() => makeDirs("/dev/null/x"), fileError(/^cannot create folder \/dev\/null: it exists and is not/));
  });
});
