/**
 * An action that answers later (check_audio on a call whose media runs on a media worker): the call waits in the
 * `media` phase, messages that arrive meanwhile are handled right after, in order, and the step's remaining actions
 * run only once the check has answered. FakeClock run with a fake WebRTC bridge whose checkAudio returns a promise.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AudioCheckResult } from "../../../src/media/media-pipeline.js";
import type { Call } from "../../../src/engine/call/call.js";
import { bridgeRunMedia, FakeBridge } from "./fake-bridge.js";
import { responseTo, startFakeRun, type FakeRun, type SentMessage } from "./fake-run-environment.js";
import { request, response, webrtcInvite } from "./scenario-snippets.js";

const UAC = `<?xml version="1.0"?>
<scenario name="async check" webrtc="true">
  ${webrtcInvite()}
  <recv response="200"/>
  ${request("ACK", "", "1")}
  <nop>
    <action>
      <check_audio two_way="true"/>
      <assign assign_to="after_check" value="1"/>
    </action>
  </nop>
  <recv request="BYE"/>
  ${response("200 OK")}
</scenario>`;

const settle = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

interface Deferred {
  resolve(result: AudioCheckResult): void;
}

interface AsyncRun {
  readonly run: FakeRun;
  readonly bridge: FakeBridge;
  /** The check the call waits for, once it asked. */
  pending(): Deferred | undefined;
  ended(): Call | undefined;
  started(): Call | undefined;
  invite(): SentMessage;
}

async function startAsyncRun(): Promise<AsyncRun> {
  const bridge = new FakeBridge();
  let pending: Deferred | undefined;
  bridge.checkAudioWith = () =>
    new Promise<AudioCheckResult>((resolve) => {
      pending = { resolve };
    });
  const media = bridgeRunMedia(bridge, { analyze: true });
  let started: Call | undefined;
  let ended: Call | undefined;
  const run = startFakeRun(UAC, {
    config: { webrtc: true },
    media,
    beforeStart: (controller) => {
      controller.on("callStarted", (call) => (started = call));
      controller.on("callEnded", (call) => (ended = call));
    },
  });
  for (let i = 0; i < 5 && run.env.sent.length === 0; i++) await settle();
  const invite = run.env.sent[0];
  assert.ok(invite?.firstLine.startsWith("INVITE ") === true, "the INVITE went out");
  run.env.inject(responseTo(invite, "200 OK", ["Contact: <sip:peer@127.0.0.1:5070>"]));
  await settle();
  assert.ok(pending !== undefined, "the check was asked once the ACK went out");
  return {
    run,
    bridge,
    pending: () => pending,
    ended: () => ended,
    started: () => started,
    invite: () => invite,
  };
}

/** A BYE from the peer in the call's dialog. */
function byeFromPeer(invite: SentMessage): string {
  const lines = invite.data.toString("latin1").split("\r\n");
  const header = (name: string): string => lines.find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1) ?? "";
  return [
    "BYE sip:me@127.0.0.1:5060 SIP/2.0",
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-peer-bye",
    `From:${header("To")};tag=peer1`,
    `To:${header("From")}`,
    `Call-ID:${header("Call-ID")}`,
    "CSeq: 2 BYE",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

const passed: AudioCheckResult = { kind: "two-way", passed: true, measured: { sent_share: 1 }, reason: "both ways" };

describe("an action that answers later (check_audio on a media worker)", () => {
  it("holds the step until the check answers; a BYE that arrives meanwhile is handled right after", async () => {
    const t = await startAsyncRun();
    const call = t.started();
    assert.ok(call !== undefined);
    assert.equal(call.phase, "media", "the call waits for its check");
    assert.equal(call.variables.get("after_check"), undefined, "the next action has not run");
    t.run.env.inject(byeFromPeer(t.invite()));
    await settle();
    assert.ok(!t.run.env.sent.some((m) => m.firstLine === "SIP/2.0 200 OK"), "the BYE waits with the call");
    t.pending()?.resolve(passed);
    await settle();
    assert.notEqual(call.variables.get("after_check"), undefined, "the step's next action ran after the check");
    assert.ok(
      t.run.env.sent.some((m) => m.firstLine === "SIP/2.0 200 OK"),
      "the deferred BYE got its 200",
    );
    assert.deepEqual(t.ended()?.outcome, { result: "success" });
  });

  it("a check that fails later fails the call with audio_check_failed and skips the step's other actions", async () => {
    const t = await startAsyncRun();
    t.pending()?.resolve({ kind: "two-way", passed: false, measured: { received_share: 0 }, reason: "no audio in" });
    await settle();
    const outcome = t.ended()?.outcome;
    assert.ok(outcome?.result === "failure");
    assert.equal(outcome.failure, "audio_check_failed");
    assert.match(outcome.reason, /^check_audio two_way audio: no audio in$/);
    assert.equal(t.ended()?.variables.get("after_check"), undefined);
  });
});
