/**
 * RTP/RTCP port pairs from a configured range (`-mp` / `-min_rtp_port` / `-max_rtp_port`).
 *
 * RFC 3550 11: "For UDP and similar protocols, RTP SHOULD use an even destination port number and the corresponding
 * RTCP stream SHOULD use the next higher (odd) destination port number." Both sockets are bound here, on the media
 * IP, and handed over bound, so no other process can take a port between the check and its use. A pair that fails to
 * bind (EADDRINUSE: another process holds it) is skipped. Ports are handed out round-robin, so a port just released
 * is not reused at once (a late packet of the previous call would land in the next one).
 *
 * Which pairs are held, and the round-robin cursor, live in a small Int32Array updated with Atomics: backed by a
 * SharedArrayBuffer (`claims`), one range is shared by the allocators of several media workers without a pair ever
 * being handed out twice.
 */
import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { BindError, ConfigError } from "../../shared/errors.js";
import { lookupLiteral } from "../../shared/ip-literal-lookup.js";
import { createLogger } from "../../shared/logger.js";

const log = createLogger("media.ports");

export interface PortAllocatorOptions {
  /** The media IP (`-mi`) to bind on. */
  readonly address: string;
  /** Lowest port (rounded up to even). */
  readonly minPort: number;
  /** Highest port; the last RTCP port must not exceed it. */
  readonly maxPort: number;
  /** The claims table shared with other allocators of the same range (sharedPortClaims()); default: its own. */
  readonly claims?: SharedArrayBuffer;
}

/** Slots of the claims table before the per-pair flags. */
const CURSOR = 0;
const IN_USE = 1;
const FLAGS = 2;

/** A claims table for the range of `options`, to give to every allocator (one per media worker) that shares it. */
export function sharedPortClaims(options: Pick<PortAllocatorOptions, "minPort" | "maxPort">): SharedArrayBuffer {
  const { first, last } = pairRange(options);
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (FLAGS + Math.max(0, (last - first) / 2 + 1)));
}

/** How many pairs the allocators sharing this claims table hold right now. */
export function claimedPairs(claims: SharedArrayBuffer): number {
  return Atomics.load(new Int32Array(claims), IN_USE);
}

function pairRange(options: Pick<PortAllocatorOptions, "minPort" | "maxPort">): { first: number; last: number } {
  return {
    first: options.minPort + (options.minPort % 2),
    last: options.maxPort - 1 - ((options.maxPort - 1) % 2),
  };
}

/** A bound RTP socket (even port) and RTCP socket (port + 1). */
export interface RtpPortPair {
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly rtp: Socket;
  readonly rtcp: Socket;
  /** Closes both sockets (if still open) and returns the pair to the range. Idempotent. */
  release(): Promise<void>;
}

type BindOutcome = "bound" | "busy";

export class PortAllocator {
  readonly #address: string;
  readonly #first: number;
  readonly #last: number;
  /** [cursor, pairs held, one flag per pair (1 = handed out or being bound)], updated with Atomics. */
  readonly #claims: Int32Array;

  constructor(options: PortAllocatorOptions) {
    const { first, last } = pairRange(options);
    if (!Number.isInteger(options.minPort) || !Number.isInteger(options.maxPort) || options.minPort < 1) {
      throw new ConfigError(`RTP port range ${options.minPort}-${options.maxPort} is not a range of ports`);
    }
    if (options.maxPort > 65535 || last < first) {
      throw new ConfigError(
        `RTP port range ${options.minPort}-${options.maxPort} holds no even/odd RTP/RTCP pair (ports 1..65535)`,
      );
    }
    this.#address = options.address;
    this.#first = first;
    this.#last = last;
    this.#claims = new Int32Array(
      options.claims ?? new ArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (FLAGS + this.capacity)),
    );
    if (this.#claims.length !== FLAGS + this.capacity) {
      throw new RangeError(
        `a claims table for ${this.#claims.length - FLAGS} pairs given to a range of ${this.capacity}`,
      );
    }
  }

  /** Number of pairs in the range. */
  get capacity(): number {
    return (this.#last - this.#first) / 2 + 1;
  }

  /** Number of pairs currently handed out (by every allocator sharing the claims table). */
  get inUse(): number {
    return Atomics.load(this.#claims, IN_USE);
  }

  /**
   * Binds the next free pair. Throws BindError when every pair of the range is held by this run or busy, or when
   * the media IP cannot be bound at all (EADDRNOTAVAIL...).
   */
  async allocate(): Promise<RtpPortPair> {
    let busy = 0;
    for (let tried = 0; tried < this.capacity; tried++) {
      // Int32 wraps after 2^31 allocations: the modulo stays in range (one jump in the rotation then).
      const ticket = Atomics.add(this.#claims, CURSOR, 1);
      const pair = ((ticket % this.capacity) + this.capacity) % this.capacity;
      if (!this.#claim(pair)) continue;
      const port = this.#first + 2 * pair;
      const rtp = this.#newSocket();
      const rtcp = this.#newSocket();
      let outcome: BindOutcome | undefined;
      try {
        outcome = await this.#bindBoth(rtp, rtcp, port);
      } finally {
        if (outcome !== "bound") this.#release(pair);
      }
      if (outcome === "bound") return this.#pair(port, pair, rtp, rtcp);
      busy++;
      log.debug(`RTP ports ${port}/${port + 1} on ${this.#address} are busy, trying the next pair`);
    }
    throw new BindError(
      `no free RTP port pair in ${this.#first}-${this.#last + 1} on ${this.#address}: ` +
        `${this.capacity} pairs, ${this.inUse} in use by this run, ${busy} busy (bound by another process)`,
    );
  }

  #claim(pair: number): boolean {
    if (Atomics.compareExchange(this.#claims, FLAGS + pair, 0, 1) !== 0) return false;
    Atomics.add(this.#claims, IN_USE, 1);
    return true;
  }

  #release(pair: number): void {
    if (Atomics.compareExchange(this.#claims, FLAGS + pair, 1, 0) === 1) Atomics.sub(this.#claims, IN_USE, 1);
  }

  #newSocket(): Socket {
    return createSocket({ type: isIPv6(this.#address) ? "udp6" : "udp4", lookup: lookupLiteral });
  }

  async #bindBoth(rtp: Socket, rtcp: Socket, port: number): Promise<BindOutcome> {
    const first = await bindSocket(rtp, this.#address, port);
    const second = first === undefined ? await bindSocket(rtcp, this.#address, port + 1) : undefined;
    const error = first ?? second;
    if (error === undefined) return "bound";
    await Promise.all([closeSocket(rtp), closeSocket(rtcp)]);
    if (error.code === "EADDRINUSE" || error.code === "EACCES") return "busy";
    throw new BindError(`cannot bind RTP port ${port} on ${this.#address}: ${error.message}`, { cause: error });
  }

  #pair(port: number, pair: number, rtp: Socket, rtcp: Socket): RtpPortPair {
    let released: Promise<void> | undefined;
    let open = 2;
    // Whoever closes the sockets (release() or the session itself), the pair returns to the range.
    const onClose = (): void => {
      open--;
      if (open === 0) this.#release(pair);
    };
    rtp.once("close", onClose);
    rtcp.once("close", onClose);
    return {
      address: this.#address,
      rtpPort: port,
      rtcpPort: port + 1,
      rtp,
      rtcp,
      release: () => (released ??= Promise.all([closeSocket(rtp), closeSocket(rtcp)]).then(() => undefined)),
    };
  }
}

/** Binds; resolves with the bind error instead of rejecting (a busy port is an expected outcome). */
function bindSocket(socket: Socket, address: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      resolve(error);
    };
    socket.once("error", onError);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off("error", onError);
      resolve(undefined);
    });
  });
}

/** Closes a socket unless it is already closed (dgram throws ERR_SOCKET_DGRAM_NOT_RUNNING on a second close). */
function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => {
        resolve();
      });
    } catch {
      // Already closed (by its owner, or a socket whose bind failed): nothing left to release.
      resolve();
    }
  });
}
