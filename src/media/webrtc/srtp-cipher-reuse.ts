/**
 * werift 0.25.2 adapter: SRTP without a cipher object per packet.
 *
 * werift's CipherAesGcm and CipherAesCtr call crypto.createCipheriv / createDecipheriv (and createHmac for AES-CM)
 * for every RTP packet they protect or unprotect: a native cipher context set up, key schedule included, 50 times a
 * second per stream and direction. Node cannot re-key an existing GCM or CTR object with a new IV, so this adapter
 * builds, once per SRTP session key, one AES-128-ECB cipher (no padding) used as a keystream generator: the packet's
 * counter blocks go through it in one update() call. On top of it:
 * - AEAD_AES_128_GCM (RFC 7714, what werift prefers and our calls negotiate): CTR encryption from J0+1 (SP 800-38D
 *   7.1, 96-bit IV: J0 = IV || 0^31 || 1), tag = GHASH(H, header, ciphertext) ^ E(J0) (srtp-ghash.ts).
 * - AES_CM_128_HMAC_SHA1_80 (RFC 3711 4.1.1 / 4.2): keystream from werift's counter IV + i; HMAC-SHA1 from two
 *   prepared SHA-1 states (key ^ ipad, key ^ opad) copied per packet instead of a new Hmac keyed each time.
 * Output is byte-identical to werift's (test/unit/media/webrtc/srtp-cipher-reuse.test.ts, with RFC 3711 B.2
 * vectors); failed authentication throws werift's SrtpAuthenticationError, which werift's transport drops. SRTCP (one
 * packet every few seconds) stays with werift's own methods.
 *
 * Installed once when this module loads (webrtc-bridge.ts imports it): SrtpSession gets its own start() that runs
 * werift's and then wraps both contexts' ciphers.
 * Upstream fix: CipherAesGcm / CipherAesCtr keep one keystream generator (or a native GCM context re-initialised
 * per IV, which Node lacks) and one keyed HMAC state per session instead of creating them per packet.
 */
import { createCipheriv, createHash, timingSafeEqual, type Cipher, type Hash } from "node:crypto";
import { SrtpAuthenticationError, SrtpSession } from "werift";
import { Ghash } from "./srtp-ghash.js";

/** RFC 5764 4.1.2 / RFC 7714 14.2 protection profile codes, as werift stores them. */
const AES128_CM_HMAC_SHA1_80 = 0x0001;
const AEAD_AES_128_GCM = 0x0007;

/** The parts of werift's RtpHeader the ciphers use. */
export interface SrtpRtpHeader {
  readonly ssrc: number;
  readonly sequenceNumber: number;
  readonly serializeSize: number;
  readonly payloadOffset: number;
  readonly padding: boolean;
  paddingSize: number;
  serialize(size: number): Buffer;
}

/** The RTP half of werift's CipherAesBase. */
export interface SrtpRtpCipher {
  encryptRtp(header: SrtpRtpHeader, payload: Buffer, rolloverCounter: number): Buffer;
  decryptRtp(cipherText: Buffer, rolloverCounter: number, header?: SrtpRtpHeader): [Buffer, SrtpRtpHeader];
}

/** The session keys werift's Context derives (RFC 3711 4.3). */
export interface SrtpSessionKeys {
  readonly profile: number;
  readonly srtpSessionKey: Buffer;
  readonly srtpSessionSalt: Buffer;
  readonly srtpSessionAuthTag: Buffer;
}

/** One AES-128-ECB encryptor reused as a CTR keystream generator; counter blocks are built in a reused buffer. */
class Keystream {
  readonly #ecb: Cipher;
  #blocks = Buffer.alloc(16 * 16);

  constructor(key: Buffer) {
    this.#ecb = createCipheriv("aes-128-ecb", key, null);
    this.#ecb.setAutoPadding(false);
  }

  /** E(counter + i) for i = first .. first+count-1; counter = w0..w3, i added to the last word (no carry). */
  generate(w0: number, w1: number, w2: number, w3: number, first: number, count: number): Buffer {
    if (this.#blocks.length < count * 16) this.#blocks = Buffer.alloc(count * 16 * 2);
    const blocks = this.#blocks;
    for (let i = 0; i < count; i++) {
      const at = i * 16;
      blocks.writeUInt32BE(w0, at);
      blocks.writeUInt32BE(w1, at + 4);
      blocks.writeUInt32BE(w2, at + 8);
      blocks.writeUInt32BE((w3 + first + i) >>> 0, at + 12);
    }
    return this.#ecb.update(blocks.subarray(0, count * 16));
  }
}

function xorInto(out: Buffer, at: number, data: Buffer, keystream: Buffer, from: number): void {
  for (let i = 0; i < data.length; i++) out[at + i] = (data[i] ?? 0) ^ (keystream[from + i] ?? 0);
}

function authenticationError(): SrtpAuthenticationError {
  return new SrtpAuthenticationError("Failed to authenticate SRTP packet");
}

/** RFC 3550 5.1 padding of an unprotected packet, as werift's finalizeSrtpRtpHeader sets it. */
function finalizeHeader(header: SrtpRtpHeader, packet: Buffer): SrtpRtpHeader {
  if (!header.padding) {
    header.paddingSize = 0;
    return header;
  }
  const paddingSize = packet[packet.length - 1] ?? 0;
  if (
    packet.length <= header.payloadOffset ||
    paddingSize === 0 ||
    paddingSize > packet.length - header.payloadOffset
  ) {
    throw authenticationError();
  }
  header.paddingSize = paddingSize;
  return header;
}

const GCM_TAG = 16;

/** AEAD_AES_128_GCM for RTP, RFC 7714 8 (IV 8.1, AAD = the RTP header 8.2, 16-octet tag). */
export class GcmRtpCipher implements SrtpRtpCipher {
  readonly #keystream: Keystream;
  readonly #ghash: Ghash;
  readonly #salt: readonly [number, number, number];
  readonly #tag = Buffer.alloc(GCM_TAG);
  readonly #fallback: SrtpRtpCipher;

  constructor(keys: SrtpSessionKeys, fallback: SrtpRtpCipher) {
    this.#keystream = new Keystream(keys.srtpSessionKey);
    this.#ghash = new Ghash(this.#keystream.generate(0, 0, 0, 0, 0, 1));
    const salt = keys.srtpSessionSalt;
    this.#salt = [salt.readUInt32BE(0), salt.readUInt32BE(4), salt.readUInt32BE(8)];
    this.#fallback = fallback;
  }

  encryptRtp(header: SrtpRtpHeader, payload: Buffer, rolloverCounter: number): Buffer {
    const hdr = header.serialize(header.serializeSize);
    const ks = this.#counterKeystream(header, rolloverCounter, payload.length);
    const out = Buffer.allocUnsafe(hdr.length + payload.length + GCM_TAG);
    hdr.copy(out, 0);
    xorInto(out, hdr.length, payload, ks, 16);
    const tagAt = hdr.length + payload.length;
    this.#ghash.digest(hdr, out.subarray(hdr.length, tagAt), out, tagAt);
    for (let i = 0; i < GCM_TAG; i++) out[tagAt + i] = (out[tagAt + i] ?? 0) ^ (ks[i] ?? 0);
    return out;
  }

  decryptRtp(cipherText: Buffer, rolloverCounter: number, header?: SrtpRtpHeader): [Buffer, SrtpRtpHeader] {
    if (header === undefined) return this.#fallback.decryptRtp(cipherText, rolloverCounter);
    const offset = header.payloadOffset;
    const tagAt = cipherText.length - GCM_TAG;
    const aad = cipherText.subarray(0, offset);
    const encrypted = cipherText.subarray(offset, tagAt);
    const ks = this.#counterKeystream(header, rolloverCounter, encrypted.length);
    const tag = this.#tag;
    this.#ghash.digest(aad, encrypted, tag, 0);
    for (let i = 0; i < GCM_TAG; i++) tag[i] = (tag[i] ?? 0) ^ (ks[i] ?? 0);
    if (!timingSafeEqual(tag, cipherText.subarray(tagAt))) throw authenticationError();
    const dst = Buffer.allocUnsafe(tagAt);
    aad.copy(dst, 0);
    xorInto(dst, offset, encrypted, ks, 16);
    return [dst, finalizeHeader(header, dst)];
  }

  /** E(J0) then the payload's keystream: RFC 7714 8.1 IV = (0^16 || SSRC || ROC || SEQ) ^ salt, J0 = IV || 1. */
  #counterKeystream(header: SrtpRtpHeader, roc: number, length: number): Buffer {
    const [s0, s1, s2] = this.#salt;
    const w0 = (s0 ^ (header.ssrc >>> 16)) >>> 0;
    const w1 = (s1 ^ (((header.ssrc & 0xffff) << 16) | (roc >>> 16))) >>> 0;
    const w2 = (s2 ^ (((roc & 0xffff) << 16) | header.sequenceNumber)) >>> 0;
    return this.#keystream.generate(w0, w1, w2, 0, 1, 1 + Math.ceil(length / 16));
  }
}

const CM_TAG = 10;

/** AES_CM_128_HMAC_SHA1_80 for RTP, RFC 3711 4.1.1 (counter) and 4.2 (HMAC-SHA1 over packet || ROC, 80 bits). */
export class CmRtpCipher implements SrtpRtpCipher {
  readonly #keystream: Keystream;
  readonly #salt: readonly [number, number, number, number];
  readonly #inner: Hash;
  readonly #outer: Hash;
  readonly #roc = Buffer.alloc(4);
  readonly #fallback: SrtpRtpCipher;

  constructor(keys: SrtpSessionKeys, fallback: SrtpRtpCipher) {
    this.#keystream = new Keystream(keys.srtpSessionKey);
    const salt = Buffer.alloc(16);
    keys.srtpSessionSalt.copy(salt, 0, 0, 14);
    this.#salt = [salt.readUInt32BE(0), salt.readUInt32BE(4), salt.readUInt32BE(8), salt.readUInt32BE(12)];
    // RFC 2104: H(K ^ opad, H(K ^ ipad, text)), K zero-padded to the 64-octet SHA-1 block.
    const key = Buffer.alloc(64);
    keys.srtpSessionAuthTag.copy(key);
    this.#inner = createHash("sha1").update(key.map((b) => b ^ 0x36));
    this.#outer = createHash("sha1").update(key.map((b) => b ^ 0x5c));
    this.#fallback = fallback;
  }

  encryptRtp(header: SrtpRtpHeader, payload: Buffer, rolloverCounter: number): Buffer {
    const hdr = header.serialize(header.serializeSize);
    const ks = this.#counterKeystream(header, rolloverCounter, payload.length);
    const tagAt = hdr.length + payload.length;
    const out = Buffer.allocUnsafe(tagAt + CM_TAG);
    hdr.copy(out, 0);
    xorInto(out, hdr.length, payload, ks, 0);
    this.#authTag(out.subarray(0, tagAt), rolloverCounter).copy(out, tagAt, 0, CM_TAG);
    return out;
  }

  decryptRtp(cipherText: Buffer, rolloverCounter: number, header?: SrtpRtpHeader): [Buffer, SrtpRtpHeader] {
    if (header === undefined) return this.#fallback.decryptRtp(cipherText, rolloverCounter);
    const tagAt = cipherText.length - CM_TAG;
    const expected = this.#authTag(cipherText.subarray(0, tagAt), rolloverCounter).subarray(0, CM_TAG);
    if (!timingSafeEqual(expected, cipherText.subarray(tagAt))) throw authenticationError();
    const offset = header.payloadOffset;
    const encrypted = cipherText.subarray(offset, tagAt);
    const ks = this.#counterKeystream(header, rolloverCounter, encrypted.length);
    const dst = Buffer.allocUnsafe(tagAt);
    cipherText.copy(dst, 0, 0, offset);
    xorInto(dst, offset, encrypted, ks, 0);
    return [dst, finalizeHeader(header, dst)];
  }

  #authTag(authenticated: Buffer, roc: number): Buffer {
    this.#roc.writeUInt32BE(roc >>> 0, 0);
    const inner = this.#inner.copy().update(authenticated).update(this.#roc).digest();
    return this.#outer.copy().update(inner).digest();
  }

  /** RFC 3711 4.1.1: IV = (salt * 2^16) ^ (SSRC * 2^64) ^ (i * 2^16), i = ROC * 2^16 + SEQ; block j is IV + j. */
  #counterKeystream(header: SrtpRtpHeader, roc: number, length: number): Buffer {
    const [s0, s1, s2, s3] = this.#salt;
    const w1 = (s1 ^ header.ssrc) >>> 0;
    const w2 = (s2 ^ roc) >>> 0;
    const w3 = (s3 ^ (header.sequenceNumber << 16)) >>> 0;
    return this.#keystream.generate(s0, w1, w2, w3, 0, Math.ceil(length / 16));
  }
}

/** werift's context: its derived keys and the cipher it built from them. */
interface ContextLike extends SrtpSessionKeys {
  cipher: SrtpRtpCipher;
}

/** The adapter cipher for a context, or undefined for a profile it does not cover (werift's stays). */
export function reusingCipher(context: ContextLike): SrtpRtpCipher | undefined {
  const original = context.cipher;
  const rtcp = original as unknown as Record<string, unknown>;
  const adapted =
    context.profile === AEAD_AES_128_GCM
      ? new GcmRtpCipher(context, original)
      : context.profile === AES128_CM_HMAC_SHA1_80
        ? new CmRtpCipher(context, original)
        : undefined;
  if (adapted === undefined) return undefined;
  // SRTCP keeps werift's methods, bound to werift's cipher.
  return Object.assign(adapted, {
    encryptRTCP: (rtcp.encryptRTCP as (...args: unknown[]) => unknown).bind(original),
    decryptRTCP: (rtcp.decryptRTCP as (...args: unknown[]) => unknown).bind(original),
  });
}

interface SessionLike {
  localContext: ContextLike;
  remoteContext: ContextLike;
}

type StartFn = (this: SessionLike, ...args: unknown[]) => void;

let installed = false;

/** Wraps the ciphers of every SrtpSession created from now on. Idempotent. */
export function installSrtpCipherReuse(): void {
  if (installed) return;
  installed = true;
  const proto = SrtpSession.prototype as unknown as { start: StartFn };
  const start = proto.start;
  proto.start = function (this: SessionLike, ...args: unknown[]): void {
    start.apply(this, args);
    for (const context of [this.localContext, this.remoteContext]) {
      const adapted = reusingCipher(context);
      if (adapted !== undefined) context.cipher = adapted;
    }
  };
}

installSrtpCipherReuse();
