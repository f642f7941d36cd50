/**
 * The one way to read a file a user names (the scenario, -inf files, rtp_stream / play_pcap_audio files, TLS PEM
 * files, `[file name=...]`): a regular file of at most a documented size (docs/cli.md, "File limits"). Anything
 * else is refused before a byte is read, so `-sf /dev/zero` or a FIFO ends with an error at once instead of growing
 * without bound (issue 12 item 2). `sipwright validate` and a run read through these same functions.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { SipwrightError } from "./errors.js";

const MIB = 1024 * 1024;

export interface InputFileKind {
  /** What the file is, for messages: "a scenario file". */
  readonly what: string;
  readonly maxBytes: number;
}

/** The size limit of each kind of input file (docs/cli.md lists them). */
export const INPUT_FILES = {
  scenario: { what: "a scenario file", maxBytes: 2 * MIB },
  injection: { what: "an injection file (-inf)", maxBytes: 64 * MIB },
  media: { what: "a media file (WAV, raw audio or pcap)", maxBytes: 128 * MIB },
  tls: { what: "a TLS file (-tls_cert, -tls_key, -tls_ca)", maxBytes: 4 * MIB },
  keyword: { what: "a [file name=...] file", maxBytes: 4 * MIB },
} as const satisfies Record<string, InputFileKind>;

function formatSize(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`;
}

function fileType(st: Stats): string {
  if (st.isDirectory()) return "a folder";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  return "not one";
}

function tooLarge(kind: InputFileKind, size: string): SipwrightError {
  const limit = formatSize(kind.maxBytes);
  return new SipwrightError(
    "FILE_ERROR",
    `${kind.what} may be at most ${limit} (docs/cli.md, File limits); this one is ${size}`,
  );
}

/**
 * The whole file. Throws a FILE_ERROR whose message is the reason alone (callers name the file and the option):
 * the open error, "not a regular file", or the size over the kind's limit. Opened non-blocking, so a FIFO with no
 * writer does not hang the open; the size is checked on the opened file, and again while reading (a file that
 * grows, or a /proc file that reports size 0, stops at the limit).
 */
export function readInputFile(path: string, kind: InputFileKind): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new SipwrightError("FILE_ERROR", error instanceof Error ? error.message : String(error), { cause: error });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new SipwrightError("FILE_ERROR", `${kind.what} must be a regular file; this one is ${fileType(st)}`);
    }
    if (st.size > kind.maxBytes) throw tooLarge(kind, `${st.size} bytes`);
    const cap = kind.maxBytes + 1;
    let buffer = Buffer.allocUnsafe(Math.min(cap, st.size + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length === cap) throw tooLarge(kind, "larger");
        const grown = Buffer.allocUnsafe(Math.min(cap, Math.max(2 * length, 64 * 1024)));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof SipwrightError) throw error;
    throw new SipwrightError("FILE_ERROR", error instanceof Error ? error.message : String(error), { cause: error });
  } finally {
    closeSync(fd);
  }
}
