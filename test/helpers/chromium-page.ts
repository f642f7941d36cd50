/**
 * The page a headless Chromium runs as a WebRTC peer (test/helpers/chromium-peer.ts drives it): one
 * RTCPeerConnection with one audio transceiver whose outgoing track is a WebAudio OscillatorNode, an AnalyserNode
 * on the incoming track, and `RTCRtpSender.dtmf` for RFC 4733 digits.
 *
 * Plain browser JavaScript in a string: the project's tsconfig has no DOM library, and code serialised by
 * `page.evaluate` must not be typed against Node names (libraries.md §4). The page exposes `window.peer`; every
 * method bounds its own waits and rejects with what it saw.
 */
export const CHROMIUM_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>sipwright WebRTC peer</title></head><body>
<audio id="remote" muted autoplay></audio>
<script>
"use strict";
(() => {
  const audio = new AudioContext();
  const pc = new RTCPeerConnection({ iceServers: [] });
  let transceiver;
  let analyser;
  const dtmfPlayed = [];

  pc.addEventListener("track", (event) => {
    const stream = new MediaStream([event.track]);
    // Chrome feeds remote audio to WebAudio only while the stream is also attached to a media element.
    document.getElementById("remote").srcObject = stream;
    analyser = new AnalyserNode(audio, { fftSize: 8192, smoothingTimeConstant: 0 });
    audio.createMediaStreamSource(stream).connect(analyser);
  });

  function toneTrack(frequencyHz) {
    const oscillator = new OscillatorNode(audio, { type: "sine", frequency: frequencyHz });
    const gain = new GainNode(audio, { gain: 0.5 });
    const destination = audio.createMediaStreamDestination();
    oscillator.connect(gain).connect(destination);
    oscillator.start();
    return destination.stream.getAudioTracks()[0];
  }

  function addToneTransceiver(frequencyHz) {
    transceiver = pc.addTransceiver(toneTrack(frequencyHz), { direction: "sendrecv" });
    transceiver.sender.dtmf.addEventListener("tonechange", (event) => dtmfPlayed.push(event.tone));
  }

  function until(what, timeoutMs, done, events) {
    return new Promise((resolve, reject) => {
      const finish = (error) => {
        clearTimeout(timer);
        for (const [target, name] of events) target.removeEventListener(name, check);
        if (error === undefined) resolve();
        else reject(error);
      };
      const check = () => {
        try {
          if (done()) finish();
        } catch (error) {
          finish(error);
        }
      };
      const timer = setTimeout(() => finish(new Error("timed out after " + timeoutMs + " ms waiting for " + what())), timeoutMs);
      for (const [target, name] of events) target.addEventListener(name, check);
      check();
    });
  }

  function states() {
    return "gathering " + pc.iceGatheringState + ", ICE " + pc.iceConnectionState + ", connection " + pc.connectionState;
  }

  // Non-trickle: the description is handed out with every candidate, as a SIP gateway without trickle expects.
  async function localDescription(timeoutMs) {
    await until(() => "complete ICE gathering (" + states() + ")", timeoutMs,
      () => pc.iceGatheringState === "complete", [[pc, "icegatheringstatechange"]]);
    return pc.localDescription.sdp;
  }

  // Frequency of the strongest AnalyserNode bin (parabolic interpolation between bins) and by zero crossings.
  function measure() {
    if (analyser === undefined) return { peakHz: 0, zeroCrossingHz: 0, rms: 0 };
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

  window.peer = {
    async createOffer(frequencyHz, timeoutMs) {
      addToneTransceiver(frequencyHz);
      await pc.setLocalDescription(await pc.createOffer());
      return localDescription(timeoutMs);
    },
    async acceptAnswer(sdp) {
      await pc.setRemoteDescription({ type: "answer", sdp });
    },
    async createAnswer(offer, frequencyHz, timeoutMs) {
      await pc.setRemoteDescription({ type: "offer", sdp: offer });
      transceiver = pc.getTransceivers()[0];
      const track = toneTrack(frequencyHz);
      await transceiver.sender.replaceTrack(track);
      transceiver.direction = "sendrecv";
      transceiver.sender.dtmf.addEventListener("tonechange", (event) => dtmfPlayed.push(event.tone));
      await pc.setLocalDescription(await pc.createAnswer());
      return localDescription(timeoutMs);
    },
    connected(timeoutMs) {
      return until(() => "connectionState connected (" + states() + ")", timeoutMs, () => {
        if (pc.connectionState === "failed") throw new Error("the connection failed (" + states() + ")");
        return pc.connectionState === "connected";
      }, [[pc, "connectionstatechange"]]);
    },
    // Resolves once every digit has been played out (the last tonechange carries the empty tone).
    async insertDtmf(digits, durationMs, gapMs, timeoutMs) {
      dtmfPlayed.length = 0;
      transceiver.sender.dtmf.insertDTMF(digits, durationMs, gapMs);
      await until(() => "DTMF played out (tones so far: " + JSON.stringify(dtmfPlayed) + ")", timeoutMs,
        () => dtmfPlayed[dtmfPlayed.length - 1] === "", [[transceiver.sender.dtmf, "tonechange"]]);
      return dtmfPlayed.filter((tone) => tone !== "").join("");
    },
    // Waits until the remote track has carried sound for holdMs (the analyser's window then holds only it).
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
            reject(new Error("no remote sound for " + holdMs + " ms within " + timeoutMs + " ms (last: " + JSON.stringify(latest) + ", " + states() + ")"));
          }
        }, 50);
      });
    },
    async inboundAudio() {
      const report = await pc.getStats();
      let inbound;
      report.forEach((entry) => { if (entry.type === "inbound-rtp" && entry.kind === "audio") inbound = entry; });
      if (inbound === undefined) return undefined;
      const codec = inbound.codecId === undefined ? undefined : report.get(inbound.codecId);
      return { packetsReceived: inbound.packetsReceived, packetsLost: inbound.packetsLost, codec: codec?.mimeType ?? "" };
    },
    close() {
      pc.close();
      return audio.close();
    },
  };
})();
</script></body></html>`;
