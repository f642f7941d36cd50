/**
 * dgram resolves the destination of every send through `lookup`; the default (dns.lookup) answers an IP literal one
 * tick later, through a closure per send. Peers are IP literals on the hot paths (SIP over UDP, RTP): answered at
 * once, so the datagram goes out inside send(). Host names still go through dns.lookup.
 */
import { lookup as dnsLookup } from "node:dns";
import type { SocketOptions } from "node:dgram";
import { isIP } from "node:net";

export const lookupLiteral: NonNullable<SocketOptions["lookup"]> = (hostname, options, callback) => {
  const family = isIP(hostname);
  if (family === 0) dnsLookup(hostname, options, callback);
  else callback(null, hostname, family);
};
