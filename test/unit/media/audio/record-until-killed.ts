/**
 * Child process for wav-recorder.test.ts: records a tone (stereo: 440 Hz left, 1000 Hz right; mono: 440 Hz) with a
 * 100 ms header-patch interval, prints "patched <data bytes>" once the header on disk covers at least 200 ms, and
 * keeps recording until it is killed. Usage: record-until-killed.ts <path> mono|stereo
 */
import { openSync, readSync } from "node:fs";
import { ToneSource } from "../../../../src/media/audio/tone-source.js";
import { MonoWavRecorder, StereoWavRecorder } from "../../../../src/media/audio/wav-recorder.js";

const [path, layout] = process.argv.slice(2);
if (path === undefined || (layout !== "mono" && layout !== "stereo")) throw new Error("usage: <path> mono|stereo");

const left = new ToneSource({ frequencyHz: 440, levelDbfs: -20 });
const right = new ToneSource({ frequencyHz: 1000, levelDbfs: -20 });
const mono = layout === "mono" ? new MonoWavRecorder({ path, chunkMs: 100, headerPatchMs: 100 }) : undefined;
const stereo = layout === "stereo" ? new StereoWavRecorder({ path, chunkMs: 100, headerPatchMs: 100 }) : undefined;
const fd = openSync(path, "r");
const header = Buffer.alloc(44);
let slot = 0;
let reported = false;

function headerDataBytes(): number {
  readSync(fd, header, 0, 44, 0);
  return header.readUInt32LE(40);
}

function tick(): void {
  for (let i = 0; i < 5; i++, slot++) {
    if (mono !== undefined) mono.writeFrame(left.nextFrame(), slot);
    else {
      stereo?.writeFrame("sent", slot, left.nextFrame());
      stereo?.writeFrame("received", slot, right.nextFrame());
    }
  }
  if (!reported) {
    const bytes = headerDataBytes();
    if (bytes >= (layout === "mono" ? 3200 : 6400)) {
      reported = true;
      process.stdout.write(`patched ${bytes}\n`);
    }
  }
  // Give the asynchronous writes their turn, then record on (until SIGKILL).
  setTimeout(tick, 1);
}

tick();
