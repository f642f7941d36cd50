/**
 * The SIP transport of a bench/webrtc.ts pair (`--sip-transport u1,wss1`): the `-t` mode both processes run with,
 * which socket the UAS listens on, and for TLS / WSS the certificates (made at run time with openssl into a
 * temporary folder by test/helpers/test-certs.ts): the UAS presents `-tls_cert` / `-tls_key`, the UAC verifies it
 * against `-tls_ca` (the certificate names 127.0.0.1). The media path (ICE, DTLS-SRTP over UDP) is the same whatever
 * carries the SIP.
 */
import { TRANSPORT_MODES, type TransportMode } from "../src/engine/run/run-config.js";

export interface BenchCerts {
  /** The CA the UAC trusts. */
  readonly ca: string;
  /** The UAS's certificate (signed by `ca` for 127.0.0.1) and key. */
  readonly cert: string;
  readonly key: string;
}

const isMode = (text: string): text is TransportMode => Object.hasOwn(TRANSPORT_MODES, text);

/** `--sip-transport u1,wss1`: -t modes, each at most once. */
export function sipTransports(text: string): TransportMode[] {
  const out: TransportMode[] = [];
  for (const item of text.split(",")) {
    if (!isMode(item))
      throw new Error(`--sip-transport: "${item}" is not one of ${Object.keys(TRANSPORT_MODES).join(", ")}`);
    if (out.includes(item)) throw new Error(`--sip-transport: "${item}" is given twice`);
    out.push(item);
  }
  return out;
}

/** TLS and WSS need certificates. */
export function needsCerts(mode: TransportMode): boolean {
  const name = TRANSPORT_MODES[mode].transport;
  return name === "TLS" || name === "WSS";
}

/** What the UAS listens on for this mode: a UDP socket, or a TCP listener (TCP, TLS, WS, WSS). */
export function listenProtocol(mode: TransportMode): "udp" | "tcp" {
  return TRANSPORT_MODES[mode].transport === "UDP" ? "udp" : "tcp";
}

/** `-t MODE` and, for TLS / WSS, the UAS's certificate or the UAC's CA. */
export function transportArgs(mode: TransportMode, side: "uac" | "uas", certs: BenchCerts | undefined): string[] {
  const args = ["-t", mode];
  if (!needsCerts(mode)) return args;
  if (certs === undefined) throw new Error(`-t ${mode} needs certificates and none were made`);
  return side === "uas" ? [...args, "-tls_cert", certs.cert, "-tls_key", certs.key] : [...args, "-tls_ca", certs.ca];
}
