/**
 * A real Kamailio (Debian package kamailio, with its websocket and tls modules) as the WebSocket SIP proxy of the
 * browser-softphone tests: registrar + Record-Routing proxy listening on 127.0.0.1 for UDP, WS (RFC 7118) and WSS,
 * on free ports chosen at run time. Its configuration is generated from
 * test/fixtures/kamailio/websocket-proxy.cfg.template into a temp folder.
 *
 * Started in the foreground (`-DD -E`: the creator does not daemonize, logs go to stderr), so the pid we hold is
 * Kamailio's main process; `stop()` sends it SIGTERM (Kamailio's main process then ends its children) and waits,
 * SIGKILL by that pid only if it does not exit in time. Run it only inside a private network namespace.
 */
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freeTcpPort, freeUdpPort, LOOPBACK, waitUntilBound } from "./free-port.js";
import { describeProcess, startProcess, waitExit, type StartedProcess } from "./processes.js";

/** The configuration templates of test/fixtures/kamailio/: the WebSocket proxy, or it plus rtpengine as media relay. */
export type KamailioTemplate = "websocket-proxy" | "webrtc-gateway";

function templatePath(name: KamailioTemplate): string {
  return fileURLToPath(new URL(`../fixtures/kamailio/${name}.cfg.template`, import.meta.url));
}

/** Why Kamailio cannot be used here (missing binary or modules), or undefined when it can. */
export function kamailioUnavailable(): string | undefined {
  const probe = spawnSync("kamailio", ["-v"], { encoding: "utf8", timeout: 10_000 });
  if (probe.error !== undefined) return `kamailio is not installed (${probe.error.message}); .ci/run installs it`;
  if (probe.status !== 0) return `kamailio -v failed: ${probe.stderr.trim()}`;
  return undefined;
}

export interface KamailioOptions {
  /** Folder for the generated configuration, the TLS configuration and Kamailio's runtime files. */
  readonly dir: string;
  /** Certificate and key Kamailio serves on its WSS port (PEM paths). */
  readonly tls: { readonly cert: string; readonly key: string };
  /**
   * Requests for one of our own users that Kamailio sends to a fixed address instead of looking it up in its
   * location table, e.g. `{ uas: "sip:127.0.0.1:5070;transport=udp" }` for a sipwright UAS that did not register.
   */
  readonly staticRoutes?: Readonly<Record<string, string>>;
  /** Kamailio's `debug=` level (default 1: errors and warnings; 3 logs every request). */
  readonly debug?: number;
  /** Bound on the start-up (every listener bound); default 15 s. */
  readonly startTimeoutMs?: number;
  /** The configuration template (default "websocket-proxy"). */
  readonly template?: KamailioTemplate;
  /** "webrtc-gateway" only: the rtpengine control (ng protocol) port on 127.0.0.1. */
  readonly rtpengineNgPort?: number;
  /**
   * "webrtc-gateway" only: rtpengine's DTLS role towards the WebSocket client. Default "active" (rtpengine answers
   * our actpass with a=setup:active); "passive" adds `DTLS=passive`: rtpengine is the DTLS server.
   */
  readonly rtpengineDtls?: "active" | "passive";
}

export interface Kamailio {
  readonly proc: StartedProcess;
  readonly udpPort: number;
  readonly wsPort: number;
  readonly wssPort: number;
  /** `ws://127.0.0.1:PORT` and `wss://127.0.0.1:PORT`. */
  readonly wsUrl: string;
  readonly wssUrl: string;
  /** Stops Kamailio by its pid (SIGTERM, then SIGKILL after `timeoutMs`) and resolves once it has exited. */
  stop(timeoutMs?: number): Promise<void>;
}

const USER = /^[A-Za-z0-9_.-]+$/;
const TARGET = /^sip:[A-Za-z0-9_.:;=@-]+$/;

/** The configuration text: the template with every @@NAME@@ placeholder filled in (throws if one is left). */
export function kamailioConfig(template: string, values: Readonly<Record<string, string>>): string {
  const text = template.replace(/@@([A-Z_]+)@@/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`kamailio template: no value for ${whole}`);
    return value;
  });
  return text;
}

function staticRoutesScript(routes: Readonly<Record<string, string>>): string {
  return Object.entries(routes)
    .map(([user, target]) => {
      if (!USER.test(user) || !TARGET.test(target)) throw new Error(`kamailio static route ${user} -> ${target}`);
      return `\t\tif ($rU == "${user}") {\n\t\t\t$du = "${target}";\n\t\t\troute(RELAY);\n\t\t}`;
    })
    .join("\n");
}

export async function startKamailio(options: KamailioOptions): Promise<Kamailio> {
  const [udpPort, wsPort, wssPort] = [await freeUdpPort(), await freeTcpPort(), await freeTcpPort()];
  const tlsConfig = join(options.dir, "tls.cfg");
  await writeFile(
    tlsConfig,
    [
      "[server:default]",
      "method = TLSv1.2+",
      "verify_certificate = no",
      "require_certificate = no",
      `certificate = ${options.tls.cert}`,
      `private_key = ${options.tls.key}`,
      "",
      "[client:default]",
      "method = TLSv1.2+",
      "verify_certificate = no",
      "require_certificate = no",
      "",
    ].join("\n"),
  );
  const config = kamailioConfig(await readFile(templatePath(options.template ?? "websocket-proxy"), "utf8"), {
    DEBUG: String(options.debug ?? 1),
    UDP_PORT: String(udpPort),
    WS_PORT: String(wsPort),
    WSS_PORT: String(wssPort),
    TLS_CONFIG: tlsConfig,
    STATIC_ROUTES: staticRoutesScript(options.staticRoutes ?? {}),
    ...(options.rtpengineNgPort === undefined ? {} : { RTPENGINE_NG_PORT: String(options.rtpengineNgPort) }),
    RTPENGINE_WEBRTC_FLAGS: options.rtpengineDtls === "passive" ? " DTLS=passive" : "",
  });
  const configFile = join(options.dir, "kamailio.cfg");
  await writeFile(configFile, config);
  // -S: no SCTP; -m / -M: 32 MB shared and 4 MB private memory are plenty for a few calls (defaults: 64 and 8);
  // -Y: runtime files in our folder.
  const proc = await startProcess("kamailio", [
    "-DD",
    "-E",
    "-S",
    "-m",
    "32",
    "-M",
    "4",
    "-Y",
    options.dir,
    "-f",
    configFile,
  ]);
  const timeoutMs = options.startTimeoutMs ?? 15_000;
  const stop = async (stopTimeoutMs = 10_000): Promise<void> => {
    if (!proc.isAlive()) return;
    proc.kill("SIGTERM");
    await waitExit(proc, stopTimeoutMs);
  };
  try {
    const exited = (): boolean => !proc.isAlive();
    await waitUntilBound(udpPort, "udp", timeoutMs, exited);
    await waitUntilBound(wsPort, "tcp", timeoutMs, exited);
    await waitUntilBound(wssPort, "tcp", timeoutMs, exited);
  } catch (error) {
    await stop();
    throw new Error(`kamailio did not start: ${String(error)}\n${describeProcess(proc, 40)}`);
  }
  return {
    proc,
    udpPort,
    wsPort,
    wssPort,
    wsUrl: `ws://${LOOPBACK}:${wsPort}`,
    wssUrl: `wss://${LOOPBACK}:${wssPort}`,
    stop,
  };
}
