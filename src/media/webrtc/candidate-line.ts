/**
 * One ICE candidate attribute, RFC 8839 5.1:
 * `candidate:<foundation> <component-id> <transport> <priority> <connection-address> <port> typ <cand-type>
 * [raddr <addr>] [rport <port>] *(<extension-att-name> <extension-att-value>)`.
 * Only the fields the bridge decides on are read; the line itself is passed on unchanged.
 */
export interface CandidateFields {
  readonly component: number;
  /** Lower case: "udp" or "tcp". */
  readonly transport: string;
  readonly priority: number;
  readonly address: string;
  readonly port: number;
  /** "host", "srflx", "prflx" or "relay". */
  readonly type: string;
}

/** Reads `candidate:...` (with or without a leading `a=`); undefined when it is not a readable candidate. */
export function parseCandidate(value: string): CandidateFields | undefined {
  const text = value.startsWith("a=") ? value.slice(2) : value;
  if (!text.startsWith("candidate:")) return undefined;
  const fields = text.slice("candidate:".length).trim().split(/\s+/);
  const [, component, transport, priority, address, port, typ, type] = fields;
  if (typ !== "typ" || type === undefined || address === undefined) return undefined;
  const numbers = [Number(component), Number(priority), Number(port)] as const;
  if (!numbers.every((n) => Number.isInteger(n) && n >= 0)) return undefined;
  return {
    component: numbers[0],
    transport: (transport ?? "").toLowerCase(),
    priority: numbers[1],
    address,
    port: numbers[2],
    type: type.toLowerCase(),
  };
}

/**
 * Whether a local candidate may be used and advertised: host candidates only on the configured addresses (werift
 * also offers every interface address, libraries.md §1.5), others (srflx, relay) always — their address is the
 * STUN/TURN server's view, not an interface. An empty list allows every address.
 */
export function isAllowedLocalCandidate(candidate: CandidateFields, allowed: readonly string[]): boolean {
  if (candidate.type !== "host" || allowed.length === 0) return true;
  return allowed.includes(candidate.address);
}
