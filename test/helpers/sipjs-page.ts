/**
 * A browser SIP softphone for the browser-softphone tests: sip.js 0.21 (`UserAgent`, `Registerer`, `Inviter`,
 * the Web `SessionDescriptionHandler`) bundled for the page by esbuild at test time, into a temp folder.
 *
 * The page script is plain browser JavaScript in a string (the project's tsconfig has no DOM library; see
 * chromium-page.ts). Its local track is a WebAudio OscillatorNode through a MediaStreamDestination (sip.js's
 * mediaStreamFactory hook, instead of getUserMedia); the remote track feeds an AnalyserNode. It exposes
 * `window.softphone`; every method bounds its own waits and rejects with what it saw (the SIP trace included).
 */
import { join } from "node:path";
import { build } from "esbuild";
import { REPO_ROOT } from "./sipwright.js";

const SOFTPHONE_ENTRY = String.raw`
import { Inviter, Registerer, RegistererState, SessionState, UserAgent, Web } from "sip.js";

const audio = new AudioContext();
const trace = [];
let ua;
let registerer;
let session;
let incoming;
let toneHz = 1000;
let analyser;

function toneStream() {
  const oscillator = new OscillatorNode(audio, { type: "sine", frequency: toneHz });
  const gain = new GainNode(audio, { gain: 0.5 });
  const destination = audio.createMediaStreamDestination();
  oscillator.connect(gain).connect(destination);
  oscillator.start();
  return destination.stream;
}

function timeout(what, ms) {
  return new Promise((_, reject) =>
    setTimeout(() => reject(new Error("timed out after " + ms + " ms waiting for " + what() + "\n" + trace.slice(-30).join("\n"))), ms));
}

function bounded(what, ms, promise) {
  return Promise.race([promise, timeout(what, ms)]);
}

function stateOf(s) {
  return s === undefined ? "no session" : "session " + s.state;
}

// Resolves when the session is Established; rejects when it ends first.
function established(s) {
  return new Promise((resolve, reject) => {
    const check = (state) => {
      if (state === SessionState.Established) resolve();
      else if (state === SessionState.Terminated) reject(new Error("the session ended before it was established\n" + trace.slice(-30).join("\n")));
    };
    s.stateChange.addListener(check);
    check(s.state);
  });
}

function attachRemote(s) {
  const pc = s.sessionDescriptionHandler.peerConnection;
  const receiver = pc.getReceivers().find((r) => r.track && r.track.kind === "audio");
  if (receiver === undefined) throw new Error("no audio receiver on the peer connection");
  const stream = new MediaStream([receiver.track]);
  // Chrome feeds remote audio to WebAudio only while the stream is also attached to a media element.
  document.getElementById("remote").srcObject = stream;
  analyser = new AnalyserNode(audio, { fftSize: 8192, smoothingTimeConstant: 0 });
  audio.createMediaStreamSource(stream).connect(analyser);
}

// Frequency of the strongest AnalyserNode bin (parabolic interpolation between bins) and by zero crossings.
function measure() {
  if (analyser === undefined) return { peakHz: 0, zeroCrossingHz: 0, rms: 0, binHz: 0 };
  const spectrum = new Float32Array(analyser.frequencyBinCount);
  analyser.getFloatFrequencyData(spectrum);
  let best = 1;
  for (let i = 2; i < spectrum.length - 1; i++) if (spectrum[i] > spectrum[best]) best = i;
  const [a, b, c] = [spectrum[best - 1], spectrum[best], spectrum[best + 1]];
  const offset = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c);
  const binHz = audio.sampleRate / analyser.fftSize;
  const samples = new Float32Array(analyser.fftSize);
  analyser.getFloatTimeDomainData(samples);
  let energy = 0;
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let i = 0; i < samples.length; i++) {
    energy += samples[i] * samples[i];
    if (i > 0 && samples[i - 1] < 0 && samples[i] >= 0) {
      if (first < 0) first = i;
      else crossings++;
      last = i;
    }
  }
  const zeroCrossingHz = crossings > 0 ? (crossings * audio.sampleRate) / (last - first) : 0;
  return { peakHz: (best + offset) * binHz, zeroCrossingHz, rms: Math.sqrt(energy / samples.length), binHz };
}

window.softphone = {
  // Creates the UserAgent (AOR aor, WebSocket server url) and connects its transport.
  async start(server, aor, frequencyHz, timeoutMs) {
    toneHz = frequencyHz;
    ua = new UserAgent({
      uri: UserAgent.makeURI(aor),
      transportOptions: { server, traceSip: true },
      logBuiltinEnabled: false,
      logLevel: "debug",
      logConnector: (level, category, label, content) => {
        if (category === "sip.Transport" || level === "error" || level === "warn") trace.push("[" + level + " " + category + "] " + content);
        if (trace.length > 400) trace.splice(0, 100);
      },
      sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(async () => toneStream()),
      sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 3000 },
      delegate: {
        onInvite: (invitation) => {
          incoming = invitation;
          trace.push("[page] incoming INVITE from " + invitation.remoteIdentity.uri.toString());
        },
      },
    });
    await bounded(() => "the WebSocket connection to " + server, timeoutMs, ua.start());
  },
  async register(timeoutMs) {
    registerer = new Registerer(ua, { expires: 300 });
    const done = new Promise((resolve, reject) => {
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) resolve();
        else if (state === RegistererState.Terminated) reject(new Error("registration terminated"));
      });
    });
    await registerer.register({
      requestDelegate: { onReject: (response) => trace.push("[page] REGISTER rejected " + response.message.statusCode) },
    });
    await bounded(() => "the registration (" + registerer.state + ")", timeoutMs, done);
  },
  // Calls target (a SIP URI); resolves once the call is established (200 received, ACK sent).
  async call(target, timeoutMs) {
    const uri = UserAgent.makeURI(target);
    if (uri === undefined) throw new Error("not a SIP URI: " + target);
    session = new Inviter(ua, uri, { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
    const up = established(session);
    await session.invite();
    await bounded(() => "the call to be established (" + stateOf(session) + ")", timeoutMs, up);
    attachRemote(session);
  },
  // Waits for an INVITE and accepts it with our own WebRTC answer; resolves once the call is established.
  async answer(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    await bounded(() => "an incoming INVITE", timeoutMs, new Promise((resolve) => {
      const poll = () => (incoming !== undefined ? resolve() : setTimeout(poll, 20));
      poll();
    }));
    session = incoming;
    const up = established(session);
    await session.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
    await bounded(() => "the incoming call to be established (" + stateOf(session) + ")", Math.max(1, deadline - Date.now()), up);
    attachRemote(session);
  },
  // Resolves once the remote track has carried sound above minRms for holdMs (the analyser's window then holds only it).
  measureRemoteTone(minRms, holdMs, timeoutMs) {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      let soundSince;
      let latest = measure();
      const timer = setInterval(() => {
        latest = measure();
        if (latest.rms < minRms) soundSince = undefined;
        else soundSince ??= Date.now();
        if (soundSince !== undefined && Date.now() - soundSince >= holdMs) {
          clearInterval(timer);
          resolve(latest);
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(timer);
          reject(new Error("no remote sound for " + holdMs + " ms within " + timeoutMs + " ms (last: " + JSON.stringify(latest) + ", " + stateOf(session) + ")"));
        }
      }, 50);
    });
  },
  async inboundAudio() {
    const report = await session.sessionDescriptionHandler.peerConnection.getStats();
    let inbound;
    report.forEach((entry) => { if (entry.type === "inbound-rtp" && entry.kind === "audio") inbound = entry; });
    if (inbound === undefined) return undefined;
    const codec = inbound.codecId === undefined ? undefined : report.get(inbound.codecId);
    return { packetsReceived: inbound.packetsReceived, packetsLost: inbound.packetsLost, codec: codec ? codec.mimeType : "" };
  },
  // Resolves once the outbound-rtp audio stream has sent \`packets\` RTP packets (the tone went out that long).
  sent(packets, timeoutMs) {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      let last = 0;
      const poll = async () => {
        const report = await session.sessionDescriptionHandler.peerConnection.getStats();
        report.forEach((entry) => { if (entry.type === "outbound-rtp" && entry.kind === "audio") last = entry.packetsSent; });
        if (last >= packets) resolve(last);
        else if (Date.now() - started > timeoutMs) reject(new Error("only " + last + " of " + packets + " RTP packets sent within " + timeoutMs + " ms (" + stateOf(session) + ")"));
        else setTimeout(() => poll().catch(reject), 50);
      };
      poll().catch(reject);
    });
  },
  // Sends BYE and resolves once the session has terminated.
  async hangup(timeoutMs) {
    const s = session;
    const ended = new Promise((resolve) => {
      s.stateChange.addListener((state) => { if (state === SessionState.Terminated) resolve(); });
    });
    await s.bye();
    await bounded(() => "the session to end after BYE (" + stateOf(s) + ")", timeoutMs, ended);
  },
  // Resolves once the far end has ended the session (its BYE answered).
  ended(timeoutMs) {
    const s = session;
    return bounded(() => "the far end to end the call (" + stateOf(s) + ")", timeoutMs, new Promise((resolve) => {
      const check = (state) => { if (state === SessionState.Terminated) resolve(); };
      s.stateChange.addListener(check);
      check(s.state);
    }));
  },
  trace() {
    return trace.join("\n");
  },
  async stop() {
    if (ua !== undefined) await ua.stop();
    await audio.close();
  },
};
`;

/** The page that the bundle is added to (`<audio>` for the remote stream). */
export const SOFTPHONE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>sipwright sip.js softphone</title></head><body>
<audio id="remote" muted autoplay></audio>
</body></html>`;

/** Bundles the softphone (sip.js included) for the browser into `dir/softphone.js` and returns that path. */
export async function buildSoftphoneBundle(dir: string): Promise<string> {
  const outfile = join(dir, "softphone.js");
  await build({
    stdin: { contents: SOFTPHONE_ENTRY, resolveDir: REPO_ROOT, sourcefile: "softphone-entry.js", loader: "js" },
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "chrome120",
    outfile,
    logLevel: "silent",
  });
  return outfile;
}
