import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  isLoopbackHost,
  originAllowed,
  resolveInside,
  tokenMatches,
  tokenRequired,
} from "../../../src/api/security.js";
import { parseListen, parseServeArgs } from "../../../src/api/serve-options.js";
import { parseRange } from "../../../src/api/routes-files.js";

test("loopback and the token decision", () => {
  for (const h of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"]) {
    assert.equal(isLoopbackHost(h), true, h);
  }
  for (const h of ["0.0.0.0", "::", "192.168.1.2", "10.0.0.1", "example.com", "128.0.0.1", "::ffff:10.0.0.1"]) {
    assert.equal(isLoopbackHost(h), false, h);
  }
  assert.equal(tokenRequired("127.0.0.1", false), false);
  assert.equal(tokenRequired("127.0.0.1", true), true);
  assert.equal(tokenRequired("0.0.0.0", false), true);
  assert.equal(tokenRequired("::", false), true);
  assert.equal(tokenRequired("127.0.0.2", false, true), true);
  assert.equal(tokenMatches("abc", "Bearer abc", undefined), true);
  assert.equal(tokenMatches("abc", "bearer  abc", undefined), true);
  assert.equal(tokenMatches("abc", undefined, "abc"), true);
  assert.equal(tokenMatches("abc", "Bearer abd", undefined), false);
  assert.equal(tokenMatches("abc", "Basic abc", undefined), false);
  assert.equal(tokenMatches("abc", undefined, undefined), false);
});

test("origin: same origin or none", () => {
  assert.equal(originAllowed(undefined, "127.0.0.1:7070"), true);
  assert.equal(originAllowed("http://127.0.0.1:7070", "127.0.0.1:7070"), true);
  assert.equal(originAllowed("http://localhost:7070", "127.0.0.1:7070"), false);
  assert.equal(originAllowed("http://127.0.0.1:7071", "127.0.0.1:7070"), false);
  assert.equal(originAllowed("http://evil.example", "127.0.0.1:7070"), false);
  assert.equal(originAllowed("null", "127.0.0.1:7070"), false);
  assert.equal(originAllowed("http://127.0.0.1:7070", undefined), false);
});

test("resolveInside: no way out of the folder", async () => {
  const base = await mkdtemp(join(tmpdir(), "sipwright-paths-"));
  const root = join(base, "job");
  await mkdir(join(root, "recordings"), { recursive: true });
  await writeFile(join(root, "recordings", "a.wav"), "x");
  await writeFile(join(base, "secret"), "s");
  await symlink(join(base, "secret"), join(root, "out"));
  await symlink(join(root, "recordings", "a.wav"), join(root, "in"));
  assert.deepEqual(await resolveInside(root, "recordings/a.wav"), {
    ok: true,
    path: join(root, "recordings", "a.wav"),
  });
  assert.equal((await resolveInside(root, "in")).ok, true);
  for (const p of ["../secret", "recordings/../../secret", "%2e%2e/secret", "%2E%2E%2Fsecret", "/etc/passwd"]) {
    assert.deepEqual(await resolveInside(root, p), { ok: false, status: 403, error: "path outside the job folder" }, p);
  }
  for (const p of ["..\\secret", "a\0b", "./recordings/a.wav", "%zz"])
    assert.equal((await resolveInside(root, p)).ok, false, p);
  assert.deepEqual(await resolveInside(root, "out"), { ok: false, status: 403, error: "path outside the job folder" });
  assert.deepEqual(await resolveInside(root, "missing"), { ok: false, status: 404, error: "no such file" });
});

test("Range header", () => {
  assert.deepEqual(parseRange("bytes=0-99", 1000), { start: 0, end: 99 });
  assert.deepEqual(parseRange("bytes=900-", 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange("bytes=-100", 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange("bytes=990-2000", 1000), { start: 990, end: 999 });
  assert.equal(parseRange("bytes=1000-", 1000), null);
  assert.equal(parseRange("bytes=5-4", 1000), null);
  assert.equal(parseRange(undefined, 1000), undefined);
  assert.equal(parseRange("bytes=0-1,5-6", 1000), undefined);
});

test("serve options", () => {
  assert.deepEqual(parseListen("0.0.0.0:8080"), { host: "0.0.0.0", port: 8080 });
  assert.deepEqual(parseListen("[::1]:0"), { host: "::1", port: 0 });
  assert.deepEqual(parseListen("127.0.0.2"), { host: "127.0.0.2", port: 7070 });
  assert.throws(() => parseListen(":80"), /not HOST:PORT/);
  assert.throws(() => parseListen("h:99999"), /not HOST:PORT/);
  const o = parseServeArgs(["--data", "d", "--token", "t", "--allow-exec"], "/w");
  assert.deepEqual(o, { host: "127.0.0.1", port: 7070, dataDir: "/w/d", token: "t", allowExec: true });
  assert.throws(() => parseServeArgs(["--bogus"], "/w"), /unknown option --bogus/);
  assert.throws(() => parseServeArgs(["--token"], "/w"), /needs a value/);
});
