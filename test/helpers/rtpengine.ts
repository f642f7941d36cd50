/**
 * A real rtpengine (Debian package rtpengine-daemon, 10.5) as the media relay of the WebRTC gateway test: userspace
 * forwarding only (`--table=-1`, no kernel module), no configuration file (`--config-file=none`: the package's
 * /etc/rtpengine/rtpengine.conf is not read), media on 127.0.0.1, the ng control protocol on a UDP port chosen at
 * run time (Kamailio's rtpengine module talks to it).
 *
 * Started in the foreground (`--foreground --log-stderr`), so the pid we hold is rtpengine's; `stop()` sends it
 * SIGTERM and waits, SIGKILL by that pid only if it does not exit in time. Run it only inside a private network
 * namespace: its media port range is fixed below the kernel's ephemeral range (which the namespace's other
 * processes use), and nothing else in the namespace binds there.
 */
import { spawnSync } from "node:child_process";
import { freeUdpPort, LOOPBACK, waitUntilBound } from "./free-port.js";
import { describeProcess, startProcess, waitExit, type StartedProcess } from "./processes.js";

/** rtpengine's media ports (RTP on even ports, RTCP on the next): below Linux's ephemeral range 32768-60999. */
export const RTPENGINE_PORT_MIN = 20_000;
export const RTPENGINE_PORT_MAX = 20_999;

/** Why rtpengine cannot be used here, or undefined when it can. */
export function rtpengineUnavailable(): string | undefined {
  const probe = spawnSync("rtpengine", ["--version"], { encoding: "utf8", timeout: 10_000 });
  if (probe.error !== undefined) {
    return `rtpengine is not installed (${probe.error.message}); .ci/run installs rtpengine-daemon`;
  }
  if (probe.status !== 0) return `rtpengine --version failed: ${probe.stderr.trim()}`;
  return undefined;
}

export interface Rtpengine {
  readonly proc: StartedProcess;
  /** The ng control port on 127.0.0.1. */
  readonly ngPort: number;
  /** Stops rtpengine by its pid (SIGTERM, then SIGKILL after `timeoutMs`) and resolves once it has exited. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface RtpengineOptions {
  /** rtpengine's log level (syslog levels; default 6: info, which logs every offer/answer and DTLS/ICE step). */
  readonly logLevel?: number;
  /** Bound on the start-up (control port bound); default 15 s. */
  readonly startTimeoutMs?: number;
}

export async function startRtpengine(options: RtpengineOptions = {}): Promise<Rtpengine> {
  const ngPort = await freeUdpPort();
  const proc = await startProcess("rtpengine", [
    "--config-file=none",
    "--foreground",
    "--log-stderr",
    `--log-level=${options.logLevel ?? 6}`,
    `--interface=${LOOPBACK}`,
    `--listen-ng=${LOOPBACK}:${ngPort}`,
    `--port-min=${RTPENGINE_PORT_MIN}`,
    `--port-max=${RTPENGINE_PORT_MAX}`,
    "--table=-1",
    // Two worker threads are plenty for a few calls on a shared 2-core machine.
    "--num-threads=2",
  ]);
  const stop = async (timeoutMs = 10_000): Promise<void> => {
    if (!proc.isAlive()) return;
    proc.kill("SIGTERM");
    await waitExit(proc, timeoutMs);
  };
  try {
    await waitUntilBound(ngPort, "udp", options.startTimeoutMs ?? 15_000, () => !proc.isAlive());
  } catch (error) {
    await stop();
    throw new Error(`rtpengine did not start: ${String(error)}\n${describeProcess(proc, 40)}`);
  }
  return { proc, ngPort, stop };
}
