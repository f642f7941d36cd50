/**
 * A minimal TURN client for interop tests, written from the RFCs (independent of werift): builds STUN messages
 * (RFC 5389 6, 15), the long-term credential MESSAGE-INTEGRITY (RFC 5389 10.2, 15.4), and runs the Allocate dance
 * (RFC 5766 6.1-6.3: unauthenticated request -> 401 with REALM and NONCE -> authenticated request) and Refresh
 * (RFC 5766 7) over one UDP socket. Only what the tests read is decoded.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";

// RFC 5389 6: magic cookie; RFC 5766 13: methods and attributes.
const MAGIC_COOKIE = 0x2112a442;
const METHOD_ALLOCATE = 0x003;
const METHOD_REFRESH = 0x004;
const CLASS_SUCCESS = 0x100;
const CLASS_ERROR = 0x110;
const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  LIFETIME: 0x000d,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
} as const;
const UDP_PROTOCOL = 17;

interface Attribute {
  readonly type: number;
  readonly value: Buffer;
}

export interface StunResponse {
  readonly kind: "success" | "error";
  readonly errorCode: number | undefined;
  readonly reason: string | undefined;
  readonly realm: string | undefined;
  readonly nonce: string | undefined;
  readonly relayed: { readonly address: string; readonly port: number } | undefined;
  readonly lifetime: number | undefined;
}

export interface LongTermAuth {
  readonly username: string;
  readonly password: string;
  readonly realm: string;
  readonly nonce: string;
}

function attribute(type: number, value: Buffer): Buffer {
  // RFC 5389 15: type, length (unpadded), value padded to a multiple of 4 bytes.
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

/** Builds a request; with `auth`, adds USERNAME, REALM, NONCE and a long-term MESSAGE-INTEGRITY last. */
export function buildRequest(method: number, attributes: readonly Attribute[], auth?: LongTermAuth): Buffer {
  const transactionId = randomBytes(12);
  const all = [...attributes];
  if (auth) {
    all.push({ type: ATTR.USERNAME, value: Buffer.from(auth.username, "utf8") });
    all.push({ type: ATTR.REALM, value: Buffer.from(auth.realm, "utf8") });
    all.push({ type: ATTR.NONCE, value: Buffer.from(auth.nonce, "utf8") });
  }
  const body = Buffer.concat(all.map((a) => attribute(a.type, a.value)));
  const header = Buffer.alloc(20);
  header.writeUInt16BE(method & 0x3eef, 0); // request class bits are 0
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(header, 8);
  if (!auth) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  // RFC 5389 15.4: the HMAC covers the message up to MESSAGE-INTEGRITY, with the length field already counting the
  // 24-byte MESSAGE-INTEGRITY attribute; key = MD5(username ":" realm ":" password).
  header.writeUInt16BE(body.length + 24, 2);
  const key = createHash("md5").update(`${auth.username}:${auth.realm}:${auth.password}`, "utf8").digest();
  const hmac = createHmac("sha1", key)
    .update(Buffer.concat([header, body]))
    .digest();
  return Buffer.concat([header, body, attribute(ATTR.MESSAGE_INTEGRITY, hmac)]);
}

function parseAttributes(message: Buffer): Attribute[] {
  const out: Attribute[] = [];
  const end = Math.min(message.length, 20 + message.readUInt16BE(2));
  let offset = 20;
  while (offset + 4 <= end) {
    const type = message.readUInt16BE(offset);
    const length = message.readUInt16BE(offset + 2);
    out.push({ type, value: message.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + length + ((4 - (length % 4)) % 4);
  }
  return out;
}

/** Decodes a response; throws on something that is not a STUN success or error response. */
export function parseResponse(message: Buffer): StunResponse {
  if (message.length < 20 || message.readUInt32BE(4) !== MAGIC_COOKIE) throw new Error("not a STUN message");
  const cls = message.readUInt16BE(0) & 0x0110;
  if (cls !== CLASS_SUCCESS && cls !== CLASS_ERROR) throw new Error(`not a response (class 0x${cls.toString(16)})`);
  const attrs = parseAttributes(message);
  const find = (type: number): Buffer | undefined => attrs.find((a) => a.type === type)?.value;
  const error = find(ATTR.ERROR_CODE);
  const relayed = find(ATTR.XOR_RELAYED_ADDRESS);
  const lifetime = find(ATTR.LIFETIME);
  return {
    kind: cls === CLASS_SUCCESS ? "success" : "error",
    // RFC 5389 15.6: class (hundreds) in bits 8-10 of the 3rd byte, number in the 4th; then the reason phrase.
    errorCode: error ? (error.readUInt8(2) & 0x07) * 100 + error.readUInt8(3) : undefined,
    reason: error ? error.subarray(4).toString("utf8") : undefined,
    realm: find(ATTR.REALM)?.toString("utf8"),
    nonce: find(ATTR.NONCE)?.toString("utf8"),
    // RFC 5389 15.2: XOR-MAPPED-ADDRESS encoding (IPv4 only here).
    relayed: relayed
      ? {
          port: relayed.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16),
          address: [0, 1, 2, 3].map((i) => relayed.readUInt8(4 + i) ^ uint32(MAGIC_COOKIE).readUInt8(i)).join("."),
        }
      : undefined,
    lifetime: lifetime?.readUInt32BE(0),
  };
}

/** One UDP 5-tuple to a TURN server: sends a request, awaits the response (bounded). */
export class TurnUdpClient {
  readonly #socket: Socket;
  readonly #server: { host: string; port: number };
  #realm = "";
  #nonce = "";

  private constructor(socket: Socket, server: { host: string; port: number }) {
    this.#socket = socket;
    this.#server = server;
  }

  static async open(host: string, port: number): Promise<TurnUdpClient> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve();
      });
    });
    return new TurnUdpClient(socket, { host, port });
  }

  async request(message: Buffer, timeoutMs = 3000): Promise<StunResponse> {
    const id = message.subarray(8, 20);
    return new Promise<StunResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#socket.off("message", onMessage);
        reject(new Error(`no STUN response from ${this.#server.host}:${this.#server.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (data: Buffer): void => {
        if (data.length < 20 || !data.subarray(8, 20).equals(id)) return;
        clearTimeout(timer);
        this.#socket.off("message", onMessage);
        try {
          resolve(parseResponse(data));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      this.#socket.on("message", onMessage);
      this.#socket.send(message, this.#server.port, this.#server.host);
    });
  }

  /**
   * RFC 5766 6.1-6.3: an Allocate without credentials must get 401 with REALM and NONCE; then the authenticated
   * Allocate's response is returned (success, or an error such as 401 for bad credentials).
   */
  async allocate(username: string, password: string): Promise<{ challenge: StunResponse; response: StunResponse }> {
    const transport = { type: ATTR.REQUESTED_TRANSPORT, value: Buffer.from([UDP_PROTOCOL, 0, 0, 0]) };
    const challenge = await this.request(buildRequest(METHOD_ALLOCATE, [transport]));
    if (challenge.errorCode !== 401 || challenge.realm === undefined || challenge.nonce === undefined) {
      throw new Error(`expected a 401 challenge with REALM and NONCE, got ${JSON.stringify(challenge)}`);
    }
    this.#realm = challenge.realm;
    this.#nonce = challenge.nonce;
    const auth = { username, password, realm: this.#realm, nonce: this.#nonce };
    const response = await this.request(buildRequest(METHOD_ALLOCATE, [transport], auth));
    return { challenge, response };
  }

  /** RFC 5766 7: Refresh the allocation on this 5-tuple with (possibly new) credentials. */
  async refresh(username: string, password: string, lifetimeS: number): Promise<StunResponse> {
    const lifetime = { type: ATTR.LIFETIME, value: uint32(lifetimeS) };
    const auth = { username, password, realm: this.#realm, nonce: this.#nonce };
    return this.request(buildRequest(METHOD_REFRESH, [lifetime], auth));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#socket.close(() => {
        resolve();
      });
    });
  }
}
