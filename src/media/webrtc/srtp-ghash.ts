/**
 * GHASH, the authentication half of AES-GCM (NIST SP 800-38D 6.4), for the SRTP cipher adapter
 * (srtp-cipher-reuse.ts): Node's crypto has no way to reuse one GCM cipher object with a new IV, so the adapter runs
 * GCM as a reused AES-ECB keystream generator plus this GHASH.
 *
 * Multiplication in GF(2^128) uses Shoup's 8-bit tables: `table` holds b·H for every byte value b (4 KiB per key),
 * `REDUCE` the reduction of the byte shifted out by Z·x^8. SP 800-38D bit order: bit 0 of a block (the MSB of
 * octet 0) is the coefficient of x^0, so multiplying by x is a right shift, reduced with R = 0xE1 || 0^120.
 */

const R = 0xe1000000;

/** Z·x for a 4-word big-endian block, in place (SP 800-38D 6.3, Algorithm 1 step 3). */
function mulX(z: Uint32Array, at: number): void {
  const lsb = (z[at + 3] ?? 0) & 1;
  z[at + 3] = ((z[at + 3] ?? 0) >>> 1) | (((z[at + 2] ?? 0) & 1) << 31);
  z[at + 2] = ((z[at + 2] ?? 0) >>> 1) | (((z[at + 1] ?? 0) & 1) << 31);
  z[at + 1] = ((z[at + 1] ?? 0) >>> 1) | (((z[at] ?? 0) & 1) << 31);
  z[at] = ((z[at] ?? 0) >>> 1) ^ (lsb === 1 ? R : 0);
}

/** REDUCE[r]: what Z·x^8 XORs into word 0 when the byte shifted out of word 3 is r (it never reaches word 1). */
const REDUCE = (() => {
  const table = new Uint32Array(256);
  const z = new Uint32Array(4);
  for (let r = 0; r < 256; r++) {
    z.fill(0);
    z[3] = r;
    for (let i = 0; i < 8; i++) mulX(z, 0);
    table[r] = z[0] ?? 0;
  }
  return table;
})();

export class Ghash {
  /** table[4b .. 4b+3] = b·H, b read MSB-first as x^0..x^7. */
  readonly #table = new Uint32Array(256 * 4);
  readonly #y = new Uint32Array(4);
  readonly #pad = Buffer.alloc(16);

  /** `h` = AES_K(0^128), the hash subkey. */
  constructor(h: Buffer) {
    const t = this.#table;
    // table[0x80] = H, table[0x40] = H·x, ..., table[0x01] = H·x^7; the rest by linearity.
    for (let i = 0; i < 4; i++) t[0x80 * 4 + i] = h.readUInt32BE(4 * i);
    for (let b = 0x40; b >= 1; b >>= 1) {
      t.copyWithin(b * 4, b * 8, b * 8 + 4);
      mulX(t, b * 4);
    }
    for (let b = 2; b < 256; b <<= 1) {
      for (let j = 1; j < b; j++) {
        for (let i = 0; i < 4; i++) t[(b + j) * 4 + i] = (t[b * 4 + i] ?? 0) ^ (t[j * 4 + i] ?? 0);
      }
    }
  }

  /** GHASH_H(A || pad || C || pad || [len(A)]64 || [len(C)]64) written to out[at .. at+16). */
  digest(aad: Buffer, cipherText: Buffer, out: Buffer, at: number): void {
    this.#y.fill(0);
    this.#absorb(aad);
    this.#absorb(cipherText);
    // Lengths in bits; SRTP packets are far below 2^32 bits, so the high words are 0.
    this.#block(0, aad.length * 8, 0, cipherText.length * 8);
    const y = this.#y;
    out.writeUInt32BE(y[0] ?? 0, at);
    out.writeUInt32BE(y[1] ?? 0, at + 4);
    out.writeUInt32BE(y[2] ?? 0, at + 8);
    out.writeUInt32BE(y[3] ?? 0, at + 12);
  }

  #absorb(data: Buffer): void {
    const whole = data.length & ~15;
    for (let at = 0; at < whole; at += 16) {
      this.#block(
        data.readUInt32BE(at),
        data.readUInt32BE(at + 4),
        data.readUInt32BE(at + 8),
        data.readUInt32BE(at + 12),
      );
    }
    if (whole === data.length) return;
    const pad = this.#pad;
    pad.fill(0);
    data.copy(pad, 0, whole);
    this.#block(pad.readUInt32BE(0), pad.readUInt32BE(4), pad.readUInt32BE(8), pad.readUInt32BE(12));
  }

  /** Y = (Y ^ X)·H, Horner over the 16 octets of Y ^ X from the last (octet 15 = low byte of word 3): Z = Z·x^8 ^ table[octet]. */
  #block(x0: number, x1: number, x2: number, x3: number): void {
    const y = this.#y;
    const t = this.#table;
    const w0 = (y[0] ?? 0) ^ x0;
    const w1 = (y[1] ?? 0) ^ x1;
    const w2 = (y[2] ?? 0) ^ x2;
    const w3 = (y[3] ?? 0) ^ x3;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    for (let word = 3; word >= 0; word--) {
      const bits = word === 3 ? w3 : word === 2 ? w2 : word === 1 ? w1 : w0;
      for (let shift = 0; shift < 32; shift += 8) {
        const r = z3 & 0xff;
        z3 = (z3 >>> 8) | (z2 << 24);
        z2 = (z2 >>> 8) | (z1 << 24);
        z1 = (z1 >>> 8) | (z0 << 24);
        z0 = (z0 >>> 8) ^ (REDUCE[r] ?? 0);
        const b = ((bits >>> shift) & 0xff) * 4;
        z0 ^= t[b] ?? 0;
        z1 ^= t[b + 1] ?? 0;
        z2 ^= t[b + 2] ?? 0;
        z3 ^= t[b + 3] ?? 0;
      }
    }
    y[0] = z0;
    y[1] = z1;
    y[2] = z2;
    y[3] = z3;
  }
}
