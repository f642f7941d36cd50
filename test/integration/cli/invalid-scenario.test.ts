/**
 * An invalid scenario is rejected before any call: `sipwright -sf bad.xml host:port` exits 255 with
 * `bad.xml:LINE:COL` on stderr and sends nothing to the remote host; `sipwright validate` prints every problem with
 * file:line:column and exits 1, and exits 0 on good files.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LOOPBACK } from "../../helpers/free-port.js";
import { stopStartedProcesses } from "../../helpers/processes.js";
import { flush, udpListener } from "../../helpers/udp-listener.js";
import { runSipwright } from "../../helpers/sipwright.js";

after(stopStartedProcesses);

const FIXTURES = fileURLToPath(new URL("../../fixtures/scenarios/cli/", import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);
const GOOD = fixture("good.xml");
const RUN_BOUND_MS = 30_000;

interface BadScenario {
  readonly what: string;
  readonly file: string;
  /** Where the problem is reported: 1-based line and column in the file. */
  readonly line: number;
  readonly column: number;
  readonly message: RegExp;
}

const BAD: readonly BadScenario[] = [
  // The closing tag that does not match the open <recv> (line 10) is where the XML breaks.
  { what: "malformed XML", file: "malformed-xml.xml", line: 11, column: 1, message: /malformed XML/ },
  {
    what: "an unknown action",
    file: "unknown-action.xml",
    line: 12,
    column: 7,
    message: /unknown action <frobnicate>/,
  },
  // The `next` attribute of the recv on line 10.
  {
    what: "an undefined label",
    file: "undefined-label.xml",
    line: 10,
    column: 24,
    message: /'nowhere' is not defined/,
  },
  // The `[` of the keyword itself.
  { what: "an unknown keyword", file: "unknown-keyword.xml", line: 7, column: 16, message: /\[no_such_keyword\]/ },
  // The `[` of the keyword itself.
  { what: "a malformed keyword", file: "malformed-keyword.xml", line: 7, column: 13, message: /\[cseq\+x\]/ },
];

describe("a scenario given with -sf", () => {
  for (const bad of BAD) {
    it(`with ${bad.what} exits 255 with ${bad.file}:${bad.line}:${bad.column} and sends nothing`, async () => {
      const { socket, port, received } = await udpListener();
      const dir = await mkdtemp(join(tmpdir(), "sipwright-invalid-"));
      try {
        const file = fixture(bad.file);
        const result = await runSipwright(
          ["-sf", file, `${LOOPBACK}:${port}`, "-i", LOOPBACK, "-p", "0", "-m", "1", "-timeout", "10s"].concat([
            "--out",
            join(dir, "out"),
            "--status",
            "none",
          ]),
          { cwd: dir, timeoutMs: RUN_BOUND_MS },
        );
        assert.equal(result.code, 255, `exit code; stderr:\n${result.stderr}`);
        const location = `${file}:${bad.line}:${bad.column}: `;
        const line = result.stderr.split("\n").find((l) => l.startsWith(location));
        assert.ok(line !== undefined, `stderr has no line starting with ${location}:\n${result.stderr}`);
        assert.match(line, bad.message);
        assert.deepEqual(await flush(port, received), [], "sipwright sent traffic before rejecting the scenario");
      } finally {
        socket.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it("that is valid does send to the listening socket (so the no-traffic check can fail)", async () => {
    const { socket, port, received } = await udpListener();
    const dir = await mkdtemp(join(tmpdir(), "sipwright-invalid-"));
    try {
      // Nothing answers: the global timeout ends the run once the OPTIONS has gone out.
      const result = await runSipwright(
        ["-sf", GOOD, `${LOOPBACK}:${port}`, "-i", LOOPBACK, "-p", "0", "-m", "1", "-timeout", "1s"].concat([
          "--out",
          join(dir, "out"),
          "--status",
          "none",
        ]),
        { cwd: dir, timeoutMs: RUN_BOUND_MS },
      );
      assert.equal(result.code, 97, `exit code; stderr:\n${result.stderr}`);
      const datagrams = await flush(port, received);
      assert.ok(datagrams.length > 0, "the good scenario sent nothing");
      assert.match(datagrams[0]?.toString("latin1") ?? "", /^OPTIONS sip:/);
    } finally {
      socket.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("sipwright validate", () => {
  it("prints every problem of every file with file:line:column and exits 1", async () => {
    const files = BAD.map((bad) => fixture(bad.file));
    const result = await runSipwright(["validate", ...files, GOOD], { timeoutMs: RUN_BOUND_MS });
    assert.equal(result.code, 1, `exit code; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    const lines = result.stdout.split("\n");
    for (const bad of BAD) {
      const location = `${fixture(bad.file)}:${bad.line}:${bad.column}: error: `;
      const line = lines.find((l) => l.startsWith(location));
      assert.ok(line !== undefined, `no line starting with ${location}:\n${result.stdout}`);
      assert.match(line, bad.message);
    }
    assert.ok(lines.includes(`${GOOD}: ok`), result.stdout);
  });

  it("accepts a custom keyword given with -key, as a run does", async () => {
    const file = fixture("unknown-keyword.xml");
    const without = await runSipwright(["validate", file], { timeoutMs: RUN_BOUND_MS });
    assert.equal(without.code, 1, without.stdout);
    const withKey = await runSipwright(["validate", "-key", "no_such_keyword", "x", file], {
      timeoutMs: RUN_BOUND_MS,
    });
    assert.equal(withKey.code, 0, `stdout:\n${withKey.stdout}\nstderr:\n${withKey.stderr}`);
    assert.equal(withKey.stdout.trim(), `${file}: ok`);
  });

  it("exits 0 and says ok for good files, the built-in scenarios among them", async () => {
    const builtins = fileURLToPath(new URL("../../../scenarios/", import.meta.url));
    const files = [GOOD, join(builtins, "uac.xml"), join(builtins, "uas.xml")];
    const result = await runSipwright(["validate", ...files], { timeoutMs: RUN_BOUND_MS });
    assert.equal(result.code, 0, `exit code; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    assert.deepEqual(
      result.stdout.trimEnd().split("\n"),
      files.map((f) => `${f}: ok`),
    );
  });
});
