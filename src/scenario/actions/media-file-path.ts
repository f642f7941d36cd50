/**
 * Where a media file named by an action (play_pcap_audio, rtp_stream) is read from, as SIPp's find_file
 * (fileutil.c) does: an absolute path is used as given; a relative one is looked for next to the scenario file
 * first ("SIPp now prefers looking for pcap/rtpstream files next to the scenario"), and when it cannot be read
 * there SIPp warns and falls back to the current working directory.
 */
import { accessSync, constants } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

export type MediaFileWhere = "absolute" | "scenario folder" | "working directory";

export interface MediaFilePath {
  readonly path: string;
  readonly where: MediaFileWhere;
  /** The path next to the scenario that was tried first and could not be read (the working-directory fallback). */
  readonly notNextToScenario?: string;
}

/** `scenarioDir` undefined (a built-in or in-memory scenario): relative names are resolved against the cwd. */
export function resolveMediaFile(file: string, scenarioDir: string | undefined): MediaFilePath {
  if (isAbsolute(file)) return { path: file, where: "absolute" };
  if (scenarioDir === undefined) return { path: resolve(file), where: "working directory" };
  const nextToScenario = join(scenarioDir, file);
  if (readable(nextToScenario)) return { path: nextToScenario, where: "scenario folder" };
  return { path: resolve(file), where: "working directory", notNextToScenario: nextToScenario };
}

/** A one-line account of the resolution, for `sipwright validate` and the debug log. */
export function describeMediaFile(action: string, file: string, found: MediaFilePath): string {
  switch (found.where) {
    case "absolute":
      return `${action} "${file}": ${found.path}`;
    case "scenario folder":
      return `${action} "${file}": found next to the scenario: ${found.path}`;
    case "working directory":
      return found.notNextToScenario === undefined
        ? `${action} "${file}": resolved against the working directory: ${found.path}`
        : `${action} "${file}": not next to the scenario (${found.notNextToScenario}), ` +
            `using the working directory (as SIPp does): ${found.path}`;
  }
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    // SIPp behaviour: access(R_OK) < 0 means "not there": fall back (the caller reports a read error, if any).
    return false;
  }
}
