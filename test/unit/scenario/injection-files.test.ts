import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InjectionFiles, parseInjectionFile } from "../../../src/scenario/injection-files.js";
import { ConfigError } from "../../../src/shared/errors.js";

describe("InjectionFiles", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "sipwright-inf-"));
    await writeFile(
      join(dir, "users.csv"),
      "SEQUENTIAL\n# comment\nalice;secret;1001\nbob;pw2;1002\r\ncarol;;1003\n\nignored;after;blank\n",
    );
    await writeFile(join(dir, "rand.csv"), "RANDOM\nr0\nr1\nr2\nr3\n");
    await writeFile(join(dir, "byuser.csv"), "USER\nu1\nu2\n");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const load = (names: string[], random = () => 0.6, indexField?: number) =>
    InjectionFiles.load(
      names.map((n, i) => ({ path: join(dir, n), indexField: i === 0 ? indexField : undefined })),
      { random },
    );

  it("gives SEQUENTIAL lines by call number, skips comments and stops at the first empty line", async () => {
    const files = await load(["users.csv"]);
    const fields = [1, 2, 3, 4].map((n) => files.cursorForCall(n, undefined).field(0, undefined, undefined));
    assert.deepEqual(fields, ["alice", "bob", "carol", "alice"]);
    const c2 = files.cursorForCall(2, undefined);
    assert.equal(c2.field(1, undefined, undefined), "pw2");
    assert.equal(c2.field(2, undefined, undefined), "1002");
    assert.equal(c2.field(7, undefined, undefined), "");
    assert.equal(files.cursorForCall(3, undefined).field(1, undefined, undefined), "");
  });

  it("reads another file by name and an explicit line", async () => {
    const files = await load(["users.csv", "rand.csv"]);
    const c = files.cursorForCall(1, undefined);
    assert.equal(c.field(0, "rand.csv", undefined), "r2");
    assert.equal(c.field(0, join(dir, "rand.csv"), 3), "r3");
    assert.equal(c.field(0, undefined, 1), "bob");
    assert.equal(c.has("rand.csv"), true);
    assert.equal(c.has("nope.csv"), false);
    assert.equal(c.field(0, "nope.csv", undefined), undefined);
  });

  it("gives USER lines by user id and no line without one", async () => {
    const files = await load(["byuser.csv"]);
    assert.equal(files.cursorForCall(9, 2).field(0, undefined, undefined), "u2");
    assert.equal(files.cursorForCall(9, undefined).field(0, undefined, undefined), "");
    assert.throws(() => files.cursorForCall(1, 3), ConfigError);
  });

  it("looks up, inserts and replaces lines of an -infindex file", async () => {
    const files = await load(["users.csv"], undefined, 0);
    const c = files.cursorForCall(1, undefined);
    assert.equal(c.lookup(join(dir, "users.csv"), "bob"), 1);
    assert.equal(c.lookup(join(dir, "users.csv"), "zed"), -1);
    c.insert("users.csv", "zed;z;1004");
    assert.equal(c.lookup("users.csv", "zed"), 3);
    c.replace("users.csv", 1, "bobby;b;1002");
    assert.equal(c.lookup("users.csv", "bob"), -1);
    assert.equal(c.lookup("users.csv", "bobby"), 1);
    assert.throws(() => {
      c.replace("users.csv", 9, "x");
    }, ConfigError);
  });

  it("rejects a bad header line and an empty file with the file name", async () => {
    await writeFile(join(dir, "bad.csv"), "ORDERED\na;b\n");
    await assert.rejects(
      load(["bad.csv"]),
      (e: unknown) => e instanceof ConfigError && e.message.includes("bad.csv:1"),
    );
    assert.throws(() => parseInjectionFile("empty.csv", "SEQUENTIAL\n"), /zero lines/);
    await assert.rejects(load(["missing.csv"]), ConfigError);
  });
});

describe("parseInjectionFile PRINTF", () => {
  it("expands %d with offset + line * multiple over the virtual lines", () => {
    const f = parseInjectionFile("p.csv", "SEQUENTIAL,PRINTF=100,PRINTFMULTIPLE=2,PRINTFOFFSET=1000\nuser%04d;%d%%\n");
    assert.equal(f.lineCount, 100);
    assert.equal(f.field(0, 0), "user1000");
    assert.equal(f.field(5, 0), "user1010");
    assert.equal(f.field(5, 1), "1010%");
    assert.equal(f.field(100, 0), "");
    assert.throws(() => {
      f.insert("x");
    }, ConfigError);
  });

  it("rejects PRINTF without a number", () => {
    assert.throws(() => parseInjectionFile("p.csv", "SEQUENTIAL,PRINTF\na\n"), /requires =/);
  });
});
