/**
 * Child processes for tests and benchmarks: output collected in bounded buffers, an `exited` promise, and a
 * registry so that every process still alive at the end of a test file is killed — by its own pid, never by name.
 *
 * Test files that start processes register the cleanup once: `after(stopStartedProcesses)`.
 */
import { spawn } from "node:child_process";

export interface ExitStatus {
  /** Exit code, or null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartOptions {
  cwd?: string;
  /** Added to (and overriding) the parent's environment. */
  env?: Readonly<Record<string, string>>;
  /** Bytes of stdout and of stderr kept (the tail); default 1 MiB each. */
  outputLimitBytes?: number;
}

export interface StartedProcess {
  readonly pid: number;
  readonly command: string;
  readonly args: readonly string[];
  /** The last `outputLimitBytes` of stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once the process has exited and its output streams are closed. Never rejects. */
  readonly exited: Promise<ExitStatus>;
  isAlive(): boolean;
  /** Sends a signal to this process's pid only; false if it has already exited. */
  kill(signal?: NodeJS.Signals): boolean;
}

const DEFAULT_OUTPUT_LIMIT = 1024 * 1024;

/** Keeps the last `limit` bytes written to it. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 1) {
      const first = this.chunks.shift();
      this.size -= first?.length ?? 0;
    }
    if (this.size > this.limit) {
      const only = this.chunks[0] ?? Buffer.alloc(0);
      this.chunks = [only.subarray(only.length - this.limit)];
      this.size = this.limit;
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

const started = new Set<StartedProcess>();

/**
 * Starts `command` with `args` (no shell). Throws at once if the program cannot be spawned (ENOENT, EACCES).
 */
export async function startProcess(
  command: string,
  args: readonly string[],
  opts: StartOptions = {},
): Promise<StartedProcess> {
  const limit = opts.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT;
  const child = spawn(command, [...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = new TailBuffer(limit);
  const err = new TailBuffer(limit);
  child.stdout.on("data", (chunk: Buffer) => {
    out.push(chunk);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err.push(chunk);
  });

  // A spawn failure is reported by an "error" event before "spawn"; wait for one of the two.
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      child.off("spawn", onSpawn);
      reject(new Error(`cannot start ${command}: ${error.message}`, { cause: error }));
    };
    const onSpawn = (): void => {
      child.off("error", onError);
      resolve();
    };
    child.once("error", onError);
    child.once("spawn", onSpawn);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${command}: no pid`);

  let alive = true;
  // "close" (not "exit") so that the collected output is complete when `exited` resolves.
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("close", (code, signal) => {
      alive = false;
      started.delete(proc);
      resolve({ code, signal });
    });
  });
  const proc: StartedProcess = {
    pid,
    command,
    args: [...args],
    stdout: () => out.text(),
    stderr: () => err.text(),
    exited,
    isAlive: () => alive,
    kill: (signal: NodeJS.Signals = "SIGTERM") => (alive ? killPid(pid, signal) : false),
  };
  started.add(proc);
  return proc;
}

function killPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    // ESRCH: the process has exited between our check and the signal; that is the outcome we wanted.
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** A one-line description plus the last lines of stderr (and stdout), for error messages. */
export function describeProcess(proc: StartedProcess, lines = 20): string {
  const cmd = [proc.command, ...proc.args].join(" ");
  return `pid ${proc.pid}: ${cmd}\n--- stderr (tail) ---\n${tail(proc.stderr(), lines)}\n--- stdout (tail) ---\n${tail(proc.stdout(), lines)}`;
}

/**
 * Waits for `proc` to exit. If `timeoutMs` passes first, kills it (SIGKILL, by pid), waits for it to be reaped,
 * and rejects with an error naming the command and showing its output tails.
 */
export async function waitExit(proc: StartedProcess, timeoutMs: number): Promise<ExitStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      resolve("timeout");
    }, timeoutMs);
  });
  try {
    const first = await Promise.race([proc.exited, timedOut]);
    if (first !== "timeout") return first;
  } finally {
    clearTimeout(timer);
  }
  proc.kill("SIGKILL");
  await proc.exited;
  throw new Error(`process did not exit within ${timeoutMs} ms and was killed (SIGKILL)\n${describeProcess(proc)}`);
}

/** Kills (SIGKILL, by pid) every process started here that is still alive, and waits for them to be reaped. */
export async function stopStartedProcesses(): Promise<void> {
  const alive = [...started];
  for (const proc of alive) proc.kill("SIGKILL");
  await Promise.all(alive.map((proc) => proc.exited));
}

// Last resort when the runner exits without the after() hook (a crash, process.exit): signals are synchronous.
process.once("exit", () => {
  for (const proc of started) proc.kill("SIGKILL");
});

/** Waits (polling every 10 ms, bounded) until the process's stderr matches `pattern`. */
export async function waitForStderr(proc: StartedProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(proc.stderr())) {
    if (!proc.isAlive()) throw new Error(`the process exited before printing ${String(pattern)}:\n${proc.stderr()}`);
    if (Date.now() >= deadline) throw new Error(`no ${String(pattern)} on stderr within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
