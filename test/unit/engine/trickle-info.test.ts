/**
 * Trickle INFO (RFC 8840) as the engine sends it, on the FakeClock with a fake WebRTC bridge:
 * - `auto` mode sends no INFO to a peer that never announced trickle support, and trickles once it does;
 * - INFOs follow the dialog's route set (Record-Route of the 180 reversed, Request-URI the peer's Contact);
 * - their retransmission follows -T1/-T2 (the shared Retransmitter, timer E over UDP only), and Timer F (64 × T1) or
 *   a 405 stops trickling without failing the call.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bridgeRunMedia, FakeBridge } from "./fake-bridge.js";
import type { Call } from "../../../src/engine/call/call.js";
import type { RunConfig } from "../../../src/engine/run/run-config.js";
import { defaultRunConfig, parseArgs } from "../../../src/cli/parse-args.js";
import { responseTo, startFakeRun, type FakeRun, type SentMessage } from "./fake-run-environment.js";
import { request, webrtcInvite } from "./scenario-snippets.js";

const UAC = `<?xml version="1.0"?>
<scenario name="trickle uac" webrtc="true">
  ${webrtcInvite('retrans="500"')}
  <recv response="180"/>
  <recv response="183" optional="true"/>
  <recv response="200"/>
  ${request("ACK", "", "1")}
  <pause milliseconds="60000"/>
  ${request("BYE", 'retrans="500"', "2")}
  <recv response="200"/>
</scenario>`;

interface TrickleRun {
  readonly run: FakeRun;
  readonly bridge: FakeBridge;
  started(): Call | undefined;
  ended(): Call | undefined;
  infos(): SentMessage[];
}

const settle = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

async function startTrickleRun(
  trickle: RunConfig["webrtcOptions"]["trickle"],
  t1Ms = 250,
  t2Ms = 1000,
  transport: "UDP" | "TCP" = "UDP",
): Promise<TrickleRun> {
  const bridge = new FakeBridge();
  const base = defaultRunConfig({ isTTY: false, cwd: process.cwd(), primaryIp: "127.0.0.1" });
  const media = bridgeRunMedia(bridge, { analyze: false });
  let started: Call | undefined;
  let ended: Call | undefined;
  const run = startFakeRun(UAC, {
    config: { webrtc: true, t1Ms, t2Ms, webrtcOptions: { ...base.webrtcOptions, trickle } },
    media,
    transport,
    beforeStart: (controller) => {
      controller.on("callStarted", (call) => (started = call));
      controller.on("callEnded", (call) => (ended = call));
    },
  });
  for (let i = 0; i < 5 && run.env.sent.length === 0; i++) await settle();
  assert.match(run.env.sent[0]?.firstLine ?? "", /^INVITE /);
  return {
    run,
    bridge,
    started: () => started,
    ended: () => ended,
    infos: () => run.env.sent.filter((m) => m.firstLine.startsWith("INFO ")),
  };
}

/** The 180 of the peer behind a Record-Routing proxy, with `extra` header lines. */
function ringing(t: TrickleRun, extra: readonly string[]): void {
  const invite = t.run.env.sent[0];
  assert.ok(invite !== undefined);
  const rr = ["Record-Route: <sip:p2.example;lr>", "Record-Route: <sip:p1.example;lr>"];
  t.run.env.inject(responseTo(invite, "180 Ringing", [...rr, "Contact: <sip:peer@127.0.0.1:5070>", ...extra]));
}

/** 200, ACK, the pause, BYE and its 200: the call ends as a success. */
async function finishCall(t: TrickleRun): Promise<Call> {
  const invite = t.run.env.sent[0];
  assert.ok(invite !== undefined);
  t.run.env.inject(responseTo(invite, "200 OK", ["Contact: <sip:peer@127.0.0.1:5070>"]));
  await settle();
  t.run.clock.advance(60_000);
  await settle();
  const bye = t.run.env.sent.find((m) => m.firstLine.startsWith("BYE "));
  assert.ok(bye !== undefined, "the BYE went out");
  t.run.env.inject(responseTo(bye, "200 OK"));
  await settle();
  const call = t.ended();
  assert.ok(call !== undefined, "the call ended");
  return call;
}

describe("trickle INFO from the engine (RFC 8840)", () => {
  it("auto: a peer without trickle support gets no INFO; once it says Supported: trickle-ice, INFOs follow", async () => {
    const t = await startTrickleRun("auto");
    t.bridge.gather(1);
    ringing(t, []);
    await settle();
    t.bridge.gather(2);
    assert.equal(t.infos().length, 0, "no INFO to a peer that never announced trickle");
    const invite = t.run.env.sent[0];
    assert.ok(invite !== undefined);
    t.run.env.inject(responseTo(invite, "183 Session Progress", ["Supported: trickle-ice"]));
    await settle();
    assert.equal(t.infos().length, 1, "the queued candidates went out once the peer showed support");
  });

  it("auto: a=ice-options:trickle in the peer's SDP is support enough (RFC 8840 4.1)", async () => {
    const t = await startTrickleRun("auto");
    t.bridge.gather(1);
    const invite = t.run.env.sent[0];
    assert.ok(invite !== undefined);
    const body =
      "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-options:trickle\r\nm=audio 9 UDP/TLS/RTP/SAVPF 8\r\n";
    const ringing = responseTo(invite, "180 Ringing", ["Content-Type: application/sdp"]).replace(
      "Content-Length: 0\r\n\r\n",
      `Content-Length: ${body.length}\r\n\r\n${body}`,
    );
    t.run.env.inject(ringing);
    await settle();
    assert.equal(t.infos().length, 1);
  });

  it("follows the route set (Record-Route reversed, Request-URI the Contact) and -T1/-T2; Timer F stops trickling", async () => {
    const t = await startTrickleRun("auto");
    t.bridge.gather(1);
    ringing(t, ["Supported: trickle-ice"]);
    await settle();
    const [info] = t.infos();
    assert.ok(info !== undefined, "the INFO went out after the 180");
    const text = info.data.toString("latin1");
    assert.match(info.firstLine, /^INFO sip:peer@127\.0\.0\.1:5070 SIP\/2\.0$/);
    assert.match(text, /\r\nRoute: <sip:p1\.example;lr>, <sip:p2\.example;lr>\r\n/);
    const start = info.at;
    // T1 250 doubling, capped at T2 1000: 250, 750, 1750, 2750, ... until Timer F at 64 × 250 = 16000.
    t.run.clock.advance(16_000);
    await settle();
    const times = t.infos().map((m) => m.at - start);
    assert.deepEqual(times.slice(0, 5), [0, 250, 750, 1750, 2750]);
    assert.ok(times.every((ms) => ms < 16_000));
    assert.equal(times.length, 18, "1000 ms apart from 1750 (2750 ... 15750) until Timer F");
    t.bridge.gather(2);
    assert.equal(t.infos().length, 18, "no INFO after Timer F");
    const call = await finishCall(t);
    assert.deepEqual(call.outcome, { result: "success" }, "the unanswered INFO did not fail the call");
    const trickle = call.trickle;
    assert.ok(trickle !== undefined);
    assert.deepEqual([trickle.infosRefused, trickle.lastRefusal], [1, "timeout"]);
  });

  it("-T1 100 -T2 400 from the command line: sent at 0, 100, 300, 700, 1100, ... and timed out at 6400", async () => {
    const env = { isTTY: false, cwd: process.cwd(), primaryIp: "127.0.0.1" };
    const command = parseArgs(["127.0.0.1:5060", "-sn", "uac", "-T1", "100", "-T2", "400"], env);
    assert.equal(command.kind, "run");
    const { t1Ms, t2Ms } = command.config;
    assert.deepEqual([t1Ms, t2Ms], [100, 400]);
    const t = await startTrickleRun("trickle", t1Ms, t2Ms);
    t.bridge.gather(1);
    ringing(t, []);
    await settle();
    const [info] = t.infos();
    assert.ok(info !== undefined);
    const start = info.at;
    t.run.clock.advance(6_399);
    await settle();
    const times = t.infos().map((m) => m.at - start);
    // 0, 100, 300, 700, then every T2 (1100 ... 6300): 4 + 14 sends, the same bytes each time.
    const expected = [0, 100, 300, 700, ...Array.from({ length: 14 }, (_, i) => 1100 + 400 * i)];
    assert.deepEqual(times, expected);
    const resentUnchanged = t.infos().every((m) => m.data.equals(info.data));
    assert.ok(resentUnchanged, "a retransmission is the INFO itself");
    assert.equal(t.ended(), undefined, "the call goes on");
    const trickle = t.started()?.trickle;
    assert.ok(trickle !== undefined);
    assert.equal(trickle.infosRefused, 0, "not timed out before 64 × T1");
    t.run.clock.advance(1);
    await settle();
    assert.deepEqual([trickle.infosRefused, trickle.lastRefusal], [1, "timeout"], "Timer F at 64 × T1 = 6400 ms");
    t.run.clock.advance(10_000);
    await settle();
    t.bridge.gather(2);
    assert.equal(t.infos().length, expected.length, "nothing after Timer F, no new INFO");
    const call = await finishCall(t);
    assert.deepEqual(call.outcome, { result: "success" }, "the timed-out INFO did not fail the call");
  });

  it("a 405 to an INFO stops trickling for the call, counted, and the call succeeds", async () => {
    const t = await startTrickleRun("trickle");
    t.bridge.gather(1);
    ringing(t, []);
    await settle();
    const [info] = t.infos();
    assert.ok(info !== undefined, "--trickle trickle sends INFO whatever the peer announced");
    t.run.env.inject(responseTo(info, "405 Method Not Allowed"));
    await settle();
    t.bridge.gather(2);
    t.run.clock.advance(5_000);
    await settle();
    assert.equal(t.infos().length, 1, "no retransmission and no new INFO after the 405");
    const call = await finishCall(t);
    assert.deepEqual(call.outcome, { result: "success" });
    const trickle = call.trickle;
    assert.ok(trickle !== undefined);
    assert.deepEqual([trickle.infosRefused, trickle.lastRefusal], [1, "405 Method Not Allowed"]);
  });

  it("over TCP: no retransmission, but a 405 or Timer F (64 × T1) still stops trickling", async () => {
    const t = await startTrickleRun("trickle", 250, 1000, "TCP");
    t.bridge.gather(1);
    ringing(t, []);
    await settle();
    const [info] = t.infos();
    assert.ok(info !== undefined);
    t.run.clock.advance(15_999);
    await settle();
    assert.equal(t.infos().length, 1, "no retransmission over a reliable transport");
    t.run.clock.advance(1);
    await settle();
    t.bridge.gather(2);
    assert.equal(t.infos().length, 1, "Timer F stopped trickling");
    const call = await finishCall(t);
    const trickle = call.trickle;
    assert.ok(trickle !== undefined);
    assert.deepEqual([trickle.infosRefused, trickle.lastRefusal], [1, "timeout"]);
  });
});
