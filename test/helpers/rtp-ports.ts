/**
 * An RTP port range of its own for one run under test: test files run in parallel and every run with media binds
 * RTP/RTCP pairs, so each gets a random even-aligned slice of 20000-49999 (the allocator skips ports that are busy
 * anyway; the slice only makes collisions rare).
 */
export interface PortRange {
  readonly min: number;
  readonly max: number;
}

export function rtpPortRange(pairs: number): PortRange {
  const min = 20000 + 2 * Math.floor(Math.random() * (15000 - pairs));
  return { min, max: min + 2 * pairs - 1 };
}
