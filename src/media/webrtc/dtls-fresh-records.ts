/**
 * werift 0.25.2 adapter: a retransmitted DTLS flight goes out in new records, with new record sequence numbers.
 * RFC 6347 4.1: "each DTLS record includes an explicit sequence number ... the sequence number for each record is
 * incremented by one", retransmissions included (4.2.4: a retransmitted message is sent in new records; only the
 * handshake message_seq stays); 4.1.2.6: a receiver discards a record whose sequence number it has seen (replay
 * window). werift serializes a flight once and resends the same bytes (Flight.transmit, and Flight5's "flight5
 * twice" resends `lastMessage`), so every retransmitted record carries a sequence number the peer already saw and an
 * OpenSSL peer (rtpengine) discards all of it unread: when the first copy of our final flight reached the peer but
 * could not complete its handshake, no retransmission ever can, and the call ends `dtls_failed` with the peer
 * resending its own flight.
 * This adapter watches what the DTLS socket sends: a datagram it has sent before is sent again with every record
 * renumbered past the highest sequence number used in that record's epoch; an encrypted record (epoch 1: Finished)
 * is encrypted again from the plaintext werift encrypted it from, since the sequence number is part of the AEAD
 * nonce and additional data. werift's own counter is moved past the numbers used, so later records stay unique.
 * Upstream fix: Flight.transmit should re-create its records (createPacket + encrypt) for each transmission.
 */
import type { RTCDtlsTransport } from "werift";
import { createLogger } from "../../shared/logger.js";

const log = createLogger("media.webrtc");

const RECORD_HEADER = 13;

/** werift's DtlsPlaintext (not exported by werift's typings). */
interface PlaintextLike {
  readonly recordLayerHeader: { sequenceNumber: number; epoch: number; contentLen: number };
  fragment: Buffer;
  serialize(): Buffer;
}

interface SocketLike {
  readonly transport: { send: (buf: Buffer) => unknown };
  readonly cipher: { encryptPacket: (pkt: PlaintextLike) => PlaintextLike };
  readonly dtls: { recordSequenceNumber: number };
}

function isSocket(value: unknown): value is SocketLike {
  if (typeof value !== "object" || value === null) return false;
  const socket = value as Partial<SocketLike>;
  return (
    typeof socket.transport?.send === "function" &&
    typeof socket.cipher?.encryptPacket === "function" &&
    typeof socket.dtls?.recordSequenceNumber === "number"
  );
}

export function freshRetransmittedRecords(transport: RTCDtlsTransport): () => void {
  const state = transport.onStateChange.subscribe((next) => {
    if (next !== "connecting") return;
    // werift creates its DtlsClient / DtlsServer synchronously after "connecting".
    queueMicrotask(() => {
      const socket: unknown = transport.dtls;
      if (isSocket(socket)) patch(socket);
    });
  });
  return () => {
    state.unSubscribe();
  };
}

/** The records of one datagram: offset, epoch and sequence number of each (RFC 6347 4.1). */
function records(datagram: Buffer): { offset: number; epoch: number; seq: number; length: number }[] {
  const out: { offset: number; epoch: number; seq: number; length: number }[] = [];
  let offset = 0;
  while (offset + RECORD_HEADER <= datagram.length) {
    const length = datagram.readUInt16BE(offset + 11);
    if (offset + RECORD_HEADER + length > datagram.length) break;
    out.push({ offset, epoch: datagram.readUInt16BE(offset + 3), seq: datagram.readUIntBE(offset + 5, 6), length });
    offset += RECORD_HEADER + length;
  }
  return out;
}

function patch(socket: SocketLike): void {
  /** Datagrams sent, by content (a flight is a handful of datagrams). */
  const sent = new Set<string>();
  /** Highest sequence number sent per epoch. */
  const highest = new Map<number, number>();
  /** Encrypted record bytes -> the plaintext record (header and fragment) werift encrypted. */
  const plaintexts = new Map<string, { epoch: number; type: number; fragment: Buffer; header: Buffer }>();
  const cipher = socket.cipher;
  const encrypt = cipher.encryptPacket.bind(cipher);
  cipher.encryptPacket = (pkt: PlaintextLike): PlaintextLike => {
    if (!isHandshakeRecord(pkt.serialize())) return encrypt(pkt);
    const plain = Buffer.from(pkt.fragment);
    const header = pkt.serialize().subarray(0, RECORD_HEADER);
    const encrypted = encrypt(pkt);
    plaintexts.set(encrypted.serialize().toString("hex"), {
      epoch: pkt.recordLayerHeader.epoch,
      type: header[0] ?? 0,
      fragment: plain,
      header: Buffer.from(header),
    });
    return encrypted;
  };
  const context = socket.transport;
  const send = context.send.bind(context);
  const note = (datagram: Buffer): void => {
    for (const record of records(datagram)) {
      highest.set(record.epoch, Math.max(highest.get(record.epoch) ?? 0, record.seq));
    }
  };
  context.send = (buf: Buffer): unknown => {
    if (!isHandshakeRecord(buf)) return send(buf);
    const key = buf.toString("hex");
    if (!sent.has(key)) {
      sent.add(key);
      note(buf);
      return send(buf);
    }
    const fresh = renumber(buf);
    if (fresh === undefined) return send(buf);
    log.debug(
      `DTLS retransmission in new records (${records(fresh)
        .map((r) => `${r.epoch}/${r.seq}`)
        .join(" ")})`,
    );
    note(fresh);
    return send(fresh);
  };

  const nextSeq = (epoch: number): number => {
    const seq = (highest.get(epoch) ?? 0) + 1;
    highest.set(epoch, seq);
    // werift's counter numbers the current epoch's next records (application data after the handshake).
    if (socket.dtls.recordSequenceNumber < seq) socket.dtls.recordSequenceNumber = seq;
    return seq;
  };

  /** The datagram with every record renumbered, or undefined when one of its records cannot be re-encrypted. */
  const renumber = (datagram: Buffer): Buffer | undefined => {
    const parts: Buffer[] = [];
    for (const record of records(datagram)) {
      const bytes = datagram.subarray(record.offset, record.offset + RECORD_HEADER + record.length);
      if (record.epoch === 0) {
        const copy = Buffer.from(bytes);
        copy.writeUIntBE(nextSeq(0), 5, 6);
        parts.push(copy);
        continue;
      }
      const plain = plaintexts.get(bytes.toString("hex"));
      if (plain === undefined) return undefined;
      const header = Buffer.from(plain.header);
      header.writeUIntBE(nextSeq(record.epoch), 5, 6);
      const pkt = deserialize(Buffer.concat([header, plain.fragment]));
      const encrypted = encrypt(pkt).serialize();
      plaintexts.set(encrypted.toString("hex"), plain);
      parts.push(encrypted);
    }
    return parts.length === 0 ? undefined : Buffer.concat(parts);
  };
}

/** RFC 6347 4.1: ContentType change_cipher_spec(20) or handshake(22): the records a flight is made of. */
function isHandshakeRecord(datagram: Buffer): boolean {
  return datagram[0] === 20 || datagram[0] === 22;
}

/** A werift DtlsPlaintext for `record` (header + fragment), without importing werift's internals. */
function deserialize(record: Buffer): PlaintextLike {
  const header = {
    sequenceNumber: record.readUIntBE(5, 6),
    epoch: record.readUInt16BE(3),
    contentLen: record.readUInt16BE(11),
  };
  const result: PlaintextLike & { recordLayerHeader: typeof header & Record<string, unknown> } = {
    recordLayerHeader: {
      ...header,
      contentType: record[0] ?? 0,
      protocolVersion: { major: record[1] ?? 0, minor: record[2] ?? 0 },
    },
    fragment: Buffer.from(record.subarray(RECORD_HEADER)),
    serialize(): Buffer {
      const out = Buffer.alloc(RECORD_HEADER + this.fragment.length);
      record.copy(out, 0, 0, 5);
      out.writeUIntBE(this.recordLayerHeader.sequenceNumber, 5, 6);
      out.writeUInt16BE(this.fragment.length, 11);
      this.fragment.copy(out, RECORD_HEADER);
      return out;
    },
  };
  return result;
}
