import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { decodeFrame } from "../../../../src/media/audio/g711.js";
import type { SourceSpec } from "../../../../src/media/media-pipeline.js";
import { sine, wavBytes } from "../../media/audio/audio-test-helpers.js";
import { FakeHost, build, mustBuild } from "./fake-host.js";

let dir = "";
let wav = "";
let raw = "";
const TONE = sine(440, -10, 800);
const RAW_BYTES = Uint8Array.from({ length: 320 }, (_, i) => (i * 7) & 0xff);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "rtp-stream-"));
  wav = join(dir, "prompt.wav");
  raw = join(dir, "prompt.raw");
  await writeFile(wav, wavBytes(1, 8000, "16", TONE));
  await writeFile(raw, RAW_BYTES);
  await writeFile(join(dir, "empty.raw"), new Uint8Array(0));
  await writeFile(join(dir, "stereo.wav"), wavBytes(2, 8000, "16", [TONE, TONE]));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `<exec rtp_stream=value/>` on a fake host and returns what it asked of the media. */
function run(value: string): { host: FakeHost; calls: readonly unknown[] } {
  const host = new FakeHost();
  const result = mustBuild("exec", { rtp_stream: value }).execute(host);
  assert.deepEqual(result, { ok: true });
  return { host, calls: host.mediaControl?.calls ?? [] };
}

function startedSpec(value: string): SourceSpec {
  const { calls } = run(value);
  assert.equal(calls.length, 1);
  const call = calls[0] as { kind: string; spec: SourceSpec };
  assert.equal(call.kind, "startSource");
  return call.spec;
}

function problemsOf(value: string): string {
  const { action, problems } = build("exec", { rtp_stream: value });
  assert.equal(action, undefined, `"${value}" should not build`);
  return problems.join("; ");
}

describe("exec rtp_stream", () => {
  it("is a media action: the engine creates the call's pipeline before its step", () => {
    assert.equal(mustBuild("exec", { rtp_stream: "pause" }).media, true);
  });

  it("streams a WAV file decoded once at load time, once by default, with the negotiated codec", () => {
    const spec = startedSpec(wav);
    assert.ok(spec.kind === "wav");
    assert.equal(spec.path, wav);
    assert.equal(spec.loops, 1, "LOOPS omitted: one play, as sipp 3.6.1 does");
    assert.equal(spec.codec, undefined);
    assert.deepEqual(spec.pcm, TONE);
  });

  it("shares the decoded samples between every call of the action (no per-call read)", () => {
    const action = mustBuild("exec", { rtp_stream: wav });
    const a = new FakeHost();
    const b = new FakeHost();
    action.execute(a);
    action.execute(b);
    const specOf = (h: FakeHost): SourceSpec => (h.mediaControl?.calls[0] as { spec: SourceSpec }).spec;
    const [first, second] = [specOf(a), specOf(b)];
    assert.ok(first.kind === "wav" && second.kind === "wav" && first.pcm !== undefined);
    assert.equal(first.pcm, second.pcm);
  });

  it("takes LOOPS, PT and CODEC: -1 loops forever and PT 0 sends PCMU whatever was negotiated", () => {
    assert.deepEqual(startedSpec(`${wav},-1,0,PCMU/8000`), {
      kind: "wav",
      path: wav,
      loops: -1,
      pcm: TONE,
      codec: "PCMU",
    });
    const spec = startedSpec(`${wav},3,8`);
    assert.ok(spec.kind === "wav");
    assert.equal(spec.loops, 3);
    assert.equal(spec.codec, "PCMA");
  });

  it("reads a file that is not RIFF as raw G.711 in the codec of PT (PCMA when PT is absent)", () => {
    const pcma = startedSpec(raw);
    assert.ok(pcma.kind === "wav");
    assert.deepEqual(pcma.pcm, decodeFrame("PCMA", RAW_BYTES));
    const pcmu = startedSpec(`${raw},0,0`);
    assert.ok(pcmu.kind === "wav");
    assert.deepEqual(pcmu.pcm, decodeFrame("PCMU", RAW_BYTES));
    assert.equal(pcmu.codec, "PCMU");
  });

  it("resolves a relative path against the current directory, as SIPp does", () => {
    const spec = startedSpec(relative(process.cwd(), wav));
    assert.ok(spec.kind === "wav");
    assert.equal(spec.path, wav);
  });

  it("controls the call's source with pause, resume and stop", () => {
    for (const control of ["pause", "resume", "stop"]) {
      assert.deepEqual(run(control).calls, [{ kind: "controlSource", control }]);
    }
  });

  it("starts a tone (default -10 dBFS), silence or echo", () => {
    assert.deepEqual(startedSpec("tone,440"), { kind: "tone", frequencyHz: 440, levelDbfs: -10 });
    assert.deepEqual(startedSpec("tone,1004.5,-20"), { kind: "tone", frequencyHz: 1004.5, levelDbfs: -20 });
    assert.deepEqual(startedSpec("tone,440,-10,8,PCMA/8000"), {
      kind: "tone",
      frequencyHz: 440,
      levelDbfs: -10,
      codec: "PCMA",
    });
    assert.deepEqual(startedSpec("silence"), { kind: "silence" });
    assert.deepEqual(startedSpec("echo"), { kind: "echo" });
  });

  it("rejects a missing, empty or unusable file at load time, naming the file", () => {
    assert.match(problemsOf(join(dir, "nope.wav")), /attribute 'rtp_stream': .*nope\.wav: cannot read/);
    assert.match(problemsOf(join(dir, "empty.raw")), /empty\.raw: empty file/);
    assert.match(problemsOf(join(dir, "stereo.wav")), /stereo\.wav: unsupported WAV: 2 channels/);
  });

  it("rejects payload types other than PCMA (8) and PCMU (0), naming what is carried", () => {
    assert.match(
      problemsOf(`${wav},0,9`),
      /payload type "9" \(G722\) is not supported: sipwright streams PCMA \(8\) and PCMU \(0\)/,
    );
    assert.match(problemsOf(`${wav},0,18,G729/8000`), /"18" \(G729\)/);
    assert.match(problemsOf(`${wav},0,98,iLBC/8000`), /"98" \(iLBC\)/);
    assert.match(problemsOf(`${wav},0,x`), /payload type "x" is not supported/);
  });

  it("rejects a CODEC that disagrees with PT or is not G.711", () => {
    assert.match(problemsOf(`${wav},0,8,PCMU/8000`), /codec "PCMU\/8000" does not match payload type 8 \(PCMA\/8000\)/);
    assert.match(problemsOf(`${wav},0,8,opus/48000`), /codec "opus\/48000" is not supported/);
  });

  it("rejects bad loop counts, extra fields and keywords in the file name", () => {
    assert.match(problemsOf(`${wav},-2`), /loop count "-2" is not -1 \(forever\) or a count >= 0/);
    assert.match(problemsOf(`${wav},two`), /loop count "two"/);
    assert.match(problemsOf(`${wav},0,8,PCMA/8000,x`), /expected FILE\[,LOOPS\[,PT\[,CODEC\]\]\]/);
    assert.match(problemsOf("[field0].wav"), /keywords are not supported in the file name/);
  });

  it("rejects SIPp's rtpcheck bit-pattern forms with a clear message", () => {
    for (const value of ["apattern,1,0,PCMU/8000", "vpattern,2,99,H264/90000", "pauseapattern", "resumevpattern"]) {
      assert.match(problemsOf(value), /rtpcheck bit-pattern forms .* are not supported/);
    }
  });

  it("rejects bad tone values and parameters on the bare forms", () => {
    assert.match(problemsOf("tone"), /the tone form is tone,FREQ_HZ\[,LEVEL_DBFS\[,PT\[,CODEC\]\]\]/);
    assert.match(problemsOf("tone,4000"), /tone frequency "4000" is not a number of Hz from 1 to 3999/);
    assert.match(problemsOf("tone,0"), /tone frequency "0"/);
    assert.match(problemsOf("tone,440,3"), /tone level "3" is not a dBFS value from -120 to 0/);
    assert.notEqual(problemsOf("tone,440,-10,9"), "", "G722 is not carried");
    assert.match(problemsOf("pause,1"), /'pause' takes no parameters/);
    assert.match(problemsOf("silence,2"), /'silence' takes no parameters/);
  });
});
