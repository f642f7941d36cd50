import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { RtpHeader, SrtpAuthenticationError, SrtpSession } from "werift";
import "../../../../src/media/webrtc/srtp-cipher-reuse.js";

// werift's CommonJS build is a second, unpatched copy of the same classes: the reference implementation.
const original = createRequire(import.meta.url)("werift") as { SrtpSession: typeof SrtpSession };

const GCM = 0x0007;
const CM = 0x0001;

function keys(profile: number, seed: number) {
  const bytes = (n: number, add: number) =>
    Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + seed + add) & 0xff));
  const saltLength = profile === GCM ? 12 : 14;
  return {
    keys: {
      localMasterKey: bytes(16, 1),
      localMasterSalt: bytes(saltLength, 2),
      remoteMasterKey: bytes(16, 3),
      remoteMasterSalt: bytes(saltLength, 4),
    },
    profile: profile as 1 | 7,
  };
}

/** The keys of the other end of the same SRTP session. */
function mirror(config: ReturnType<typeof keys>): ReturnType<typeof keys> {
  const k = config.keys;
  return {
    ...config,
    keys: {
      localMasterKey: k.remoteMasterKey,
      localMasterSalt: k.remoteMasterSalt,
      remoteMasterKey: k.localMasterKey,
      remoteMasterSalt: k.localMasterSalt,
    },
  };
}

/** Headers that vary what the IV and the AAD are made of: sequence wrap, large SSRC, CSRCs, marker, padding bit. */
type HeaderFields = ConstructorParameters<typeof RtpHeader>[0];

function packets(): { header: HeaderFields; payload: Buffer }[] {
  const out: { header: HeaderFields; payload: Buffer }[] = [];
  const lengths = [0, 1, 15, 16, 17, 160, 161, 320, 1000];
  for (let i = 0; i < 60; i++) {
    const length = lengths[i % lengths.length] ?? 0;
    const header = {
      sequenceNumber: (65500 + i * 7) & 0xffff,
      timestamp: (i * 160 + 0xfffff000) >>> 0,
      ssrc: i % 2 === 0 ? 0xdeadbeef : 0x00001234,
      payloadType: i % 3 === 0 ? 0 : 8,
      marker: i % 5 === 0,
      csrc: i % 4 === 0 ? [0x11223344, 0x55667788] : [],
    };
    out.push({ header, payload: Buffer.from(Array.from({ length }, (_, j) => (j * 13 + i) & 0xff)) });
  }
  return out;
}

for (const [name, profile] of [
  ["AEAD_AES_128_GCM", GCM],
  ["AES_CM_128_HMAC_SHA1_80", CM],
] as const) {
  describe(`SRTP cipher reuse, ${name}`, () => {
    it("protects every packet byte for byte as werift's own cipher does, across a sequence-number wrap", () => {
      const config = keys(profile, 9);
      const ours = new SrtpSession(config);
      const theirs = new original.SrtpSession(config);
      assert.notEqual(ours.localContext.cipher.constructor, theirs.localContext.cipher.constructor);
      for (const { header, payload } of packets()) {
        const a = ours.encrypt(payload, new RtpHeader(header));
        const b = theirs.encrypt(payload, new RtpHeader(header));
        assert.deepEqual(a, b);
      }
    });

    it("unprotects werift's packets to the same bytes, and werift unprotects ours", () => {
      const config = keys(profile, 21);
      const mirrored = mirror(config);
      const theirSender = new original.SrtpSession(config);
      const ourReceiver = new SrtpSession(mirrored);
      const theirReceiver = new original.SrtpSession(mirrored);
      const ourSender = new SrtpSession(config);
      const theirCheck = new original.SrtpSession(mirrored);
      for (const { header, payload } of packets()) {
        const protectedByThem = theirSender.encrypt(payload, new RtpHeader(header));
        assert.deepEqual(ourReceiver.decrypt(protectedByThem), theirReceiver.decrypt(protectedByThem));
        const protectedByUs = ourSender.encrypt(payload, new RtpHeader(header));
        const plain = theirCheck.decrypt(protectedByUs);
        assert.deepEqual(plain.subarray(new RtpHeader(header).serializeSize), payload);
      }
    });

    it("rejects a packet with one flipped bit with werift's SrtpAuthenticationError", () => {
      const config = keys(profile, 33);
      const mirrored = mirror(config);
      const sent = new SrtpSession(config).encrypt(Buffer.alloc(160, 7), new RtpHeader({ sequenceNumber: 1, ssrc: 5 }));
      for (const at of [1, 20, sent.length - 1]) {
        const tampered = Buffer.from(sent);
        tampered[at] = (tampered[at] ?? 0) ^ 0x01;
        assert.throws(() => new SrtpSession(mirrored).decrypt(tampered), SrtpAuthenticationError);
      }
    });
  });
}

describe("SRTP cipher reuse, RFC 3711 B.2 AES-CM keystream", () => {
  it("produces the appendix's first keystream blocks (session key 2B7E..3C, salt F0F1..FD, SSRC 0, ROC 0, SEQ 0)", async () => {
    const { CmRtpCipher } = await import("../../../../src/media/webrtc/srtp-cipher-reuse.js");
    const keysB2 = {
      profile: CM,
      srtpSessionKey: Buffer.from("2B7E151628AED2A6ABF7158809CF4F3C", "hex"),
      srtpSessionSalt: Buffer.from("F0F1F2F3F4F5F6F7F8F9FAFBFCFD", "hex"),
      srtpSessionAuthTag: Buffer.alloc(20),
    };
    const cipher = new CmRtpCipher(keysB2, {
      encryptRtp: () => Buffer.alloc(0),
      decryptRtp: () => {
        throw new Error("unused");
      },
    });
    const header = new RtpHeader({ sequenceNumber: 0, ssrc: 0 });
    const out = cipher.encryptRtp(header, Buffer.alloc(48), 0);
    const keystream = out
      .subarray(header.serializeSize, header.serializeSize + 48)
      .toString("hex")
      .toUpperCase();
    assert.equal(
      keystream,
      "E03EAD0935C95E80E166B16DD92B4EB4" + "D23513162B02D0F72A43A2FE4A5F97AB" + "41E95B3BB0A2E8DD477901E4FCA894C0",
    );
  });
});
