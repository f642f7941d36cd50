/**
 * A call's recording: an <audio> player (ranges served by the API, so it can seek) and the file's waveform drawn
 * by wavesurfer.js on the same media element, one lane per channel (a stereo file: left = sent, right = received).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import WaveSurfer from "wavesurfer.js";
import { errorText } from "../api.ts";

export function Recording({ url, label }: { readonly url: string; readonly label: string }) {
  const audio = useRef<HTMLAudioElement>(null);
  const wave = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [playing, setPlaying] = useState(false);

  useEffect(() => {
    const media = audio.current;
    const container = wave.current;
    if (media === null || container === null) return undefined;
    const surfer = WaveSurfer.create({
      container,
      media,
      url,
      height: 64,
      normalize: true,
      waveColor: "#64748b",
      progressColor: "#2563eb",
      splitChannels: [
        { waveColor: "#2563eb", progressColor: "#1e3a8a" },
        { waveColor: "#d97706", progressColor: "#92400e" },
      ],
    });
    surfer.on("ready", () => setReady(true));
    surfer.on("play", () => setPlaying(true));
    surfer.on("pause", () => setPlaying(false));
    surfer.on("finish", () => setPlaying(false));
    surfer.on("error", (reason) => setError(errorText(reason)));
    return () => surfer.destroy();
  }, [url]);

  return (
    <figure class="recording" data-recording={label} data-ready={ready}>
      <figcaption>
        <a href={url} download>
          {label}
        </a>
      </figcaption>
      <div ref={wave} class="waveform" data-waveform />
      <div class="player">
        <button
          type="button"
          disabled={!ready}
          onClick={() => {
            const media = audio.current;
            if (media === null) return;
            if (media.paused) media.play().catch((reason: unknown) => setError(errorText(reason)));
            else media.pause();
          }}
        >
          {playing ? "Pause" : "Play"}
        </button>
        <audio ref={audio} controls preload="auto" aria-label={`Recording ${label}`} />
      </div>
      {error !== null && <p class="problem">Could not load the recording: {error}</p>}
    </figure>
  );
}
