/**
 * Checks of a RunConfig that need no scenario and no socket, made once before anything is opened (issue 9 item 1:
 * an error found after the transport is bound used to leave the process hanging). The CLI runs them when the
 * arguments are read, so every configuration error exits 255 whether or not the run uses the option (item 2);
 * prepareRun runs them again for configs built elsewhere (the demo, tests, an API).
 */
import { createSocket } from "node:dgram";
import { isIP, isIPv6 } from "node:net";
import { BindError, ConfigError } from "../../shared/errors.js";
import { parseIceServers, planTurnAuth, type ParsedIceServer } from "../../media/create-pipeline.js";
import type { Scenario } from "../../scenario/model.js";
import type { RunConfig, WebRtcPlan, WebRtcRunOptions } from "./run-config.js";

export type { WebRtcPlan } from "./run-config.js";

/**
 * Parses the ICE/TURN options; throws a ConfigError naming the option (a bad URL, TURN without credentials...).
 * `servers`: the URLs already parsed (the CLI parses each `--ice-server` as it reads it).
 */
export function planWebRtcOptions(
  options: WebRtcRunOptions,
  servers: readonly ParsedIceServer[] = parseIceServers(options.iceServers),
): WebRtcPlan {
  return { servers, turnPlan: planTurnAuth(servers, options) };
}

/**
 * The RTP range -mp (-min_rtp_port) .. -max_rtp_port must hold at least one even RTP port with its odd RTCP port
 * (RFC 3550 11: RTP on an even port, RTCP on the next odd one), as the port allocator hands them out.
 */
export function checkRtpPortRange(minPort: number, maxPort: number): void {
  const first = minPort + (minPort % 2);
  const last = maxPort - 1 - ((maxPort - 1) % 2);
  if (minPort < 1 || last < first) {
    throw new ConfigError(
      `the RTP port range -mp ${minPort} .. -max_rtp_port ${maxPort} holds no even/odd RTP/RTCP port pair ` +
        "(give -mp and -max_rtp_port with -mp >= 1 and at least one pair between them)",
    );
  }
}

/**
 * -i and -mi name an address of this host, as an IPv4 or IPv6 literal (no brackets, no host name): checked when the
 * arguments are read, so `-i notanip` is a configuration error (255), not a bind failure (254). An empty -i (an API
 * config) means the address that routes to the remote host.
 */
export function checkLocalAddresses(config: Pick<RunConfig, "localIp" | "mediaIp">): void {
  const given: [string, string | undefined][] = [
    ["-i", config.localIp === "" ? undefined : config.localIp],
    ["-mi", config.mediaIp],
  ];
  for (const [option, value] of given) {
    if (value === undefined || isIP(value) !== 0) continue;
    const hint = /^\[.*\]$/.test(value)
      ? "write the IPv6 address without brackets"
      : "give an IPv4 or IPv6 address of this host";
    throw new ConfigError(`${option} ${value}: not an IP address (${hint})`);
  }
}

/**
 * The local address and the remote one (resolved) must be of one family: a UDP or TCP socket bound to an IPv4
 * address cannot reach an IPv6 peer, and every message would fail. Refused before the transport opens.
 */
export function checkAddressFamilies(localIp: string, remote: { readonly host: string; readonly given: string }): void {
  const local = isIP(localIp);
  const peer = isIP(remote.host);
  if (local === 0 || peer === 0 || local === peer) return;
  const shown = remote.given === remote.host ? remote.host : `${remote.given} (${remote.host})`;
  throw new ConfigError(
    `address family mismatch: the remote address ${shown} is IPv${peer} but the local address -i ${localIp} is ` +
      `IPv${local} (give -i an IPv${peer} address of this host)`,
  );
}

/**
 * Every check above, in the order the options are documented; returns the parsed WebRTC options (those the CLI
 * parsed, `webrtcOptions.plan`, when it did).
 */
export function checkRunOptions(config: RunConfig): WebRtcPlan {
  checkLocalAddresses(config);
  const plan = config.webrtcOptions.plan ?? planWebRtcOptions(config.webrtcOptions);
  checkRtpPortRange(config.mediaPort, config.mediaMaxPort);
  return plan;
}

/**
 * SIPp behaviour: `-set NAME VALUE` sets a global variable the scenario declares (`<Global variables="NAME"/>`);
 * sipp refuses any other ("Can not set the global variable NAME, because it does not exist").
 */
export function checkSetVariables(
  setVariables: ReadonlyMap<string, string>,
  scenarios: readonly (Pick<Scenario, "globalVariables"> | undefined)[],
): void {
  const declared = new Set(scenarios.flatMap((s) => s?.globalVariables ?? []));
  const unknown = [...setVariables.keys()].filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    const list = unknown.join(", ");
    throw new ConfigError(
      `-set ${list}: can not set the global variable${unknown.length > 1 ? "s" : ""} ${list}: ` +
        `the scenario declares no such global (add <Global variables="${unknown.join(",")}"/>)`,
    );
  }
}

/**
 * A media IP given with -mi must be an address of this host: checked by binding a UDP socket on it (port 0) before
 * the SIP transport opens, so that a run with media does not start calls that cannot bind RTP (or a WebRTC stack
 * whose sockets fail later). Throws BindError (exit code 254, as a SIP bind failure).
 */
export async function checkMediaIpBindable(mediaIp: string): Promise<void> {
  const socket = createSocket(isIPv6(mediaIp) ? "udp6" : "udp4");
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, mediaIp, () => resolve());
    });
  } catch (error) {
    throw new BindError(
      `-mi ${mediaIp}: cannot bind RTP on it: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    socket.close();
  }
}
