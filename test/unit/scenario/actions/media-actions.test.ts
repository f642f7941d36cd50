import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SipwrightError } from "../../../../src/shared/errors.js";
import { FakeHost, build, failureOf, mustBuild, type MediaCall } from "./fake-host.js";

const PCAP = "test/fixtures/pcap/pcma-440hz-1s.pcap";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "media-actions-"));
  await writeFile(join(dir, "notes.txt"), "not a capture\n");
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function mediaCalls(tag: string, attrs: Record<string, string>): readonly MediaCall[] {
  const host = new FakeHost();
  const action = mustBuild(tag, attrs);
  assert.equal(action.media, true, `${tag} ${JSON.stringify(attrs)} must be a media action`);
  assert.deepEqual(action.execute(host), { ok: true });
  return host.mediaControl?.calls ?? [];
}

function problemsOf(tag: string, attrs: Record<string, string>): string {
  const { action, problems } = build(tag, attrs);
  assert.equal(action, undefined, `${tag} ${JSON.stringify(attrs)} should not build`);
  return problems.join("; ");
}

describe("exec play_pcap_audio", () => {
  it("parses the capture at load time (relative to the current directory) and replays it on each call", () => {
    const calls = mediaCalls("exec", { play_pcap_audio: PCAP });
    assert.equal(calls.length, 1);
    const call = calls[0];
    assert.ok(call?.kind === "startSource" && call.spec.kind === "pcap", JSON.stringify(call));
    assert.equal(call.spec.path, resolve(PCAP));
    assert.equal(call.spec.stream?.packets.length, 50);
  });

  it("rejects a missing file or a file that is not a capture at load time, naming it", () => {
    assert.match(problemsOf("exec", { play_pcap_audio: join(dir, "nope.pcap") }), /nope\.pcap: cannot read pcap file/);
    assert.match(
      problemsOf("exec", { play_pcap_audio: join(dir, "notes.txt") }),
      /attribute 'play_pcap_audio': .*notes\.txt: /,
    );
    assert.match(problemsOf("exec", { play_pcap_audio: "" }), /the file name is empty/);
  });

  it("rejects the video, image and text forms: audio only", () => {
    for (const form of ["play_pcap_video", "play_pcap_image", "play_pcap_text"]) {
      assert.match(
        problemsOf("exec", { [form]: PCAP }),
        new RegExp(`'${form}' is not supported: sipwright replays audio only`),
      );
    }
  });
});

describe("exec play_dtmf and send_dtmf", () => {
  it("play_dtmf sends RFC 4733 digits of 200 ms by default, falling back to SIPp's payload type 96", () => {
    assert.deepEqual(mediaCalls("exec", { play_dtmf: "123#" }), [
      { kind: "sendDtmf", digits: "123#", durationMs: 200, fallbackPayloadType: 96 },
    ]);
  });

  it("send_dtmf has no fallback payload type, and both take a duration", () => {
    assert.deepEqual(mediaCalls("exec", { send_dtmf: "*0ab,100" }), [
      { kind: "sendDtmf", digits: "*0AB", durationMs: 100, fallbackPayloadType: undefined },
    ]);
    assert.deepEqual(mediaCalls("exec", { play_dtmf: "D, 2000" }), [
      { kind: "sendDtmf", digits: "D", durationMs: 2000, fallbackPayloadType: 96 },
    ]);
  });

  it("rejects digits outside 0-9*#A-D and durations outside 50..2000 ms", () => {
    assert.match(problemsOf("exec", { play_dtmf: "12E" }), /"12E" is not a string of DTMF digits \(0-9, \*, #, A-D\)/);
    assert.match(problemsOf("exec", { send_dtmf: "" }), /is not a string of DTMF digits/);
    assert.match(
      problemsOf("exec", { play_dtmf: "1,49" }),
      /digit duration "49" is not a number of ms from 50 to 2000/,
    );
    assert.match(problemsOf("exec", { play_dtmf: "1,2001" }), /digit duration "2001"/);
    assert.match(problemsOf("exec", { play_dtmf: "1,100,3" }), /expected DIGITS\[,MS\]/);
  });
});

describe("rtp_echo", () => {
  it("exec rtp_echo startaudio and updateaudio turn the echo on, stopaudio stops the source", () => {
    assert.deepEqual(mediaCalls("exec", { rtp_echo: "startaudio,0,PCMU/8000" }), [
      { kind: "startSource", spec: { kind: "echo" } },
    ]);
    assert.deepEqual(mediaCalls("exec", { rtp_echo: "updateaudio,8,PCMA/8000" }), [
      { kind: "startSource", spec: { kind: "echo" } },
    ]);
    assert.deepEqual(mediaCalls("exec", { rtp_echo: "stopaudio" }), [{ kind: "controlSource", control: "stop" }]);
  });

  it("rejects the video forms, unknown verbs, non-G.711 payload types and a mismatched rtpmap", () => {
    assert.match(
      problemsOf("exec", { rtp_echo: "startvideo,99,H264/90000" }),
      /'startvideo' is not supported: sipwright echoes audio only/,
    );
    assert.match(problemsOf("exec", { rtp_echo: "start" }), /expected startaudio, updateaudio, stopaudio/);
    assert.match(problemsOf("exec", { rtp_echo: "startaudio,18,G729/8000" }), /payload type "18" is not supported/);
    assert.match(
      problemsOf("exec", { rtp_echo: "startaudio,0,PCMA/8000" }),
      /rtpmap "PCMA\/8000" does not match payload type 0/,
    );
  });

  it("the <rtp_echo value> element turns the echo on (1) and off (0)", () => {
    assert.deepEqual(mediaCalls("rtp_echo", { value: "1" }), [{ kind: "startSource", spec: { kind: "echo" } }]);
    assert.deepEqual(mediaCalls("rtp_echo", { value: "0" }), [{ kind: "controlSource", control: "stop" }]);
    assert.equal(mustBuild("rtp_echo", { value: "true" }).name, "rtp_echo");
  });

  it("the <rtp_echo> element needs a boolean value", () => {
    assert.match(problemsOf("rtp_echo", {}), /missing required attribute 'value'/);
    assert.match(problemsOf("rtp_echo", { value: "on" }), /"on" is not a valid boolean/);
  });
});

describe("exec rtp_record", () => {
  it("starts the call's recording, stereo or one file per direction", () => {
    assert.deepEqual(mediaCalls("exec", { rtp_record: "stereo" }), [{ kind: "startRecording", layout: "stereo" }]);
    assert.deepEqual(mediaCalls("exec", { rtp_record: "per-direction" }), [
      { kind: "startRecording", layout: "per-direction" },
    ]);
  });

  it("rejects another layout, naming the allowed ones", () => {
    assert.match(problemsOf("exec", { rtp_record: "mono" }), /"mono" is not one of stereo, per-direction/);
  });
});

describe("media exec forms", () => {
  it("one exec does one thing: two forms in one element are a load error", () => {
    assert.match(
      problemsOf("exec", { rtp_stream: "silence", play_dtmf: "1" }),
      /'rtp_stream' and 'play_dtmf' are mutually exclusive/,
    );
    assert.match(
      problemsOf("exec", { command: "true", int_cmd: "stop_call" }),
      /'command' and 'int_cmd' are mutually exclusive/,
    );
  });

  it("non-media exec forms are not media actions", () => {
    assert.notEqual(mustBuild("exec", { command: "true" }).media, true);
  });

  it("a SipwrightError from the call's media fails the call with media_error and its message", () => {
    const host = new FakeHost();
    const control = host.mediaControl;
    assert.ok(control !== undefined);
    control.failure = new SipwrightError("FILE_ERROR", "/tmp/x.wav: cannot read");
    const result = mustBuild("exec", { rtp_stream: "tone,440" }).execute(host);
    assert.deepEqual(result, { ok: false, failure: "media_error", reason: "rtp_stream: /tmp/x.wav: cannot read" });
  });

  it("a call without media fails the action with media_error", () => {
    const host = new FakeHost();
    host.mediaControl = undefined;
    const result = mustBuild("exec", { send_dtmf: "1" }).execute(host);
    assert.equal(failureOf(result), "media_error");
    assert.ok(!result.ok && result.reason === "send_dtmf: this call has no media", JSON.stringify(result));
  });

  it("any other exception is a bug and propagates", () => {
    const host = new FakeHost();
    const control = host.mediaControl;
    assert.ok(control !== undefined);
    control.failure = new TypeError("boom");
    assert.throws(() => mustBuild("exec", { rtp_record: "stereo" }).execute(host), TypeError);
  });
});
