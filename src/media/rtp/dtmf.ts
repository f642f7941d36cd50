/**
 * DTMF as RTP telephone events, RFC 4733 (obsoletes RFC 2833): the packets a sender puts on the wire for a digit,
 * and a detector that turns received events back into digits.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  |     event     |E|R| volume    |          duration             |
 */

/** RFC 4733 3.2: events 0-9, * (10), # (11), A-D (12-15). */
const DIGITS = "0123456789*#ABCD";

/** The RFC 4733 event code of a DTMF digit (case-insensitive for A-D), undefined for anything else. */
export function dtmfEventCode(digit: string): number | undefined {
  if (digit.length !== 1) return undefined;
  const code = DIGITS.indexOf(digit.toUpperCase());
  return code < 0 ? undefined : code;
}

/** The digit of an RFC 4733 event code 0..15, undefined for other events (flash, tones...). */
export function dtmfDigit(eventCode: number): string | undefined {
  return eventCode >= 0 && eventCode < DIGITS.length ? DIGITS[eventCode] : undefined;
}

export interface TelephoneEvent {
  readonly event: number;
  readonly end: boolean;
  /** Power level below 0 dBm0, 0..63. */
  readonly volume: number;
  /** Duration so far, timestamp units. */
  readonly duration: number;
}

/** Parses a telephone-event payload; undefined when it is shorter than 4 octets. Never throws. */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  const b1 = payload[1] ?? 0;
  return {
    event: payload[0] ?? 0,
    end: (b1 & 0x80) !== 0,
    volume: b1 & 0x3f,
    duration: ((payload[2] ?? 0) << 8) | (payload[3] ?? 0),
  };
}

export function serializeTelephoneEvent(event: TelephoneEvent): Buffer {
  const buf = Buffer.alloc(4);
  buf[0] = event.event;
  buf[1] = (event.end ? 0x80 : 0) | (event.volume & 0x3f);
  buf.writeUInt16BE(event.duration, 2);
  return buf;
}

export interface DtmfPacketOptions {
  /** The negotiated telephone-event payload type (SIPp uses 96; common peers 101). */
  readonly payloadType: number;
  /** Tone duration, ms: 20..8000 (the 16-bit duration field holds 8.19 s at 8 kHz; no segments needed). */
  readonly durationMs: number;
  /** RTP timestamp of the event: the media clock at its start. */
  readonly startTimestamp: number;
  /** Power level below 0 dBm0; RFC 4733 2.5.2.2 suggests the range 0..36 for DTMF. Default 10. */
  readonly volume?: number;
  readonly clockRate?: number;
  /** Interval between updates, ms. Default 20 (one G.711 frame). */
  readonly intervalMs?: number;
}

/** One packet to send, `offsetMs` after the first; the session adds sequence number and SSRC. */
export interface DtmfPacket {
  readonly offsetMs: number;
  readonly marker: boolean;
  readonly payloadType: number;
  readonly timestamp: number;
  readonly payload: Buffer;
  readonly end: boolean;
  readonly duration: number;
}

/** RFC 4733 2.5.1.4: "The final packet for each event ... SHOULD be sent a total of three times". */
const END_PACKETS = 3;

/**
 * The packets of one digit. Every packet carries the event's start timestamp (2.5.1.2: "the RTP timestamp ...
 * MUST be that of the beginning of the event"); the first has the marker bit (2.5.1.3); each update, one per
 * interval, carries the duration so far; the last interval is the end packet (E bit, full duration), sent three
 * times at the update interval (2.5.1.4). A 200 ms digit at 20 ms: 9 updates (160..1440) and 3 × end (1600).
 * Throws RangeError for a character that is not a DTMF digit or a duration out of range (caller validates input).
 */
export function dtmfPackets(digit: string, options: DtmfPacketOptions): DtmfPacket[] {
  const event = dtmfEventCode(digit);
  if (event === undefined) throw new RangeError(`"${digit}" is not a DTMF digit (0-9, *, #, A-D)`);
  const clockRate = options.clockRate ?? 8000;
  const intervalMs = options.intervalMs ?? 20;
  const total = Math.round((options.durationMs * clockRate) / 1000);
  if (options.durationMs < intervalMs || total > 0xffff) {
    throw new RangeError(`DTMF duration must be ${intervalMs}..${Math.floor((0xffff * 1000) / clockRate)} ms`);
  }
  const volume = options.volume ?? 10;
  const step = (intervalMs * clockRate) / 1000;
  const count = Math.ceil(options.durationMs / intervalMs);
  const packets: DtmfPacket[] = [];
  const timestamp = options.startTimestamp >>> 0;
  const packet = (i: number, end: boolean, duration: number): DtmfPacket => ({
    offsetMs: i * intervalMs,
    marker: i === 0,
    payloadType: options.payloadType,
    timestamp,
    payload: serializeTelephoneEvent({ event, end, volume, duration }),
    end,
    duration,
  });
  for (let i = 0; i < count - 1; i++) packets.push(packet(i, false, Math.min(total, (i + 1) * step)));
  for (let r = 0; r < END_PACKETS; r++) packets.push(packet(count - 1 + r, true, total));
  return packets;
}

export interface DtmfSequenceOptions extends Omit<DtmfPacketOptions, "startTimestamp"> {
  /** RTP timestamp at the start of the first digit. */
  readonly startTimestamp: number;
  /** Silence between the end of one digit's packets and the start of the next. Default 100 ms. */
  readonly gapMs?: number;
}

/**
 * The packets of a digit string, each digit a new event with its own timestamp (the media clock at its start),
 * with offsets from the first packet. Throws RangeError on a character that is not a DTMF digit.
 */
export function dtmfSequence(digits: string, options: DtmfSequenceOptions): DtmfPacket[] {
  const clockRate = options.clockRate ?? 8000;
  const gapMs = options.gapMs ?? 100;
  const out: DtmfPacket[] = [];
  let startMs = 0;
  for (const digit of digits) {
    const startTimestamp = (options.startTimestamp + Math.round((startMs * clockRate) / 1000)) >>> 0;
    const packets = dtmfPackets(digit, { ...options, startTimestamp });
    for (const p of packets) out.push({ ...p, offsetMs: startMs + p.offsetMs });
    const last = packets[packets.length - 1];
    startMs += (last?.offsetMs ?? 0) + (options.intervalMs ?? 20) + gapMs;
  }
  return out;
}

/** A digit the detector recognised. */
export interface DetectedDtmf {
  readonly digit: string;
  /** RTP timestamp of the event (its identity). */
  readonly timestamp: number;
  /** Longest duration seen so far, timestamp units (grows with later updates). */
  duration: number;
  /** An end packet has been seen. */
  ended: boolean;
}

/** How many recent events are remembered to recognise late updates, end repeats and reordered packets. */
const REMEMBERED_EVENTS = 64;

/**
 * Turns received telephone-event packets into digits. A new event is a new RTP timestamp (RFC 4733 2.5.1.2), so:
 * - a missing marker bit does not matter (livekit/sip#585: some gateways never set it);
 * - the first packet of an event that arrives, whichever it is (update or end), announces the digit: a lost first
 *   packet or lost end packets lose nothing;
 * - duplicate end packets and late/reordered updates of a known event are absorbed;
 * - digits are ordered by event timestamp (serial arithmetic), so reordering across events keeps the order.
 */
export class DtmfDetector {
  readonly #events: DetectedDtmf[] = [];
  #digits = "";

  /** Feeds one packet already known to carry the telephone-event payload type. Returns a newly detected digit. */
  onPacket(packet: { readonly timestamp: number; readonly payload: Uint8Array }): DetectedDtmf | undefined {
    const event = parseTelephoneEvent(packet.payload);
    if (event === undefined) return undefined;
    const digit = dtmfDigit(event.event);
    if (digit === undefined) return undefined;
    const timestamp = packet.timestamp >>> 0;
    const known = this.#events.find((e) => e.timestamp === timestamp);
    if (known) {
      known.duration = Math.max(known.duration, event.duration);
      known.ended ||= event.end;
      return undefined;
    }
    const detected: DetectedDtmf = { digit, timestamp, duration: event.duration, ended: event.end };
    // Insert in timestamp order (RFC 3550 timestamps wrap: compare by signed 32-bit difference).
    let i = this.#events.length;
    while (i > 0 && (((this.#events[i - 1]?.timestamp ?? 0) - timestamp) | 0) > 0) i--;
    this.#events.splice(i, 0, detected);
    this.#digits = this.#digitsOf(detected, i);
    if (this.#events.length > REMEMBERED_EVENTS) this.#events.shift();
    return detected;
  }

  /** Every digit detected so far, in event order. */
  get digits(): string {
    return this.#digits;
  }

  #digitsOf(detected: DetectedDtmf, index: number): string {
    // Usually appended at the end; a reordered older event is inserted among the remembered recent ones.
    const after = this.#events.length - 1 - index;
    if (after === 0) return this.#digits + detected.digit;
    return this.#digits.slice(0, this.#digits.length - after) + detected.digit + this.#digits.slice(-after);
  }
}
