/**
 * SIGTERM while a `-t tn` call is still opening its TCP connection: once the connection opens, nothing goes out on
 * it (the call ends aborted) and the run ends. It used to send its INVITE after the stop and then wait for the
 * answer. The connect is held open for real: the peer is a listener in a stopped child process whose accept queue
 * the test has filled, so the kernel drops sipwright's SYN until the listener is continued and accepts.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOOPBACK } from "../../helpers/free-port.js";
import { startProcess, stopStartedProcesses, waitExit, type StartedProcess } from "../../helpers/processes.js";
import { startSipwright } from "../../helpers/sipwright.js";
import { readCallRecords } from "../../helpers/call-record-schema.js";

after(stopStartedProcesses);

const BOUND_MS = 30_000;

// Backlog 1: the accept queue is full with 2 connections (Linux: full when more than the backlog are queued).
// Each connection reports its first line of data, and its close with the bytes it carried.
const LISTENER = `
const net = require("node:net");
const server = net.createServer((socket) => {
  const port = socket.remotePort;
  let bytes = 0;
  socket.on("data", (d) => {
    if (bytes === 0) console.log("data " + port + " " + d.toString("latin1").split("\\r\\n")[0]);
    bytes += d.length;
  });
  socket.on("error", () => undefined);
  socket.on("close", () => console.log("closed " + port + " " + bytes));
});
server.listen({ port: 0, host: "${LOOPBACK}", backlog: 1 }, () => console.log("port " + server.address().port));
`;
const QUEUE_FILLERS = 2;

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + BOUND_MS;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() >= deadline) throw new Error(`no ${what} within ${BOUND_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The local port of a socket in SYN-SENT (state 02) to 127.0.0.1:`port`, from /proc/net/tcp. */
async function synSentTo(port: number): Promise<number | undefined> {
  const remote = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  for (const line of (await readFile("/proc/net/tcp", "utf8")).split("\n").slice(1)) {
    const [, local, rem, state] = line.trim().split(/\s+/);
    if (rem === remote && state === "02" && local !== undefined) return parseInt(local.split(":")[1] ?? "", 16);
  }
  return undefined;
}

function lineOf(proc: StartedProcess, pattern: RegExp): RegExpExecArray | undefined {
  return pattern.exec(proc.stdout()) ?? undefined;
}

describe("SIGTERM while a -t tn call opens its connection", () => {
  it("sends nothing once the connection opens: the call ends aborted and the run ends", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sipwright-sigterm-connecting-"));
    const fillers: Socket[] = [];
    const listener = await startProcess(process.execPath, ["-e", LISTENER]);
    try {
      const port = Number((await until("listener port", () => lineOf(listener, /^port (\d+)$/m)))[1]);
      assert.ok(listener.kill("SIGSTOP"));
      for (let i = 0; i < QUEUE_FILLERS; i++) {
        const socket = connect(port, LOOPBACK);
        fillers.push(socket);
        await once(socket, "connect");
      }
      const out = join(dir, "out");
      const uac = await startSipwright(
        ["-sn", "uac", "-t", "tn", `${LOOPBACK}:${port}`, "-i", LOOPBACK, "-m", "1", "--out", out],
        { cwd: dir, env: { SIPWRIGHT_LOG: "info" } },
      );
      const callPort = await until("SYN-SENT socket of the call", () => {
        if (!uac.isAlive()) throw new Error(`sipwright exited before connecting:\n${uac.stderr()}`);
        return synSentTo(port);
      });
      assert.ok(uac.kill("SIGTERM"));
      // The stop is taken before the connection can open: only then is the listener let go.
      await until("stop on stderr", () => (uac.stderr().includes("run: stop now (signal)") ? true : undefined));
      assert.ok(listener.kill("SIGCONT"));
      const seen = await until("the call's connection at the listener", () =>
        lineOf(listener, new RegExp(`^(data|closed) ${callPort} (.*)$`, "m")),
      );
      assert.deepEqual([seen[1], seen[2]], ["closed", "0"], `sent after SIGTERM: ${seen[0]}`);
      await waitExit(uac, BOUND_MS);
      const records = await readCallRecords(join(out, "call_records.jsonl"));
      assert.deepEqual(
        records.map((r) => [r.failure?.class, r.messages_sent]),
        [["aborted", 0]],
      );
    } finally {
      for (const socket of fillers) socket.destroy();
      listener.kill("SIGCONT");
      listener.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});
