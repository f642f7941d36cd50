import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as alawmulawNs from "alawmulaw";
import { cjsNamespace } from "../../../../src/media/audio/cjs-namespace.js";
import { readAudioFile } from "../../../../src/media/audio/read-audio-file.js";
import { decodeRawG711 } from "../../../../src/media/audio/read-raw-g711.js";
import { SipwrightError } from "../../../../src/shared/errors.js";
import { sine, wavBytes } from "./audio-test-helpers.js";

const { alaw, mulaw } = cjsNamespace(alawmulawNs, "alaw");
const TONE = sine(440, -10, 480);

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "read-audio-file-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe("decodeRawG711", () => {
  it("decodes raw A-law and µ-law bytes as alawmulaw does, one sample per byte", () => {
    const a = alaw.encode(TONE);
    const u = mulaw.encode(TONE);
    assert.deepEqual(decodeRawG711(a, "PCMA", "a.raw"), alaw.decode(a));
    assert.deepEqual(decodeRawG711(u, "PCMU", "u.raw"), mulaw.decode(u));
  });

  it("rejects an empty file with a FILE_ERROR naming it", () => {
    assert.throws(
      () => decodeRawG711(new Uint8Array(0), "PCMA", "/x/empty.raw"),
      (e: unknown) =>
        e instanceof SipwrightError && e.code === "FILE_ERROR" && e.message.includes("/x/empty.raw: empty file"),
    );
  });
});

describe("readAudioFile", () => {
  it("reads a RIFF file as a WAV file, whatever the raw codec", async () => {
    const path = await fixture("tone.wav", wavBytes(1, 8000, "16", TONE));
    assert.deepEqual(readAudioFile(path, "PCMU"), { format: "wav", pcm: TONE });
  });

  it("reads a G.711 WAV file by its own format tag", async () => {
    const path = await fixture("tone-mulaw.wav", wavBytes(1, 8000, "8m", mulaw.encode(TONE)));
    assert.deepEqual(readAudioFile(path, "PCMA").pcm, mulaw.decode(mulaw.encode(TONE)));
  });

  it("reads anything else as raw G.711 in the given codec (SIPp streams such files as they are)", async () => {
    const bytes = alaw.encode(TONE);
    const path = await fixture("tone.al", bytes);
    assert.deepEqual(readAudioFile(path, "PCMA"), { format: "raw", pcm: alaw.decode(bytes) });
    assert.deepEqual(readAudioFile(path, "PCMU").pcm, mulaw.decode(bytes));
  });

  it("rejects a missing file and a broken WAV with a FILE_ERROR naming the file", async () => {
    const missing = join(dir, "missing.wav");
    assert.throws(() => readAudioFile(missing, "PCMA"), /missing\.wav: cannot read: ENOENT/);
    const broken = await fixture("broken.wav", Buffer.from("RIFF\x10\x00\x00\x00WAVEjunk", "latin1"));
    assert.throws(
      () => readAudioFile(broken, "PCMA"),
      (e: unknown) => e instanceof SipwrightError && e.code === "FILE_ERROR" && e.message.startsWith(`${broken}: `),
    );
  });
});
