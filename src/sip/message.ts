/**
 * The engine's view of one SIP message. Implementations parse lazily: the start line, Call-ID and CSeq are read
 * eagerly (every message needs them for dispatch); every other header is located by a single byte scan and turned
 * into a string only when asked for.
 */
export interface HeaderField {
  /** Header name exactly as written on the wire (may be a compact form such as `v` or `i`). */
  readonly name: string;
  /** Value with leading/trailing whitespace removed and folded continuation lines joined by a single space. */
  readonly value: string;
}

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

export interface SipMessage {
  /** The exact bytes of this one message (for a stream transport: the framed message only). */
  readonly raw: Buffer;
  readonly kind: "request" | "response";
  /** First line without its CRLF. */
  readonly startLine: string;
  /** Request method; for a response, the method from CSeq (empty if CSeq is missing). */
  readonly method: string;
  /** Request-URI; "" for responses. */
  readonly requestUri: string;
  /** Status code; 0 for requests. */
  readonly status: number;
  /** Reason phrase; "" for requests. */
  readonly reason: string;
  /** Call-ID value ("" when missing). Compact form `i` accepted. */
  readonly callId: string;
  /** Parsed CSeq, or undefined when missing/unparseable. */
  readonly cseq: CSeq | undefined;
  /** The body, sliced by Content-Length in bytes (or to the end of the datagram when Content-Length is absent). */
  readonly body: Buffer;

  /**
   * First value of a header. Case-insensitive; a long name also finds its compact form and vice versa
   * (`i m e l c f t v k s o` plus `u` Allow-Events, `r` Refer-To, `b` Referred-By, `x` Session-Expires).
   * Values are whole lines: no comma splitting.
   */
  header(name: string): string | undefined;
  /** Every occurrence's value, in order (one entry per header line; comma-separated values are not split). */
  headerAll(name: string): string[];
  /** Every header line, in order. */
  headerFields(): readonly HeaderField[];
  /**
   * The header lines whose name is exactly `lower` (lower-case ASCII; ASCII case ignored, no compact-form mapping),
   * in order: the first one's name as written and every value. Undefined when there is none.
   */
  headerLines(lower: string): { readonly name: string; readonly values: readonly string[] } | undefined;
  /** The header section as text: start line + headers, without the blank line that ends them. */
  headerText(): string;
  /** The whole message as latin1/utf8 text (cached). */
  text(): string;
  /** Body as text (utf8). */
  bodyText(): string;
  /** `branch` parameter of the top Via, if any. */
  topViaBranch(): string | undefined;
  /** `tag` parameter of To / From, if any. */
  toTag(): string | undefined;
  fromTag(): string | undefined;
}
